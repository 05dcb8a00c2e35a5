package scan

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/sync/errgroup"
)

// pruning is how much of a module's requirement graph is read.
type pruning int

const (
	pruned    pruning = iota // only the module's own go.mod (go >= 1.17)
	unpruned                 // the module's full transitive graph (go < 1.17)
	workspace                // a go.work main module: all its requirements, then fix-ups
)

// reqGraph is the requirement graph as the go command's module loader sees
// it: edges only from module versions whose go.mod was loaded, and for every
// module path the highest version anything in the graph requires (MVS).
type reqGraph struct {
	isMain   map[string]bool
	roots    []module.Version // main modules, in the order the go command lists them
	reqs     map[module.Version][]module.Version
	selected map[string]string
}

func newReqGraph(isMain map[string]bool, roots []module.Version) *reqGraph {
	g := &reqGraph{isMain: isMain, roots: roots, reqs: map[module.Version][]module.Version{}, selected: map[string]string{}}
	for _, r := range roots {
		g.selected[r.Path] = r.Version
	}
	return g
}

// cmp orders versions of path; a main module's own version "" is above all.
func (g *reqGraph) cmp(path, a, b string) int {
	if g.isMain[path] {
		switch {
		case a == b:
			return 0
		case a == "":
			return 1
		case b == "":
			return -1
		}
	}
	return semver.Compare(a, b)
}

func (g *reqGraph) require(m module.Version, reqs []module.Version) {
	g.reqs[m] = reqs
	for _, r := range reqs {
		cur, ok := g.selected[r.Path]
		if !ok || g.cmp(r.Path, r.Version, cur) > 0 {
			g.selected[r.Path] = r.Version
		}
	}
}

// buildList returns the main modules, then every other path at its selected
// version, sorted by path.
func (g *reqGraph) buildList() []module.Version {
	var list []module.Version
	seen := map[string]bool{}
	for _, r := range g.roots {
		if !seen[r.Path] {
			seen[r.Path] = true
			list = append(list, module.Version{Path: r.Path, Version: g.selected[r.Path]})
		}
	}
	n := len(list)
	for p, v := range g.selected {
		if !seen[p] && v != "none" {
			list = append(list, module.Version{Path: p, Version: v})
		}
	}
	rest := list[n:]
	sort.Slice(rest, func(i, j int) bool { return rest[i].Path < rest[j].Path })
	return list
}

// pathTo returns the shortest requirement chain from a main module to m
// (both ends included), or nil when m is not in the graph.
func (g *reqGraph) pathTo(m module.Version) []module.Version {
	prev := map[module.Version]module.Version{}
	seen := map[module.Version]bool{}
	var queue []module.Version
	for _, r := range g.roots {
		seen[r] = true
		queue = append(queue, r)
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == m {
			var chain []module.Version
			for c := cur; ; c = prev[c] {
				chain = append(chain, c)
				if _, ok := prev[c]; !ok {
					break
				}
			}
			for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
				chain[i], chain[j] = chain[j], chain[i]
			}
			return chain
		}
		for _, r := range g.reqs[cur] {
			if !seen[r] {
				seen[r] = true
				prev[r] = cur
				queue = append(queue, r)
			}
		}
	}
	return nil
}

// graphBuilder runs the go command's graph algorithm over one mainSet.
type graphBuilder struct {
	l     *loader
	limit int
	// vendor: the go command's vendor mode, where every vendored go.mod
	// (as modules.txt records it) counts as loaded.
	vendor bool
}

// read loads the graph from roots the way cmd/go's readModGraph does: a
// module's go.mod is loaded when it is a root, or is required by a module
// loaded without pruning, or by a module whose own go line predates pruning.
func (b *graphBuilder) read(ctx context.Context, mode pruning, roots []module.Version) (*reqGraph, error) {
	ms := b.l.ms
	var g *reqGraph
	if mode == workspace {
		g = newReqGraph(ms.isMain, roots)
	} else {
		main := module.Version{Path: ms.mains[0].path}
		g = newReqGraph(ms.isMain, []module.Version{main})
		g.require(main, roots)
	}
	type item struct {
		m    module.Version
		mode pruning
	}
	seen := map[item]bool{}
	var wave []item
	enqueue := func(m module.Version, p pruning) {
		if m.Version == "none" || seen[item{m, p}] {
			return
		}
		seen[item{m, p}] = true
		wave = append(wave, item{m, p})
	}
	drain := func() error {
		for len(wave) > 0 {
			cur := wave
			wave = nil
			if err := prefetch(ctx, b, cur, func(it item) module.Version { return it.m }); err != nil {
				return b.explain(g, err)
			}
			for _, it := range cur {
				s, _ := b.l.summary(ctx, it.m)
				g.require(it.m, s.require)
				next := unpruned
				if s.pruned {
					next = pruned
				}
				if it.mode == unpruned {
					next = unpruned
				}
				for _, r := range s.require {
					if it.mode != pruned || !s.pruned {
						enqueue(r, next)
					}
				}
			}
		}
		return nil
	}
	for _, r := range roots {
		enqueue(r, mode)
	}
	if err := drain(); err != nil {
		return nil, err
	}
	if mode != workspace {
		return g, nil
	}
	// In workspace mode the requirements of the main modules do not promise
	// to be complete, so every dependency that is selected above the version
	// a loaded module asked for has its own requirements loaded too.
	hasDeps := map[string]bool{}
	done := map[module.Version]bool{}
	for _, r := range roots {
		hasDeps[r.Path] = true
	}
	for {
		need := map[module.Version]bool{}
		for p := range hasDeps {
			m := module.Version{Path: p, Version: g.selected[p]}
			if !done[m] {
				need[m] = true
				continue
			}
			for _, r := range g.reqs[m] {
				s := module.Version{Path: r.Path, Version: g.selected[r.Path]}
				if g.cmp(r.Path, s.Version, r.Version) > 0 && !done[s] {
					need[s] = true
				}
			}
		}
		if len(need) == 0 {
			return g, nil
		}
		keys := make([]module.Version, 0, len(need))
		for m := range need {
			keys = append(keys, m)
		}
		sortModules(keys)
		for _, m := range keys {
			enqueue(m, workspace)
			done[m] = true
			hasDeps[m.Path] = true
		}
		if err := drain(); err != nil {
			return nil, err
		}
	}
}

// prefetch loads the summaries of a wave concurrently, bounded by b.limit.
// One failure does not cancel the others: summaries are cached, errors
// included, and a cancelled sibling would be remembered as failed.
func prefetch[T any](ctx context.Context, b *graphBuilder, items []T, mod func(T) module.Version) error {
	var eg errgroup.Group
	eg.SetLimit(b.limit)
	for _, it := range items {
		m := mod(it)
		eg.Go(func() error {
			if _, err := b.l.summary(ctx, m); err != nil {
				return &loadError{mod: m, err: err}
			}
			return nil
		})
	}
	return eg.Wait()
}

// loadError is a go.mod that could not be loaded, with the chain of
// requirements that led to it once known.
type loadError struct {
	mod   module.Version
	chain []module.Version
	err   error
}

func (e *loadError) Error() string {
	if len(e.chain) > 1 {
		parts := make([]string, len(e.chain))
		for i, m := range e.chain {
			parts[i] = modString(m)
		}
		return fmt.Sprintf("%s: %v", strings.Join(parts, " requires "), e.err)
	}
	return fmt.Sprintf("%s: %v", modString(e.mod), e.err)
}

func (e *loadError) Unwrap() error { return e.err }

func (b *graphBuilder) explain(g *reqGraph, err error) error {
	if le, ok := err.(*loadError); ok {
		le.chain = g.pathTo(le.mod)
	}
	return err
}

func modString(m module.Version) string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + "@" + m.Version
}

func sortModules(ms []module.Version) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Path != ms[j].Path {
			return ms[i].Path < ms[j].Path
		}
		return semver.Compare(ms[i].Version, ms[j].Version) < 0
	})
}

// build computes the graph `go list -m all` reports.
func (b *graphBuilder) build(ctx context.Context) (*reqGraph, error) {
	ms := b.l.ms
	if ms.work != nil {
		roots := make([]module.Version, 0, len(ms.mains))
		for _, m := range ms.mains {
			roots = append(roots, module.Version{Path: m.path})
		}
		sortModules(roots)
		return b.read(ctx, workspace, roots)
	}
	main := ms.mains[0]
	var roots []module.Version
	for _, r := range main.file.Require {
		if !ms.exclude[r.Mod] {
			roots = append(roots, r.Mod)
		}
	}
	sortModules(roots)
	gv := defaultGoModVersion
	if main.file.Go != nil {
		gv = main.file.Go.Version
	}
	if !isPrunedGo(gv) || b.vendor {
		return b.read(ctx, unpruned, roots)
	}
	g, err := b.read(ctx, pruned, roots)
	if err != nil {
		return nil, err
	}
	if rootsSelected(g, roots) {
		return g, nil
	}
	// Pruned roots that MVS moved elsewhere are raised to their selected
	// versions, which can load go.mod files that were beyond the horizon
	// before, until the roots are consistent (cmd/go's updatePrunedRoots).
	for {
		next, upgraded := consistentRoots(g, roots, ms.isMain)
		roots = next
		if g, err = b.read(ctx, pruned, roots); err != nil {
			return nil, err
		}
		if !upgraded {
			return g, nil
		}
	}
}

func rootsSelected(g *reqGraph, roots []module.Version) bool {
	for _, r := range roots {
		if g.selected[r.Path] != r.Version {
			return false
		}
	}
	return true
}

func consistentRoots(g *reqGraph, roots []module.Version, isMain map[string]bool) ([]module.Version, bool) {
	seen := map[string]bool{}
	for p := range isMain {
		seen[p] = true
	}
	var out []module.Version
	upgraded := false
	for _, r := range roots {
		if seen[r.Path] {
			continue
		}
		seen[r.Path] = true
		v := g.selected[r.Path]
		if v != r.Version {
			upgraded = true
		}
		out = append(out, module.Version{Path: r.Path, Version: v})
	}
	return out, upgraded
}
