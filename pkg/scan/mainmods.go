package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// mainModule is one module whose go.mod is edited by the user: the module of
// the scanned directory, or one `use` of a go.work.
type mainModule struct {
	path string
	dir  string
	file *modfile.File
}

// mainSet is everything the main module(s) decide for the whole graph:
// roots, replacements, exclusions and the go.sum hashes.
type mainSet struct {
	workFile string // absolute path of go.work, "" outside workspace mode
	work     *modfile.WorkFile
	mains    []mainModule
	isMain   map[string]bool
	exclude  map[module.Version]bool
	sums     *GoSum
}

// loadMainSet reads the go.mod (or go.work and its modules) that governs dir.
// gowork follows GOWORK: "" searches dir and its parents for go.work, "off"
// disables workspace mode, anything else is the go.work file to use.
func loadMainSet(dir, gowork string) (*mainSet, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	ms := &mainSet{isMain: map[string]bool{}, exclude: map[module.Version]bool{}}
	work := gowork
	if work == "" {
		work = findUp(abs, "go.work")
	} else if work == "off" {
		work = ""
	}
	if work != "" {
		if err := ms.loadWork(work); err != nil {
			return nil, err
		}
	} else {
		gomod := findUp(abs, "go.mod")
		if gomod == "" {
			return nil, fmt.Errorf("scan %s: %w: no go.mod in this directory or any parent", dir, ErrNotFound)
		}
		if err := ms.addMain(filepath.Dir(gomod)); err != nil {
			return nil, err
		}
		if err := ms.addSums(filepath.Join(filepath.Dir(gomod), "go.sum")); err != nil {
			return nil, err
		}
	}
	for _, m := range ms.mains {
		for _, x := range m.file.Exclude {
			ms.exclude[x.Mod] = true
		}
	}
	return ms, nil
}

func (ms *mainSet) loadWork(name string) error {
	abs, err := filepath.Abs(name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return fmt.Errorf("read go.work %s: %w", name, err)
	}
	wf, err := ParseGoWork(abs, data)
	if err != nil {
		return err
	}
	ms.workFile, ms.work = abs, wf
	root := filepath.Dir(abs)
	for _, u := range wf.Use {
		d := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(d) {
			d = filepath.Join(root, d)
		}
		if err := ms.addMain(d); err != nil {
			return fmt.Errorf("%s: use %s: %w", abs, u.Path, err)
		}
		if err := ms.addSums(filepath.Join(d, "go.sum")); err != nil {
			return err
		}
	}
	if len(ms.mains) == 0 {
		return fmt.Errorf("%s: no use directives: nothing to scan", abs)
	}
	return ms.addSums(abs + ".sum")
}

func (ms *mainSet) addMain(dir string) error {
	name := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	f, err := ParseMainGoMod(name, data)
	if err != nil {
		return err
	}
	p := f.Module.Mod.Path
	if ms.isMain[p] {
		return fmt.Errorf("module %s appears more than once in %s", p, ms.workFile)
	}
	ms.isMain[p] = true
	ms.mains = append(ms.mains, mainModule{path: p, dir: dir, file: f})
	return nil
}

func (ms *mainSet) addSums(name string) error {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	ms.sums, err = ParseGoSum(ms.sums, name, data)
	return err
}

// findUp returns dir/name or the nearest parent's, "" when there is none.
func findUp(dir, name string) string {
	for {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// replaced is where the go.mod of a replaced module comes from.
type replaced struct {
	mod    module.Version // replacement as written; Version "" for a directory
	dir    string         // absolute directory of a directory replacement
	listAs string         // how `go list -m` prints the replacement
}

// replacement applies the go.work replacements first, then those of every
// main module, with version-specific lines winning over path-wide ones, as
// the go command does. Main modules themselves are never replaced.
func (ms *mainSet) replacement(m module.Version) (replaced, bool, error) {
	if m.Version == "" && ms.isMain[m.Path] {
		return replaced{}, false, nil
	}
	if ms.work != nil {
		if r, ok := lookupReplace(ms.work.Replace, m); ok {
			return ms.resolveReplace(r, filepath.Dir(ms.workFile)), true, nil
		}
	}
	var found *modfile.Replace
	var foundDir string
	for _, mm := range ms.mains {
		r, ok := lookupReplace(mm.file.Replace, m)
		if !ok {
			continue
		}
		if found != nil && found.New != r.New {
			return replaced{}, false, fmt.Errorf("conflicting replacements for %s in %s and %s", m, filepath.Join(foundDir, "go.mod"), filepath.Join(mm.dir, "go.mod"))
		}
		found, foundDir = r, mm.dir
	}
	if found == nil {
		return replaced{}, false, nil
	}
	return ms.resolveReplace(found, foundDir), true, nil
}

func lookupReplace(rs []*modfile.Replace, m module.Version) (*modfile.Replace, bool) {
	var wild *modfile.Replace
	for _, r := range rs {
		if r.Old.Path != m.Path {
			continue
		}
		if r.Old.Version == m.Version {
			return r, true
		}
		if r.Old.Version == "" {
			wild = r
		}
	}
	return wild, wild != nil
}

func (ms *mainSet) resolveReplace(r *modfile.Replace, base string) replaced {
	out := replaced{mod: r.New}
	if r.New.Version != "" {
		out.listAs = r.New.Path
		return out
	}
	out.dir = filepath.FromSlash(r.New.Path)
	if !filepath.IsAbs(out.dir) {
		out.dir = filepath.Join(base, out.dir)
	}
	out.listAs = r.New.Path
	if ms.workFile != "" && !filepath.IsAbs(filepath.FromSlash(r.New.Path)) {
		// In workspace mode the go command prints directory replacements
		// relative to the go.work directory, whichever file declared them.
		if rel, err := filepath.Rel(filepath.Dir(ms.workFile), out.dir); err == nil {
			out.listAs = toDirectoryPath(rel)
		}
	}
	return out
}

func toDirectoryPath(p string) string {
	if modfile.IsDirectoryPath(p) {
		return p
	}
	s := filepath.ToSlash(filepath.Clean(p))
	if strings.HasPrefix(s, "../") || s == ".." {
		return s
	}
	return "./" + s
}
