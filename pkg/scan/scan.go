// Package scan answers, from go.mod, go.sum and go.work alone and without
// building anything, what moving a module or workspace to another Go release
// involves: the module graph exactly as the go command computes it (graph
// pruning, MVS, replace, exclude, workspaces), the modules whose go line
// blocks a target release and the newest versions that fit it, outdated,
// retracted and deprecated modules, known vulnerabilities from an OSV
// database in the Go vulnerability database layout, a CycloneDX SBOM, and
// the same checks for deployed binaries.
//
// Nothing here prints or exits; all network access goes through a ModSource
// and the *http.Client given to OpenVulnDB.
package scan

import (
	"context"
	"fmt"
	"sync/atomic"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/pkg/goversion"
)

// Options configures Scan.
type Options struct {
	// Dir is the module or workspace directory to scan; "" scans only Binaries.
	Dir string
	// GoWork follows GOWORK ("" searches for go.work, "off" disables it).
	GoWork string
	// Source supplies go.mod files and version lists. Required.
	Source ModSource
	// Vendor reads the graph from vendor/modules.txt as -mod=vendor does
	// (see GraphOptions.Vendor); without a Source it implies Offline.
	Vendor bool
	// Offline skips everything that needs version lists (fitting versions of
	// blockers, outdated modules): an offline source knows only what is cached.
	Offline bool
	// Target is the Go release to plan for; zero skips the compatibility check.
	Target goversion.Version
	// Current is the Go release in use today, checked against the stdlib and
	// toolchain entries of the vulnerability database; may be zero.
	Current goversion.Version
	// Outdated turns on the outdated check.
	Outdated bool
	// VulnDB is an opened vulnerability database; nil skips the check.
	VulnDB *VulnDB
	// Binaries are Go executables to check as deployed.
	Binaries []string
	// Concurrency bounds parallel fetches of the graph and the
	// compatibility check; 0 means 8.
	Concurrency int
	// OutdatedConcurrency bounds the modules the outdated check looks up
	// at once; 0 means DefaultOutdatedConcurrency.
	OutdatedConcurrency int
	// MaxCandidates bounds the versions fetched per blocker; 0 means 12.
	MaxCandidates int
	// Progress, when set, hears how far the scan has got, for a progress
	// line on long scans. It is called from several goroutines at once
	// and must be quick.
	Progress func(Progress)
}

// Progress is one step of a Scan.
type Progress struct {
	// Phase is "fetch" (a go.mod file or version list was fetched from
	// the source; Total is not known in advance) or "outdated" (one more
	// module looked up for newer versions, Done of Total).
	Phase       string
	Done, Total int
}

// Report is the result of one Scan. See WriteJSON for the JSON schema.
type Report struct {
	Dir      string    `json:"dir,omitempty"`
	WorkFile string    `json:"work_file,omitempty"`
	Modules  []*Module `json:"modules,omitempty"`
	// RequiredGo is the highest go line the go command enforces for the
	// graph, and RequiredBy the module that sets it.
	RequiredGo string         `json:"required_go,omitempty"`
	RequiredBy string         `json:"required_by,omitempty"`
	Compat     *Compat        `json:"compat,omitempty"`
	Outdated   []Outdated     `json:"outdated,omitzero"`
	Vulns      *VulnReport    `json:"vulns,omitempty"`
	Binaries   []BinaryReport `json:"binaries,omitempty"`
	// Notes are things the scan skipped and why (offline mode).
	Notes []string `json:"notes,omitempty"`

	// Graph is the module graph behind the report, for WriteCycloneDX.
	Graph *Graph `json:"-"`
	// binaryTarget is the release Binaries were checked against: a report
	// of binaries alone has no Compat to carry it, and its verdict still
	// answers whether they can move.
	binaryTarget goversion.Version
}

// BinaryReport is what a scan found for one deployed executable.
type BinaryReport struct {
	Binary *Binary `json:"binary"`
	// Blockers are linked-in module versions whose go line is above the
	// target: rebuilding the binary with the target would refuse them.
	// Nil when no target was given; empty when none blocks it.
	Blockers []Blocker `json:"blockers,omitzero"`
	// BuiltBelowTarget: the binary was built with an older Go than the target.
	BuiltBelowTarget bool        `json:"built_below_target,omitempty"`
	Vulns            *VulnReport `json:"vulns,omitempty"`
}

// Scan runs every check Options asks for. Problems found are results;
// errors are reserved for a scan that could not be done (unreadable go.mod,
// a go.mod hash that does not match go.sum, an unusable vulnerability
// database, a file that is not a Go executable).
func Scan(ctx context.Context, opts Options) (*Report, error) {
	if opts.Source == nil && opts.Vendor {
		opts.Source, opts.Offline = noFetch{}, true
	}
	if opts.Source == nil {
		return nil, fmt.Errorf("scan: no module source configured")
	}
	src := newCachedSource(opts.Source)
	if opts.Progress != nil {
		var fetched atomic.Int64
		src.fetched = func() { opts.Progress(Progress{Phase: "fetch", Done: int(fetched.Add(1))}) }
	}
	var fixSrc ModSource = src
	r := &Report{Dir: opts.Dir}
	if opts.Offline {
		fixSrc = nil
		r.Notes = append(r.Notes, "offline: fitting versions of blockers and outdated modules were not looked up")
	}
	if opts.Dir != "" {
		if err := scanModule(ctx, r, src, fixSrc, opts); err != nil {
			return nil, err
		}
	}
	if len(opts.Binaries) > 0 {
		r.binaryTarget = opts.Target
	}
	for _, file := range opts.Binaries {
		br, err := scanBinary(ctx, file, src, fixSrc, opts)
		if err != nil {
			return nil, err
		}
		r.Binaries = append(r.Binaries, *br)
	}
	return r, nil
}

func scanModule(ctx context.Context, r *Report, src, fixSrc ModSource, opts Options) error {
	gopts := GraphOptions{Source: src, GoWork: opts.GoWork, Concurrency: opts.Concurrency, Vendor: opts.Vendor}
	var outdated *outdatedRun
	if opts.Outdated && fixSrc != nil {
		outdated = &outdatedRun{}
		// The check needs only the selected versions, so it runs while
		// the graph reads the go.mod files beyond the pruning horizon.
		gopts.selected = func(list []module.Version, skip func(module.Version) bool) {
			outdated.start(ctx, list, skip, OutdatedOptions{Source: fixSrc, Concurrency: opts.OutdatedConcurrency, progress: opts.Progress})
		}
		defer outdated.abandon()
	}
	g, err := LoadGraph(ctx, opts.Dir, gopts)
	if err != nil {
		return err
	}
	r.Graph, r.WorkFile, r.Modules = g, g.WorkFile, g.Modules
	r.RequiredGo, r.RequiredBy = g.GoVersion, modString(g.GoVersionFrom)
	if !opts.Target.IsZero() {
		if r.Compat, err = CheckCompat(ctx, g, opts.Target, CompatOptions{Source: fixSrc, MaxCandidates: opts.MaxCandidates, Concurrency: opts.Concurrency}); err != nil {
			return err
		}
	}
	if outdated != nil {
		if r.Outdated, err = outdated.wait(); err != nil {
			return err
		}
	}
	if opts.VulnDB != nil {
		var mods []module.Version
		for _, m := range g.Modules {
			switch {
			case m.Main:
			case m.Replace == nil:
				mods = append(mods, module.Version{Path: m.Path, Version: m.Version})
			case m.Replace.Version != "":
				mods = append(mods, module.Version{Path: m.Replace.Path, Version: m.Replace.Version})
			}
		}
		if r.Vulns, err = CheckVulns(ctx, opts.VulnDB, mods, VulnOptions{Current: opts.Current, Target: opts.Target, Concurrency: opts.Concurrency}); err != nil {
			return err
		}
	}
	return nil
}

// outdatedRun is an outdated check started in the background from the
// build list, before LoadGraph returns.
type outdatedRun struct {
	cancel context.CancelFunc
	done   chan struct{}
	out    []Outdated
	err    error
}

func (o *outdatedRun) start(ctx context.Context, list []module.Version, skip func(module.Version) bool, opts OutdatedOptions) {
	var mods []module.Version
	for _, m := range list {
		if !skip(m) {
			mods = append(mods, m)
		}
	}
	ctx, o.cancel = context.WithCancel(ctx)
	o.done = make(chan struct{})
	go func() {
		defer close(o.done)
		o.out, o.err = checkOutdated(ctx, mods, opts)
	}()
}

// wait returns the check's result.
func (o *outdatedRun) wait() ([]Outdated, error) {
	if o.done == nil {
		return nil, fmt.Errorf("outdated check: the graph never selected a build list")
	}
	<-o.done
	return o.out, o.err
}

// abandon stops a check whose result is no longer wanted (the scan failed)
// and waits for it, so that no fetch outlives Scan.
func (o *outdatedRun) abandon() {
	if o.done != nil {
		o.cancel()
		<-o.done
	}
}

func scanBinary(ctx context.Context, file string, src, fixSrc ModSource, opts Options) (*BinaryReport, error) {
	b, err := ScanBinary(file)
	if err != nil {
		return nil, err
	}
	br := &BinaryReport{Binary: b}
	built, berr := goversion.Parse(b.GoVersion)
	if !opts.Target.IsZero() {
		br.BuiltBelowTarget = berr == nil && goversion.Less(built, opts.Target)
		br.Blockers = binaryBlockers(ctx, b, src, opts.Target)
		if err := findFixes(ctx, nil, br.Blockers, opts.Target, CompatOptions{Source: fixSrc, MaxCandidates: opts.MaxCandidates, Concurrency: opts.Concurrency}); err != nil {
			return nil, err
		}
	}
	if opts.VulnDB != nil {
		vo := VulnOptions{Target: opts.Target, Concurrency: opts.Concurrency}
		if berr == nil {
			vo.Current = built
		}
		if br.Vulns, err = CheckVulns(ctx, opts.VulnDB, b.ModuleVersions(), vo); err != nil {
			return nil, fmt.Errorf("binary %s: %w", file, err)
		}
	}
	return br, nil
}

// binaryBlockers reads the go.mod of every module version linked into b.
// Each provides packages to the build, so the go command loads its go.mod
// and enforces its go line when the binary is rebuilt.
func binaryBlockers(ctx context.Context, b *Binary, src ModSource, target goversion.Version) []Blocker {
	out := []Blocker{} // checked: empty, not nil (see Report)
	for _, m := range b.ModuleVersions() {
		bl := Blocker{Path: m.Path, Version: m.Version, Enforced: true, Selected: true,
			Chain: []string{modString(module.Version{Path: b.Main.Path}), modString(m)}}
		data, err := src.GoMod(ctx, m.Path, m.Version)
		if err != nil {
			continue // unknown go line: nothing to report, the source said why elsewhere
		}
		f, err := ParseGoMod(modString(m)+"/go.mod", data)
		if err != nil || f.Go == nil {
			continue
		}
		bl.GoVersion = f.Go.Version
		if goLineAbove(bl.GoVersion, target) {
			out = append(out, bl)
		}
	}
	return out
}
