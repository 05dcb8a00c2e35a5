package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// VendorModule is one module line of vendor/modules.txt.
type VendorModule struct {
	Path    string
	Version string
	Replace *Replacement
	// GoVersion is the "## ...; go 1.21" annotation (Go 1.17+ vendoring).
	GoVersion string
	// Explicit: the main go.mod requires the module directly.
	Explicit bool
	// Packages counts the vendored packages; modules with none are listed
	// only to record a replacement or an explicit requirement.
	Packages int
}

// ParseVendorModules parses vendor/modules.txt the way the go command reads
// it: "# path version [=> replacement]" lines, "## " annotations and package
// lines; lines it does not understand are skipped, as the go command does.
// name is used in error messages.
func ParseVendorModules(name string, data []byte) ([]VendorModule, error) {
	var out []VendorModule
	cur := -1
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(line, "# ") {
			f := strings.Fields(line)
			cur = -1
			if len(f) < 3 {
				continue
			}
			m := VendorModule{Path: f[1]}
			switch {
			case semver.IsValid(f[2]):
				m.Version, f = f[2], f[3:]
			case f[2] == "=>":
				f = f[2:]
			default:
				continue
			}
			if len(f) >= 2 && f[0] == "=>" {
				switch {
				case len(f) == 2:
					m.Replace = &Replacement{Path: f[1]}
				case len(f) == 3 && semver.IsValid(f[2]):
					m.Replace = &Replacement{Path: f[1], Version: f[2]}
				}
			}
			if err := module.CheckPath(m.Path); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
			}
			out = append(out, m)
			cur = len(out) - 1
			continue
		}
		if cur < 0 {
			continue
		}
		if ann, ok := strings.CutPrefix(line, "## "); ok {
			for _, e := range strings.Split(ann, ";") {
				e = strings.TrimSpace(e)
				if e == "explicit" {
					out[cur].Explicit = true
				}
				if gv, ok := strings.CutPrefix(e, "go "); ok {
					out[cur].GoVersion = gv
				}
			}
			continue
		}
		if f := strings.Fields(line); len(f) == 1 && module.CheckImportPath(f[0]) == nil {
			out[cur].Packages++
		}
	}
	return out, nil
}

// vendorSource answers for a vendored build: each vendored module "requires"
// every other, as in the go command's vendor mode, and its go line comes
// from modules.txt. Nothing is fetched, so go.sum is not consulted.
type vendorSource struct {
	list []module.Version
	meta map[module.Version]VendorModule
}

// loadVendor reads vendor/modules.txt of the single main module.
func loadVendor(ms *mainSet) (*vendorSource, error) {
	if ms.work != nil {
		return nil, fmt.Errorf("vendor mode: workspaces are not supported; scan each module or drop Vendor")
	}
	name := filepath.Join(ms.mains[0].dir, "vendor", "modules.txt")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("vendor mode: %w", err)
	}
	mods, err := ParseVendorModules(name, data)
	if err != nil {
		return nil, err
	}
	vs := &vendorSource{meta: map[module.Version]VendorModule{}}
	seen := map[string]bool{}
	for _, m := range mods {
		mv := module.Version{Path: m.Path, Version: m.Version}
		vs.meta[mv] = m
		if m.Packages > 0 && m.Version != "" && !seen[m.Path] {
			seen[m.Path] = true
			vs.list = append(vs.list, mv)
		}
	}
	return vs, nil
}

// seed fills the loader's cache so that graph building never fetches.
func (vs *vendorSource) seed(l *loader) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for mv, m := range vs.meta {
		if mv.Version == "" {
			continue
		}
		s := &summary{module: m.Path, goVersion: m.GoVersion, pruned: true}
		if m.Packages > 0 {
			s.require = vs.list
		}
		if m.Replace != nil {
			s.replace = &replaced{mod: module.Version{Path: m.Replace.Path, Version: m.Replace.Version}, listAs: m.Replace.Path}
		}
		e := &summaryEntry{s: l.dropExcluded(s)}
		e.once.Do(func() {})
		l.cache[mv] = e
	}
}

// noFetch is the source of a vendored scan: anything not vendored is absent.
type noFetch struct{}

func (noFetch) GoMod(_ context.Context, path, version string) ([]byte, error) {
	return nil, fmt.Errorf("%s@%s is not in vendor/modules.txt: %w", path, version, ErrNotFound)
}

func (noFetch) Versions(_ context.Context, path string) ([]string, error) {
	return nil, fmt.Errorf("versions of %s in vendor mode: %w", path, ErrNotFound)
}
