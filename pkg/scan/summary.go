package scan

import (
	"context"
	"errors"
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// Go versions at which the go command's module loading changes.
const (
	// defaultGoModVersion is assumed for a go.mod without a go line.
	defaultGoModVersion = "1.16"
	// prunedGoVersion is the first go line whose modules have pruned graphs.
	prunedGoVersion = "1.17"
)

// summary is what the graph needs from one go.mod file.
type summary struct {
	module     string
	goVersion  string // "" when the file has no go line
	toolchain  string
	pruned     bool
	require    []module.Version
	deprecated string
	retract    []*modfile.Retract
	replace    *replaced // set when the go.mod came from a replacement
}

func summaryFromFile(f *modfile.File) *summary {
	s := &summary{}
	if f.Module != nil {
		s.module = f.Module.Mod.Path
		s.deprecated = f.Module.Deprecated
	}
	gv := defaultGoModVersion
	if f.Go != nil {
		s.goVersion = f.Go.Version
		gv = f.Go.Version
	}
	s.pruned = isPrunedGo(gv)
	if f.Toolchain != nil {
		s.toolchain = f.Toolchain.Name
	}
	for _, r := range f.Require {
		s.require = append(s.require, r.Mod)
	}
	s.retract = f.Retract
	return s
}

func isPrunedGo(goVersion string) bool {
	return version.Compare("go"+goVersion, "go"+prunedGoVersion) >= 0
}

// loader fetches and caches go.mod summaries, applying the main modules'
// replacements, exclusions and go.sum hashes.
type loader struct {
	ms  *mainSet
	src ModSource

	mu    sync.Mutex
	cache map[module.Version]*summaryEntry
}

type summaryEntry struct {
	once sync.Once
	s    *summary
	err  error
}

func newLoader(ms *mainSet, src ModSource) *loader {
	return &loader{ms: ms, src: newCachedSource(src), cache: map[module.Version]*summaryEntry{}}
}

// mainOrDirReplaced reports whether m is a main module or replaced by a
// directory: the two kinds of build-list entry that have no published
// versions to compare (Module.Main, and Module.Replace without a version).
func (l *loader) mainOrDirReplaced(m module.Version) bool {
	if m.Version == "" && l.ms.isMain[m.Path] {
		return true
	}
	rep, ok, err := l.ms.replacement(m)
	return err == nil && ok && rep.dir != ""
}

// summary returns the requirements of m with excluded versions dropped.
func (l *loader) summary(ctx context.Context, m module.Version) (*summary, error) {
	l.mu.Lock()
	e, ok := l.cache[m]
	if !ok {
		e = &summaryEntry{}
		l.cache[m] = e
	}
	l.mu.Unlock()
	e.once.Do(func() { e.s, e.err = l.load(ctx, m) })
	return e.s, e.err
}

func (l *loader) load(ctx context.Context, m module.Version) (*summary, error) {
	if m.Version == "" && l.ms.isMain[m.Path] {
		for _, mm := range l.ms.mains {
			if mm.path == m.Path {
				return l.dropExcluded(summaryFromFile(mm.file)), nil
			}
		}
	}
	rep, ok, err := l.ms.replacement(m)
	if err != nil {
		return nil, err
	}
	var s *summary
	switch {
	case ok && rep.dir != "":
		name := filepath.Join(rep.dir, "go.mod")
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s: replacement directory: %w", m, err)
		}
		f, err := ParseGoMod(name, data)
		if err != nil {
			return nil, err
		}
		// Directory replacements are not held to any module-path invariant.
		s = summaryFromFile(f)
	default:
		actual := m
		if ok {
			actual = rep.mod
		}
		data, err := l.goMod(ctx, actual)
		if err != nil {
			return nil, fmt.Errorf("go.mod of %s: %w", actual, err)
		}
		if err := l.ms.sums.CheckGoMod(actual.Path, actual.Version, data); err != nil {
			return nil, err
		}
		f, err := ParseGoMod(actual.Path+"@"+actual.Version+"/go.mod", data)
		if err != nil {
			return nil, err
		}
		s = summaryFromFile(f)
		if s.module == "" {
			return nil, fmt.Errorf("go.mod of %s: missing module line", actual)
		}
		if s.module != m.Path && s.module != actual.Path {
			return nil, fmt.Errorf("go.mod of %s: module declares its path as %s but was required as %s", actual, s.module, m.Path)
		}
	}
	if ok {
		s.replace = &rep
	}
	return l.dropExcluded(s), nil
}

// goMod fetches the go.mod of m, letting a SumSource check it against the
// go.sum hash when there is one (CheckGoMod checks it again either way).
func (l *loader) goMod(ctx context.Context, m module.Version) ([]byte, error) {
	if h := l.ms.sums.GoModH1(m.Path, m.Version); h != "" {
		if ss, ok := l.src.(SumSource); ok {
			data, err := ss.GoModSum(ctx, m.Path, m.Version, h)
			if errors.Is(err, ErrChecksum) {
				return nil, fmt.Errorf("%w; %s records that hash", err, l.ms.sums.files[m.Path+" "+m.Version+"/go.mod"])
			}
			return data, err
		}
	}
	return l.src.GoMod(ctx, m.Path, m.Version)
}

// dropExcluded removes requirements on versions a main module excludes:
// since Go 1.16 such a requirement is ignored rather than upgraded.
func (l *loader) dropExcluded(s *summary) *summary {
	if len(l.ms.exclude) == 0 {
		return s
	}
	kept := make([]module.Version, 0, len(s.require))
	for _, r := range s.require {
		if !l.ms.exclude[r] {
			kept = append(kept, r)
		}
	}
	out := *s
	out.require = kept
	return &out
}
