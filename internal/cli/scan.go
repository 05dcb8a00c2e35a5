package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/buildinfo"
	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/modproxy"
	"github.com/govm-dev/govm/pkg/scan"
)

type scanOptions struct {
	dirs     []string
	target   string
	offline  bool
	vulnDB   string
	sbom     string
	sbomFile string
	binaries []string
	format   string
	failOn   string
	outdated bool
}

// scanFormats are the report writers --format selects.
var scanFormats = map[string]func(a *app, w io.Writer, rs []*scan.Report) error{
	"table":    func(_ *app, w io.Writer, rs []*scan.Report) error { return scan.WriteTable(w, rs) },
	"markdown": func(_ *app, w io.Writer, rs []*scan.Report) error { return scan.WriteMarkdown(w, rs) },
	"json":     func(_ *app, w io.Writer, rs []*scan.Report) error { return scan.WriteJSON(w, rs) },
	"sarif": func(_ *app, w io.Writer, rs []*scan.Report) error {
		return scan.WriteSARIF(w, rs, buildinfo.Get().Version)
	},
}

func (a *app) scanCommand() *cobra.Command {
	var o scanOptions
	cmd := &cobra.Command{
		Use:   "scan [DIR...]",
		Short: "Plan a Go upgrade: module graph, go-line blockers, outdated modules, vulnerabilities, SBOM",
		Long: `Compute the module graph of each module or workspace DIR (default: the
current directory) from go.mod, go.sum and go.work alone, exactly as the go
command does, without building anything, and report:

  --target V     which go lines block moving to Go V, the requirement path to
                 each, and the newest version of each blocker that fits V
  --outdated     newer, retracted and deprecated module versions
  --vulndb LOC   known vulnerabilities (a directory, .zip or URL in the layout
                 of vuln.go.dev) in the modules and in the Go release in use here
  --sbom cyclonedx   a CycloneDX 1.5 SBOM of the graph
  --binary FILE  the same checks for deployed Go executables

Module metadata comes through GOPROXY and is verified against go.sum or the
checksum database (GOSUMDB), reading the module cache first. --offline uses
only the module cache (GOMODCACHE) and vendor/modules.txt.

Exit status: 0; 1 when --fail-on finds something (after printing the report)
or the scan could not be done; 2 for a bad flag; 3 when a go.mod does not
match go.sum or the checksum database; 4 when a DIR has no go.mod.`,
		Example: `  govm scan --target 1.24
  govm scan --target 1.24 --fail-on blockers --format sarif > scan.sarif
  govm scan --outdated --vulndb ./vulndb --json
  govm scan --sbom cyclonedx --sbom-file sbom.cdx.json
  govm scan --offline --target 1.23 ./service-a ./service-b
  govm scan --binary /usr/local/bin/mytool --target 1.24`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dirs = args
			if a.flags.json {
				if cmd.Flags().Changed("format") && o.format != "json" {
					return usagef("--json and --format %s contradict each other", o.format)
				}
				o.format = "json"
			}
			return a.runScan(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.target, "target", "", "Go release to plan for, e.g. 1.24 or 1.24.3")
	f.BoolVar(&o.offline, "offline", false, "use only the module cache and vendor/modules.txt; no network")
	f.StringVar(&o.vulnDB, "vulndb", "", "vulnerability database: a directory, a .zip or an http(s) URL in the vuln.go.dev layout")
	f.StringVar(&o.sbom, "sbom", "", "write an SBOM in this format: cyclonedx")
	f.StringVar(&o.sbomFile, "sbom-file", "", "write the SBOM to this file instead of stdout (then the report goes to stdout too)")
	f.StringSliceVar(&o.binaries, "binary", nil, "Go executable to check as deployed (repeatable)")
	f.StringVar(&o.format, "format", "table", "report format: table, json, markdown or sarif")
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when the scan finds any of: blockers, vulns, outdated (comma-separated)")
	f.BoolVar(&o.outdated, "outdated", false, "look up newer, retracted and deprecated module versions")
	return cmd
}

// checkScanFlags rejects combinations that could only ever pass: a gate
// that cannot see what it gates on must not report success.
func checkScanFlags(o *scanOptions) ([]scan.FailOn, goversion.Version, error) {
	var target goversion.Version
	if _, ok := scanFormats[o.format]; !ok {
		return nil, target, usagef("--format %q: want table, json, markdown or sarif", o.format)
	}
	if o.sbom != "" && o.sbom != "cyclonedx" {
		return nil, target, usagef("--sbom %q: the only SBOM format is cyclonedx", o.sbom)
	}
	if o.sbomFile != "" && o.sbom == "" {
		return nil, target, usagef("--sbom-file needs --sbom cyclonedx")
	}
	if o.sbom != "" && len(o.dirs) > 1 {
		return nil, target, usagef("--sbom describes one module graph; give one DIR")
	}
	if o.sbom != "" && len(o.dirs) == 0 && len(o.binaries) > 0 {
		return nil, target, usagef("--sbom describes a module graph; give a DIR (binaries are not included)")
	}
	if o.target != "" {
		var err error
		if target, err = goversion.Parse(o.target); err != nil {
			return nil, target, usageError{fmt.Errorf("--target: %w", err)}
		}
	}
	conds, err := scan.ParseFailOn(o.failOn)
	if err != nil {
		return nil, target, usageError{err}
	}
	for _, c := range conds {
		switch {
		case c == scan.FailOnBlockers && target.IsZero():
			return nil, target, usagef("--fail-on blockers needs --target")
		case c == scan.FailOnVulns && o.vulnDB == "":
			return nil, target, usagef("--fail-on vulns needs --vulndb")
		case c == scan.FailOnOutdated && o.offline:
			return nil, target, usagef("--fail-on outdated needs the module proxy; drop --offline")
		case c == scan.FailOnOutdated:
			o.outdated = true
		}
	}
	return conds, target, nil
}

func (a *app) runScan(ctx context.Context, o scanOptions) error {
	conds, target, err := checkScanFlags(&o)
	if err != nil {
		return err
	}
	if len(o.dirs) == 0 && len(o.binaries) == 0 {
		o.dirs = []string{"."}
	}
	for _, d := range o.dirs {
		if err := checkModuleDir(d); err != nil {
			return err
		}
	}
	src, modCache, err := a.scanSource(o.offline)
	if err != nil {
		return err
	}
	var db *scan.VulnDB
	if o.vulnDB != "" {
		client, err := a.httpClient()
		if err != nil {
			return err
		}
		if db, err = scan.OpenVulnDB(ctx, o.vulnDB, client); err != nil {
			return fmt.Errorf("%w; --vulndb takes a directory, .zip or URL in the vuln.go.dev layout", err)
		}
		defer db.Close()
	}
	base := scan.Options{Source: src, GoWork: a.env.Getenv("GOWORK"), Offline: o.offline, Target: target, Outdated: o.outdated, VulnDB: db}
	var reports []*scan.Report
	for _, d := range o.dirs {
		opts := base
		opts.Dir = d
		opts.Current = a.scanCurrent(d)
		opts.Vendor = o.offline && hasVendor(d)
		var line *scanProgress
		if a.io.ErrTerminal && !a.io.Quiet {
			line = &scanProgress{w: a.io.Err, dir: d}
			line.draw()
			opts.Progress = line.update
		}
		r, err := scan.Scan(ctx, opts)
		line.finish()
		if err != nil {
			return scanError(err, o.offline, modCache)
		}
		reports = append(reports, r)
	}
	if len(o.binaries) > 0 {
		opts := base
		opts.Binaries = o.binaries
		r, err := scan.Scan(ctx, opts)
		if err != nil {
			return scanError(err, o.offline, modCache)
		}
		reports = append(reports, r)
	}
	if err := a.writeScan(reports, o); err != nil {
		return err
	}
	if fail, reasons := scan.ShouldFail(reports, conds); fail {
		fmt.Fprintf(a.io.Err, "govm: scan failed --fail-on %s: %s\n", o.failOn, strings.Join(reasons, ", "))
		return exitError{code: ExitError}
	}
	return nil
}

// writeScan prints the report, and the SBOM to its file or, without
// --sbom-file, to stdout in place of the report (one JSON document per
// stream keeps the output parseable).
func (a *app) writeScan(reports []*scan.Report, o scanOptions) error {
	if o.sbom != "" {
		if o.sbomFile == "" {
			return scan.WriteCycloneDX(a.out(), reports[0].Graph, scan.SBOMOptions{ToolVersion: buildinfo.Get().Version})
		}
		if err := writeSBOMFile(o.sbomFile, reports[0].Graph); err != nil {
			return err
		}
	}
	return scanFormats[o.format](a, a.out(), reports)
}

func writeSBOMFile(name string, g *scan.Graph) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("--sbom-file: %w", err)
	}
	if err := scan.WriteCycloneDX(f, g, scan.SBOMOptions{ToolVersion: buildinfo.Get().Version}); err != nil {
		f.Close()
		return fmt.Errorf("write SBOM %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write SBOM %s: %w", name, err)
	}
	return nil
}

// checkModuleDir turns "nothing to scan here" into a not-found error that
// says what was expected, before any network traffic.
func checkModuleDir(dir string) error {
	for _, name := range []string{"go.mod", "go.work"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return nil
		}
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return notFoundf("scan %s: no such directory", dir)
	}
	return notFoundf("scan %s: no go.mod (or go.work) in that directory; give a module directory", dir)
}

func hasVendor(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "vendor", "modules.txt"))
	return err == nil
}

// scanCurrent is the Go release that builds dir today: what govm runs there
// (the same decision as `govm current`), else the go line of its go.mod.
func (a *app) scanCurrent(dir string) goversion.Version {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return goversion.Version{}
	}
	if h, err := a.home(); err == nil {
		if d, err := shim.Decide(h, abs, goversion.Version{}, a.env.Getenv); err == nil {
			return d.Version
		}
	}
	data, err := os.ReadFile(filepath.Join(abs, "go.mod"))
	if err != nil {
		return goversion.Version{}
	}
	f, err := scan.ParseGoMod(filepath.Join(abs, "go.mod"), data)
	if err != nil || f.Go == nil {
		return goversion.Version{}
	}
	v, err := goversion.Parse(f.Go.Version)
	if err != nil {
		return goversion.Version{}
	}
	a.verbosef("nothing active for %s: checking go %s from its go.mod against the vulnerability database", dir, v.Number())
	return v
}

// scanSource is where module metadata comes from: the module cache alone
// with --offline, else GOPROXY (the module cache first) verified against
// go.sum or GOSUMDB as the go command would.
func (a *app) scanSource(offline bool) (scan.ModSource, string, error) {
	goenv, err := modproxy.GoEnv(a.env.Getenv)
	if err != nil {
		return nil, "", err
	}
	modCache := goModCache(a.env.Getenv, goenv)
	if offline {
		if modCache == "" {
			return scan.Sources{}, "", nil
		}
		return scan.ModCacheSource{Dir: modCache}, modCache, nil
	}
	n, err := a.netEnv()
	if err != nil {
		return nil, "", err
	}
	c, err := modproxy.New(modproxy.Config{
		GOPROXY: goenv["GOPROXY"].Value, GONOPROXY: goenv["GONOPROXY"].Value, GOPRIVATE: goenv["GOPRIVATE"].Value,
		GOSUMDB: goenv["GOSUMDB"].Value, GONOSUMDB: goenv["GONOSUMDB"].Value, GONOSUMCHECK: goenv["GONOSUMCHECK"].Value,
		HTTPClient: n.client,
		CacheDir:   filepath.Join(n.home.Cache(), "sumdb"),
		Log:        func(s string) { a.verbosef("%s", s) },
	})
	if err != nil {
		return nil, "", usageError{err}
	}
	return &scan.ModProxySource{Client: c, ModCache: modCache}, modCache, nil
}

// goModCache is `go env GOMODCACHE`: the variable (from the environment or
// the go env file), else pkg/mod in the first GOPATH entry.
func goModCache(getenv func(string) string, goenv map[string]modproxy.Setting) string {
	if v := getenv("GOMODCACHE"); v != "" {
		return v
	}
	if f := goenv["GOENV"].Value; f != "" && f != "off" {
		if data, err := os.ReadFile(f); err == nil {
			if v := modproxy.ParseEnvFile(data)["GOMODCACHE"]; v != "" {
				return v
			}
		}
	}
	gopath := filepath.SplitList(goenv["GOPATH"].Value)
	if len(gopath) == 0 || gopath[0] == "" {
		return ""
	}
	return filepath.Join(gopath[0], "pkg", "mod")
}

// scanError adds the way out to failures users can fix themselves.
func scanError(err error, offline bool, modCache string) error {
	switch {
	case offline && errors.Is(err, scan.ErrNotFound):
		where := "no module cache is configured (set GOMODCACHE or GOPATH)"
		if modCache != "" {
			where = "it is not in the module cache " + modCache
		}
		return fmt.Errorf("%w; --offline reads only the module cache and vendor/modules.txt, and %s: run 'go mod download' in that module, or scan without --offline", err, where)
	}
	return err
}

// scanProgress is the status line a long scan keeps up to date on a
// terminal's stderr: how many go.mod files and version lists it has
// fetched, and how far the outdated check is. It redraws at most ten times
// a second, and is erased before the report is printed.
type scanProgress struct {
	w   io.Writer
	dir string
	// now is the clock (time.Now when nil), so tests decide what is
	// within 100 ms.
	now func() time.Time

	mu                sync.Mutex
	fetched           int
	outDone, outTotal int
	last              time.Time
	drawn             bool
}

// update takes one scan.Progress; it is called from many goroutines.
func (p *scanProgress) update(ev scan.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev.Phase {
	case "fetch":
		p.fetched = max(p.fetched, ev.Done)
	case "outdated":
		p.outDone, p.outTotal = max(p.outDone, ev.Done), ev.Total
	}
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	if t := now(); t.Sub(p.last) >= 100*time.Millisecond {
		p.last = t
		p.drawLocked()
	}
}

// draw shows the line as it stands.
func (p *scanProgress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drawLocked()
}

func (p *scanProgress) drawLocked() {
	line := "govm: scanning " + p.dir
	if p.fetched > 0 {
		line += fmt.Sprintf(": %d fetched", p.fetched)
	}
	if p.outTotal > 0 {
		line += fmt.Sprintf(", outdated %d/%d", p.outDone, p.outTotal)
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
	p.drawn = true
}

// finish erases the line; a nil scanProgress (no terminal) does nothing.
func (p *scanProgress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
