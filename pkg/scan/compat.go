package scan

import (
	"context"
	"fmt"
	"go/version"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/sync/errgroup"

	"github.com/govm-dev/govm/pkg/goversion"
)

// Compat is whether a graph builds with a target Go release, and what must
// move if not.
type Compat struct {
	// Target is the Go release the fleet moves to, "go1.24.3".
	Target string `json:"target"`
	// RequiredGo is the highest go line the go command enforces, and
	// RequiredBy the module (or "go.work") that sets it.
	RequiredGo string `json:"required_go"`
	RequiredBy string `json:"required_by"`
	// OK reports that no enforced go line exceeds Target.
	OK bool `json:"ok"`
	// Blockers are modules whose go line exceeds Target, main modules first,
	// then by path and version.
	Blockers []Blocker `json:"blockers"`
	// Toolchains are toolchain lines a GOTOOLCHAIN=local fleet ignores.
	Toolchains []ToolchainLine `json:"toolchains,omitempty"`
}

// Blocker is one go.mod whose go line is above the target.
type Blocker struct {
	Path      string `json:"path"`
	Version   string `json:"version,omitempty"`
	GoVersion string `json:"go"`
	Main      bool   `json:"main,omitempty"`
	// Enforced: the go command loads this go.mod and refuses to build with
	// an older toolchain. Blockers that are not enforced sit beyond the
	// pruning horizon; they matter only if their packages are built.
	Enforced bool `json:"enforced"`
	// Selected: this is the version MVS selected (a loaded older or newer
	// version can block too).
	Selected bool `json:"selected"`
	// Chain is the requirement path from a main module, "path@version" each.
	Chain []string `json:"chain"`
	// Fix is the newest version whose go line fits the target, if any.
	Fix *Fix `json:"fix,omitempty"`
	// Note explains a missing Fix (replaced module, nothing fits, lookup error).
	Note string `json:"note,omitempty"`
}

// Fix is a version of a blocking module that fits the target.
type Fix struct {
	Version   string `json:"version"`
	GoVersion string `json:"go,omitempty"`
	// Downgrade: the fitting version is older than the one in the graph, so
	// whatever requires the newer one must move too.
	Downgrade bool `json:"downgrade,omitempty"`
}

// ToolchainLine is a toolchain directive of a main module or go.work.
type ToolchainLine struct {
	File      string `json:"file"`
	Toolchain string `json:"toolchain"`
	// AboveTarget: the line asks for a newer Go than the target; with
	// GOTOOLCHAIN=local it is ignored and the target toolchain is used.
	AboveTarget bool `json:"above_target"`
}

// CompatOptions configures CheckCompat.
type CompatOptions struct {
	// Source lists versions and supplies go.mod files of candidates; nil
	// skips the search for fitting versions.
	Source ModSource
	// MaxCandidates bounds how many versions per blocker are fetched, newest
	// first, looking for one that fits; 0 means 12.
	MaxCandidates int
	// Concurrency bounds parallel lookups; 0 means 8.
	Concurrency int
}

// CheckCompat compares every go line in g with target.
func CheckCompat(ctx context.Context, g *Graph, target goversion.Version, opts CompatOptions) (*Compat, error) {
	if target.IsZero() {
		return nil, fmt.Errorf("compatibility check: no target Go version")
	}
	c := &Compat{Target: target.String(), RequiredGo: g.GoVersion, RequiredBy: modString(g.GoVersionFrom), Blockers: []Blocker{}}
	above := func(goLine string) bool { return goLineAbove(goLine, target) }
	seen := map[module.Version]bool{}
	for _, lm := range g.LoadedGoMods(ctx) {
		seen[lm.Module] = true
		if !above(lm.GoVersion) {
			continue
		}
		c.Blockers = append(c.Blockers, Blocker{
			Path: lm.Module.Path, Version: lm.Module.Version, GoVersion: lm.GoVersion,
			Main: lm.Module.Version == "" && g.l.ms.isMain[lm.Module.Path], Enforced: true, Selected: lm.Selected,
		})
	}
	for _, m := range g.Modules {
		mv := module.Version{Path: m.Path, Version: m.Version}
		if !seen[mv] && above(m.GoVersion) {
			c.Blockers = append(c.Blockers, Blocker{Path: m.Path, Version: m.Version, GoVersion: m.GoVersion, Selected: true})
		}
	}
	if w := g.l.ms.work; w != nil && w.Go != nil && above(w.Go.Version) {
		c.Blockers = append(c.Blockers, Blocker{Path: "go.work", GoVersion: w.Go.Version, Main: true, Enforced: true, Selected: true})
	}
	sort.SliceStable(c.Blockers, func(i, j int) bool {
		a, b := c.Blockers[i], c.Blockers[j]
		if a.Main != b.Main {
			return a.Main
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return semver.Compare(a.Version, b.Version) < 0
	})
	c.OK = true
	for i := range c.Blockers {
		b := &c.Blockers[i]
		if b.Enforced {
			c.OK = false
		}
		b.Chain = chainStrings(g.PathTo(module.Version{Path: b.Path, Version: b.Version}))
		if len(b.Chain) == 0 {
			b.Chain = []string{modString(module.Version{Path: b.Path, Version: b.Version})}
		}
	}
	if err := findFixes(ctx, g, c.Blockers, target, opts); err != nil {
		return nil, err
	}
	c.Toolchains = toolchainLines(g, above)
	return c, nil
}

func chainStrings(ms []module.Version) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = modString(m)
	}
	return out
}

func toolchainLines(g *Graph, above func(string) bool) []ToolchainLine {
	var out []ToolchainLine
	if w := g.l.ms.work; w != nil && w.Toolchain != nil {
		out = append(out, ToolchainLine{File: g.l.ms.workFile, Toolchain: w.Toolchain.Name, AboveTarget: toolchainAbove(w.Toolchain.Name, above)})
	}
	for _, mm := range g.l.ms.mains {
		if tc := mm.file.Toolchain; tc != nil {
			out = append(out, ToolchainLine{File: filepath.Join(mm.dir, "go.mod"), Toolchain: tc.Name, AboveTarget: toolchainAbove(tc.Name, above)})
		}
	}
	return out
}

// toolchainAbove compares a toolchain name ("go1.23.4", "go1.23.4+auto",
// "default") with the target.
func toolchainAbove(name string, above func(string) bool) bool {
	if i := strings.IndexAny(name, "+-"); i >= 0 {
		name = name[:i] // custom toolchain suffixes: go1.23.4-custom, go1.23.4+auto
	}
	v, err := goversion.Parse(name)
	if err != nil {
		return false
	}
	return above(v.Number())
}

// goLineAbove reports whether a go.mod go line asks for more than target.
func goLineAbove(goLine string, target goversion.Version) bool {
	return goLine != "" && version.Compare("go"+goLine, target.String()) > 0
}

// findFixes looks, for each distinct blocking dependency, for the newest
// version whose go line fits target. g may be nil (binaries).
func findFixes(ctx context.Context, g *Graph, blockers []Blocker, target goversion.Version, opts CompatOptions) error {
	if opts.Source == nil {
		return nil
	}
	src := newCachedSource(opts.Source)
	limit, maxCand := opts.Concurrency, opts.MaxCandidates
	if limit <= 0 {
		limit = 8
	}
	if maxCand <= 0 {
		maxCand = 12
	}
	type result struct {
		fix  *Fix
		note string
	}
	results := map[string]*result{}
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(limit)
	for _, b := range blockers {
		if b.Main || results[b.Path] != nil {
			continue
		}
		r := &result{}
		results[b.Path] = r
		current := b.Version
		if g != nil {
			if m := g.Module(b.Path); m != nil && m.Replace != nil {
				r.note = "replaced in go.mod: change the replacement"
				continue
			} else if m != nil {
				current = m.Version
			}
		}
		path := b.Path
		eg.Go(func() error {
			r.fix, r.note = fittingVersion(ctx, src, path, current, target, maxCand)
			return ctx.Err()
		})
	}
	if err := eg.Wait(); err != nil {
		return err
	}
	for i := range blockers {
		if r := results[blockers[i].Path]; r != nil {
			blockers[i].Fix, blockers[i].Note = r.fix, r.note
		}
	}
	return nil
}

func fittingVersion(ctx context.Context, src ModSource, path, current string, target goversion.Version, maxCand int) (*Fix, string) {
	list, err := src.Versions(ctx, path)
	if err != nil {
		return nil, fmt.Sprintf("version list unavailable: %v", err)
	}
	cands := releaseVersions(list, semver.Prerelease(current) != "")
	for i, v := range cands {
		if i == maxCand {
			return nil, fmt.Sprintf("none of the newest %d versions fits", maxCand)
		}
		data, err := src.GoMod(ctx, path, v)
		if err != nil {
			return nil, fmt.Sprintf("go.mod of %s@%s unavailable: %v", path, v, err)
		}
		f, err := ParseGoMod(path+"@"+v+"/go.mod", data)
		if err != nil {
			continue
		}
		gv := ""
		if f.Go != nil {
			gv = f.Go.Version
		}
		if gv == "" || version.Compare("go"+gv, target.String()) <= 0 {
			return &Fix{Version: v, GoVersion: gv, Downgrade: semver.Compare(v, current) < 0}, ""
		}
	}
	return nil, "no published version fits the target"
}

// releaseVersions returns valid versions newest first, without
// pseudo-versions, and without prereleases unless allowPre.
func releaseVersions(list []string, allowPre bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range list {
		if !semver.IsValid(v) || module.IsPseudoVersion(v) || seen[v] {
			continue
		}
		if semver.Prerelease(v) != "" && !allowPre {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return semver.Compare(out[i], out[j]) > 0 })
	return out
}
