package scan

import (
	"context"
	"fmt"
	"go/version"
	"sort"
	"strings"

	"golang.org/x/mod/module"
)

// GraphOptions configures LoadGraph.
type GraphOptions struct {
	// Source supplies go.mod files of dependencies. Required.
	Source ModSource
	// GoWork follows GOWORK: "" finds go.work in the directory or a parent,
	// "off" ignores workspaces, anything else is the go.work file to use.
	GoWork string
	// Concurrency bounds parallel fetches; 0 means 8.
	Concurrency int
	// Vendor computes the graph as the go command does with -mod=vendor:
	// from the main go.mod and vendor/modules.txt only, without Source,
	// with go lines from the modules.txt annotations. Workspaces are not
	// supported in this mode.
	Vendor bool

	// selected, when set, receives the build list as soon as minimal
	// version selection has chosen it, before the go.mod files beyond the
	// pruning horizon are read (they can take a checksum-database round
	// trip each). Scan starts the outdated check's version-list fetches
	// there, so that they overlap with those reads.
	selected func(list []module.Version, skip func(module.Version) bool)
}

// Module is one module of the build list.
type Module struct {
	Path    string `json:"path"`
	Version string `json:"version,omitempty"` // "" for main modules
	Main    bool   `json:"main,omitempty"`
	// Dir is the directory of a main module or of a directory replacement.
	Dir string `json:"dir,omitempty"`
	// Replace is the replacement the go command uses for this module.
	Replace *Replacement `json:"replace,omitempty"`
	// GoVersion is the go line of the selected version's go.mod ("" if none).
	GoVersion string `json:"go,omitempty"`
	// Toolchain is the toolchain line of that go.mod ("" if none).
	Toolchain string `json:"toolchain,omitempty"`
	// Loaded reports whether the go command reads this go.mod when loading
	// the module graph, so that its go line is enforced. Modules beyond the
	// pruning horizon of go >= 1.17 modules are listed but not loaded.
	Loaded bool `json:"loaded"`
	// Direct reports a requirement without "// indirect" in a main go.mod.
	Direct bool `json:"direct,omitempty"`
	// Deprecated is the deprecation comment of the selected version's go.mod.
	Deprecated string `json:"deprecated,omitempty"`
	// Error says why the go.mod of an unloaded module could not be read.
	Error string `json:"error,omitempty"`
}

// Replacement is the target of a replace directive.
type Replacement struct {
	Path    string `json:"path"`              // module path, or directory as the go command prints it
	Version string `json:"version,omitempty"` // "" for a directory
}

// Graph is the module graph of one module or workspace, equal to what
// `go list -m all` reports, plus what the go command knows about each module.
type Graph struct {
	// WorkFile is the go.work in use, "" outside workspace mode.
	WorkFile string
	// Modules is the build list: main modules first, then by path.
	Modules []*Module
	// GoVersion is the Go version the graph requires: the highest go line
	// over every go.mod the go command loads (all loaded versions, selected
	// or not, and the main modules and go.work).
	GoVersion string
	// GoVersionFrom is the module whose go line sets GoVersion.
	GoVersionFrom module.Version

	g  *reqGraph
	l  *loader
	by map[string]*Module
}

// LoadGraph computes the module graph of the module or workspace at dir
// without building anything: module graph pruning, MVS, replace and exclude
// directives and go.work are applied as the go command applies them.
func LoadGraph(ctx context.Context, dir string, opts GraphOptions) (*Graph, error) {
	if opts.Source == nil && !opts.Vendor {
		return nil, fmt.Errorf("scan %s: no module source configured", dir)
	}
	ms, err := loadMainSet(dir, opts.GoWork)
	if err != nil {
		return nil, err
	}
	limit := opts.Concurrency
	if limit <= 0 {
		limit = 8
	}
	b := &graphBuilder{l: newLoader(ms, opts.Source), limit: limit, vendor: opts.Vendor}
	if opts.Vendor {
		vs, err := loadVendor(ms)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", dir, err)
		}
		b.l = newLoader(ms, noFetch{})
		vs.seed(b.l)
	}
	rg, err := b.build(ctx)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	if opts.selected != nil {
		opts.selected(rg.buildList(), b.l.mainOrDirReplaced)
	}
	gr := &Graph{WorkFile: ms.workFile, g: rg, l: b.l, by: map[string]*Module{}}
	if err := gr.describe(ctx, b); err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	return gr, nil
}

// describe fills Modules from the selected versions, reading the go.mod of
// modules outside the pruning horizon too (their go lines matter for
// planning even though the go command does not enforce them).
func (gr *Graph) describe(ctx context.Context, b *graphBuilder) error {
	list := gr.g.buildList()
	var unloaded []module.Version
	for _, m := range list {
		if _, ok := gr.g.reqs[m]; !ok {
			unloaded = append(unloaded, m)
		}
	}
	// Errors are recorded per module below: an offline cache may lack them.
	_ = prefetch(ctx, b, unloaded, func(m module.Version) module.Version { return m })
	direct := map[string]bool{}
	for _, mm := range gr.l.ms.mains {
		for _, r := range mm.file.Require {
			if !r.Indirect {
				direct[r.Mod.Path] = true
			}
		}
	}
	for _, m := range list {
		mod := &Module{Path: m.Path, Version: m.Version, Direct: direct[m.Path]}
		if _, ok := gr.g.reqs[m]; ok {
			mod.Loaded = true
		}
		if m.Version == "" && gr.l.ms.isMain[m.Path] {
			mod.Main, mod.Loaded = true, true
			for _, mm := range gr.l.ms.mains {
				if mm.path == m.Path {
					mod.Dir = mm.dir
				}
			}
		}
		s, err := gr.l.summary(ctx, m)
		if err != nil {
			if mod.Loaded {
				return err
			}
			mod.Error = err.Error()
		} else {
			mod.GoVersion, mod.Toolchain, mod.Deprecated = s.goVersion, s.toolchain, s.deprecated
			if s.replace != nil {
				mod.Replace = &Replacement{Path: s.replace.listAs, Version: s.replace.mod.Version}
				mod.Dir = s.replace.dir
			}
		}
		gr.Modules = append(gr.Modules, mod)
		gr.by[m.Path] = mod
	}
	if mod := gr.Modules[0]; mod.Main {
		mod.Toolchain = gr.mainToolchain()
	}
	gr.computeGoVersion(ctx)
	return nil
}

func (gr *Graph) mainToolchain() string {
	if w := gr.l.ms.work; w != nil && w.Toolchain != nil {
		return w.Toolchain.Name
	}
	return gr.Modules[0].Toolchain
}

func (gr *Graph) computeGoVersion(ctx context.Context) {
	consider := func(m module.Version, gv string) {
		if gv != "" && (gr.GoVersion == "" || version.Compare("go"+gv, "go"+gr.GoVersion) > 0) {
			gr.GoVersion, gr.GoVersionFrom = gv, m
		}
	}
	if w := gr.l.ms.work; w != nil && w.Go != nil {
		consider(module.Version{Path: "go.work"}, w.Go.Version)
	}
	loaded := make([]module.Version, 0, len(gr.g.reqs))
	for m := range gr.g.reqs {
		loaded = append(loaded, m)
	}
	sortModules(loaded)
	for _, m := range loaded {
		if s, err := gr.l.summary(ctx, m); err == nil {
			consider(m, s.goVersion)
		}
	}
}

// Module returns the build-list entry for path, or nil.
func (gr *Graph) Module(path string) *Module { return gr.by[path] }

// Main returns the main modules.
func (gr *Graph) Main() []*Module {
	var out []*Module
	for _, m := range gr.Modules {
		if m.Main {
			out = append(out, m)
		}
	}
	return out
}

// Requirements returns the requirements of m as its go.mod states them
// (excluded versions dropped), and false when the go command does not load
// m's go.mod.
func (gr *Graph) Requirements(m module.Version) ([]module.Version, bool) {
	r, ok := gr.g.reqs[m]
	return r, ok
}

// LoadedGoMods returns every module version whose go.mod the go command
// loads, with its go line, sorted by path and version.
func (gr *Graph) LoadedGoMods(ctx context.Context) []LoadedGoMod {
	var out []LoadedGoMod
	for m := range gr.g.reqs {
		if s, err := gr.l.summary(ctx, m); err == nil {
			out = append(out, LoadedGoMod{Module: m, GoVersion: s.goVersion, Selected: gr.g.selected[m.Path] == m.Version})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Module, out[j].Module
		return a.Path < b.Path || a.Path == b.Path && gr.g.cmp(a.Path, a.Version, b.Version) < 0
	})
	return out
}

// LoadedGoMod is one go.mod the go command reads while loading the graph.
type LoadedGoMod struct {
	Module    module.Version
	GoVersion string
	Selected  bool // the version is the one MVS selected
}

// PathTo returns the shortest chain of requirements from a main module to
// m, both included, or nil when m is not reachable through loaded go.mods.
func (gr *Graph) PathTo(m module.Version) []module.Version { return gr.g.pathTo(m) }

// ListM renders the build list exactly as `go list -m all` prints it.
func (gr *Graph) ListM() string {
	var b strings.Builder
	for _, m := range gr.Modules {
		b.WriteString(m.Path)
		if m.Version != "" {
			b.WriteString(" " + m.Version)
		}
		if m.Replace != nil {
			b.WriteString(" => " + m.Replace.Path)
			if m.Replace.Version != "" {
				b.WriteString(" " + m.Replace.Version)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
