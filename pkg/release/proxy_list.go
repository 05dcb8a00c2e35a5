package release

import (
	"sort"
	"strings"

	"github.com/govm-dev/govm/pkg/goversion"
)

// ParseToolchainVersion splits a golang.org/toolchain module version
// ("v0.0.1-go1.22.5.linux-amd64") into the Go release and platform. ok is
// false for anything else, including versions of other shapes that a
// proxy might list.
func ParseToolchainVersion(mv string) (v goversion.Version, goos, goarch string, ok bool) {
	rest, found := strings.CutPrefix(mv, "v0.0.1-")
	if !found {
		return goversion.Version{}, "", "", false
	}
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 {
		return goversion.Version{}, "", "", false
	}
	goos, goarch, found = strings.Cut(rest[dot+1:], "-")
	if !found || !validPlatformWord(goos) || !validPlatformWord(goarch) {
		return goversion.Version{}, "", "", false
	}
	name := rest[:dot]
	if !strings.HasPrefix(name, "go") {
		return goversion.Version{}, "", "", false
	}
	v, err := goversion.Parse(name)
	if err != nil || v.String() != name || v.IsLang() {
		return goversion.Version{}, "", "", false
	}
	return v, goos, goarch, true
}

// groupToolchains turns listed module versions into releases, newest
// first, each with one zip file per platform. Other versions are ignored.
func groupToolchains(moduleVersions []string) []Release {
	byVersion := map[string]*Release{}
	var versions []goversion.Version
	for _, mv := range moduleVersions {
		v, goos, goarch, ok := ParseToolchainVersion(mv)
		if !ok {
			continue
		}
		r := byVersion[v.String()]
		if r == nil {
			r = &Release{Version: v.String(), Stable: !v.IsPrerelease()}
			byVersion[v.String()] = r
			versions = append(versions, v)
		}
		name := mv + ".zip"
		dup := false
		for _, f := range r.Files {
			dup = dup || f.Filename == name
		}
		if !dup {
			r.Files = append(r.Files, File{Filename: name, OS: goos, Arch: goarch, Version: v.String(), Kind: "archive"})
		}
	}
	goversion.Sort(versions)
	out := make([]Release, 0, len(versions))
	for _, v := range versions {
		r := byVersion[v.String()]
		sort.Slice(r.Files, func(a, b int) bool { return r.Files[a].Filename < r.Files[b].Filename })
		out = append(out, *r)
	}
	return out
}
