package scan

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/sync/errgroup"

	"github.com/govm-dev/govm/pkg/goversion"
)

// VulnReport is what a vulnerability database says about a graph.
type VulnReport struct {
	Database string    `json:"database"`
	Modified time.Time `json:"modified"`
	// Modules are vulnerabilities of module versions in the build list.
	Modules []Vuln `json:"modules"`
	// Go are vulnerabilities of the standard library and toolchain that
	// affect the current or the target Go release.
	Go []GoVuln `json:"go"`
	// Current and Target are the Go releases checked ("" when not given).
	Current string `json:"current,omitempty"`
	Target  string `json:"target,omitempty"`
}

// Vuln is one OSV entry affecting one module version.
type Vuln struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	Summary string   `json:"summary,omitempty"`
	URL     string   `json:"url,omitempty"`
	Module  string   `json:"module"`
	Version string   `json:"version"`
	// Fixed is the lowest fixed version above Version, "" if none is known.
	Fixed string `json:"fixed,omitempty"`
}

// GoVuln is one vulnerability of the "stdlib" or "toolchain" package.
type GoVuln struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	Summary string   `json:"summary,omitempty"`
	URL     string   `json:"url,omitempty"`
	Package string   `json:"package"` // "stdlib" or "toolchain"
	// AffectsCurrent and AffectsTarget say which of the two releases it hits;
	// FixedByTarget is the upgrade's gain: current affected, target not.
	AffectsCurrent bool `json:"affects_current"`
	AffectsTarget  bool `json:"affects_target"`
	FixedByTarget  bool `json:"fixed_by_target"`
	// Fixed is the first fixed Go release above the oldest affected one checked.
	Fixed string `json:"fixed,omitempty"`
}

// VulnOptions configures CheckVulns.
type VulnOptions struct {
	// Current and Target are Go releases checked against the stdlib and
	// toolchain entries; either may be zero.
	Current, Target goversion.Version
	// Concurrency bounds parallel entry reads; 0 means 8.
	Concurrency int
}

// CheckVulns matches module versions (and the Go releases in opts) against
// db at module level: an entry counts when the version falls in one of its
// SEMVER ranges, whether or not the vulnerable symbols are reachable.
func CheckVulns(ctx context.Context, db *VulnDB, mods []module.Version, opts VulnOptions) (*VulnReport, error) {
	if db == nil {
		return nil, fmt.Errorf("vulnerability check: %w: no database given", ErrVulnDB)
	}
	r := &VulnReport{Database: db.Location, Modified: db.Modified, Modules: []Vuln{}, Go: []GoVuln{}}
	limit := opts.Concurrency
	if limit <= 0 {
		limit = 8
	}
	found := make([][]Vuln, len(mods))
	eg, ectx := errgroup.WithContext(ctx)
	eg.SetLimit(limit)
	for i, m := range mods {
		if m.Version == "" {
			continue
		}
		eg.Go(func() error {
			entries, err := db.Entries(ectx, m.Path)
			if err != nil {
				return err
			}
			for _, e := range entries {
				if ok, fixed := e.affects(m.Path, m.Version); ok {
					if fixed != "" {
						fixed = "v" + fixed
					}
					found[i] = append(found[i], Vuln{ID: e.ID, Aliases: e.Aliases, Summary: e.Summary, URL: e.DatabaseSpecific.URL, Module: m.Path, Version: m.Version, Fixed: fixed})
				}
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	for _, f := range found {
		r.Modules = append(r.Modules, f...)
	}
	sort.SliceStable(r.Modules, func(i, j int) bool {
		a, b := r.Modules[i], r.Modules[j]
		return a.Module < b.Module || a.Module == b.Module && a.ID < b.ID
	})
	if !opts.Current.IsZero() {
		r.Current = opts.Current.String()
	}
	if !opts.Target.IsZero() {
		r.Target = opts.Target.String()
	}
	if err := checkGoVulns(ctx, db, r, opts); err != nil {
		return nil, err
	}
	return r, nil
}

func checkGoVulns(ctx context.Context, db *VulnDB, r *VulnReport, opts VulnOptions) error {
	cur, tgt := GoSemver(opts.Current), GoSemver(opts.Target)
	for _, pkg := range []string{"stdlib", "toolchain"} {
		entries, err := db.Entries(ctx, pkg)
		if err != nil {
			return err
		}
		for _, e := range entries {
			gv := GoVuln{ID: e.ID, Aliases: e.Aliases, Summary: e.Summary, URL: e.DatabaseSpecific.URL, Package: pkg}
			var fixCur, fixTgt string
			if cur != "" {
				gv.AffectsCurrent, fixCur = e.affects(pkg, cur)
			}
			if tgt != "" {
				gv.AffectsTarget, fixTgt = e.affects(pkg, tgt)
			}
			if !gv.AffectsCurrent && !gv.AffectsTarget {
				continue
			}
			gv.FixedByTarget = gv.AffectsCurrent && tgt != "" && !gv.AffectsTarget
			if fixed := fixCur; fixed != "" || fixTgt != "" {
				if !gv.AffectsCurrent {
					fixed = fixTgt
				}
				gv.Fixed = semverToGo(fixed)
			}
			r.Go = append(r.Go, gv)
		}
	}
	sort.SliceStable(r.Go, func(i, j int) bool { return r.Go[i].ID < r.Go[j].ID })
	return nil
}

// GoSemver maps a Go release to the semver the vulnerability database
// uses: go1.22.5 -> v1.22.5, go1.20 -> v1.20.0, go1.21rc1 -> v1.21.0-rc.1;
// a bare language version go1.21 is taken as its first release v1.21.0.
// The zero Version maps to "".
func GoSemver(v goversion.Version) string {
	s := v.Semver()
	if s == "" {
		return ""
	}
	return "v" + strings.TrimSuffix(s, "-0")
}

// semverToGo is the inverse of GoSemver for fixed versions in OSV events
// ("1.22.5", "1.21.0-rc.1"), returning "go1.22.5", "go1.21rc1", "go1.20".
func semverToGo(s string) string {
	v := "v" + strings.TrimPrefix(s, "v")
	if !semver.IsValid(v) {
		return s
	}
	core := strings.TrimPrefix(semver.Canonical(v), "v")
	pre := semver.Prerelease(v)
	core = strings.TrimSuffix(core, pre)
	parts := strings.Split(core, ".")
	name := "go" + core
	if pre != "" {
		name = "go" + parts[0] + "." + parts[1] + strings.ReplaceAll(strings.TrimPrefix(pre, "-"), ".", "")
	}
	if g, err := goversion.Parse(name); err == nil {
		return g.String()
	}
	return name
}
