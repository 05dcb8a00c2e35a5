package scan

import (
	"context"
	"fmt"
	"sort"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
	"golang.org/x/sync/errgroup"
)

// Outdated is a module of the build list with newer versions, retractions
// or a deprecation notice.
type Outdated struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	// Latest is the newest version that is not retracted; "" when the
	// current version is the newest.
	Latest string `json:"latest,omitempty"`
	// LatestGo is the go line Latest requires.
	LatestGo string `json:"latest_go,omitempty"`
	// LatestPatch is the newest non-retracted version with the same major
	// and minor as Version, when it differs from Version and Latest.
	LatestPatch   string `json:"latest_patch,omitempty"`
	LatestPatchGo string `json:"latest_patch_go,omitempty"`
	// Newer counts the newer, non-retracted versions.
	Newer int `json:"newer"`
	// Retracted lists newer versions the author retracted, newest first.
	Retracted []string `json:"retracted,omitempty"`
	// CurrentRetracted holds the rationale when Version itself is retracted.
	CurrentRetracted string `json:"current_retracted,omitempty"`
	// Deprecated is the deprecation comment of the latest go.mod.
	Deprecated string `json:"deprecated,omitempty"`
	// Error says why the module could not be checked (no version list).
	Error string `json:"error,omitempty"`
}

// OutdatedOptions configures CheckOutdated.
type OutdatedOptions struct {
	// Source lists versions and supplies go.mod files. Required.
	Source ModSource
	// Concurrency bounds parallel lookups; 0 means 8.
	Concurrency int
}

// CheckOutdated looks up newer versions of every dependency in g. Pseudo
// versions are ignored, and prereleases unless the current version is one.
// Retractions and deprecations come from the go.mod of the newest release,
// as the go command reads them. Main modules and directory replacements are
// skipped; only modules with something to report are returned, by path.
func CheckOutdated(ctx context.Context, g *Graph, opts OutdatedOptions) ([]Outdated, error) {
	if opts.Source == nil {
		return nil, fmt.Errorf("outdated check: no module source configured")
	}
	src := newCachedSource(opts.Source)
	limit := opts.Concurrency
	if limit <= 0 {
		limit = 8
	}
	var mods []*Module
	for _, m := range g.Modules {
		if !m.Main && (m.Replace == nil || m.Replace.Version != "") {
			mods = append(mods, m)
		}
	}
	results := make([]Outdated, len(mods))
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(limit)
	for i, m := range mods {
		eg.Go(func() error {
			results[i] = checkOne(ctx, src, m.Path, m.Version)
			return ctx.Err()
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	var out []Outdated
	for _, o := range results {
		if o.Latest != "" || len(o.Retracted) > 0 || o.CurrentRetracted != "" || o.Deprecated != "" || o.Error != "" {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func checkOne(ctx context.Context, src ModSource, path, current string) Outdated {
	o := Outdated{Path: path, Version: current}
	list, err := src.Versions(ctx, path)
	if err != nil {
		o.Error = fmt.Sprintf("version list unavailable: %v", err)
		return o
	}
	vs := releaseVersions(list, semver.Prerelease(current) != "")
	if len(vs) == 0 {
		return o
	}
	goMod := func(v string) *modfile.File {
		data, err := src.GoMod(ctx, path, v)
		if err != nil {
			return nil
		}
		f, err := ParseGoMod(path+"@"+v+"/go.mod", data)
		if err != nil {
			return nil
		}
		return f
	}
	latestFile := goMod(vs[0])
	var retract []*modfile.Retract
	if latestFile != nil {
		retract = latestFile.Retract
		if latestFile.Module != nil {
			o.Deprecated = latestFile.Module.Deprecated
		}
	}
	for _, v := range vs {
		if semver.Compare(v, current) <= 0 {
			break
		}
		if isRetracted(retract, v) != nil {
			o.Retracted = append(o.Retracted, v)
			continue
		}
		o.Newer++
		if o.Latest == "" {
			o.Latest = v
		}
		if o.LatestPatch == "" && semver.MajorMinor(v) == semver.MajorMinor(current) {
			o.LatestPatch = v
		}
	}
	if r := isRetracted(retract, current); r != nil {
		o.CurrentRetracted = r.Rationale
		if o.CurrentRetracted == "" {
			o.CurrentRetracted = "retracted by the module author"
		}
	}
	if o.LatestPatch == o.Latest {
		o.LatestPatch = ""
	}
	o.LatestGo = goLineOf(goMod, o.Latest)
	o.LatestPatchGo = goLineOf(goMod, o.LatestPatch)
	return o
}

func goLineOf(goMod func(string) *modfile.File, v string) string {
	if v == "" {
		return ""
	}
	if f := goMod(v); f != nil && f.Go != nil {
		return f.Go.Version
	}
	return ""
}

func isRetracted(rs []*modfile.Retract, v string) *modfile.Retract {
	for _, r := range rs {
		if semver.Compare(r.Low, v) <= 0 && semver.Compare(v, r.High) <= 0 {
			return r
		}
	}
	return nil
}
