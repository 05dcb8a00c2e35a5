package scan

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
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
	// Concurrency bounds how many modules are checked at once; 0 means
	// DefaultOutdatedConcurrency.
	Concurrency int
	// progress hears each module done (Scan's Options.Progress).
	progress func(Progress)
}

// DefaultOutdatedConcurrency is how many modules the outdated check looks up
// at once unless told otherwise. It is higher than the graph's 8 because
// the work is one small version list per module, most answered in a
// millisecond or two but, in some minutes, several in 40 to 130 ms
// (measured through a mirror of proxy.golang.org): the check is bound by
// how many are in flight, not by bandwidth, and over HTTP/2 they share one
// connection. This repository's 43 lists took 140 to 200 ms at 8 and 70 to
// 85 ms at 32 when the proxy was slow, and the same either way when it was
// not. The go command uses GOMAXPROCS here.
const DefaultOutdatedConcurrency = 32

// CheckOutdated looks up newer versions of every dependency in g. Pseudo
// versions are ignored, and prereleases unless the current version is one.
// Retractions and deprecations come from the go.mod of the newest release,
// as the go command reads them. Main modules and directory replacements are
// skipped; only modules with something to report are returned, by path.
func CheckOutdated(ctx context.Context, g *Graph, opts OutdatedOptions) ([]Outdated, error) {
	var mods []module.Version
	for _, m := range g.Modules {
		if !m.Main && (m.Replace == nil || m.Replace.Version != "") {
			mods = append(mods, module.Version{Path: m.Path, Version: m.Version})
		}
	}
	return checkOutdated(ctx, mods, opts)
}

// checkOutdated is CheckOutdated over the modules to look up, which Scan
// knows before the graph is fully described (GraphOptions.selected).
func checkOutdated(ctx context.Context, mods []module.Version, opts OutdatedOptions) ([]Outdated, error) {
	if opts.Source == nil {
		return nil, fmt.Errorf("outdated check: no module source configured")
	}
	src := newCachedSource(opts.Source)
	limit := opts.Concurrency
	if limit <= 0 {
		limit = DefaultOutdatedConcurrency
	}
	results := make([]Outdated, len(mods))
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(limit)
	var done atomic.Int64
	for i, m := range mods {
		eg.Go(func() error {
			results[i] = checkOne(ctx, src, m.Path, m.Version)
			if opts.progress != nil {
				opts.progress(Progress{Phase: "outdated", Done: int(done.Add(1)), Total: len(mods)})
			}
			return ctx.Err()
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	// Not nil: an empty list says "checked, nothing found" (see Report).
	out := []Outdated{}
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
	// The newest patch of the current minor is usually the version whose
	// go line the report needs besides the latest; fetch its go.mod while
	// the latest one (which says what is retracted) is read. If it turns
	// out retracted the fetch was wasted and the right one follows.
	if p := patchCandidate(vs, current); p != "" && p != vs[0] {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = src.GoMod(ctx, path, p) // the scan's cachedSource keeps it for goLineOf
		}()
		defer wg.Wait()
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

// patchCandidate is the newest version of vs (sorted newest first) above
// current with current's major and minor, retractions aside.
func patchCandidate(vs []string, current string) string {
	for _, v := range vs {
		if semver.Compare(v, current) <= 0 {
			break
		}
		if semver.MajorMinor(v) == semver.MajorMinor(current) {
			return v
		}
	}
	return ""
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
