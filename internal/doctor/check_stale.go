package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govm-dev/govm/pkg/store"
)

func init() {
	register(Check{
		ID:       "GOVM-STALE",
		Category: CatGovm,
		Title:    "no leftovers of interrupted installs or downloads",
		Run:      checkStale,
		Fix:      fixStale,
	})
}

// partialMaxAge is how old a *.partial download must be before doctor calls
// it abandoned: a younger one may belong to an install running right now,
// and keeping it lets that install resume.
const partialMaxAge = 24 * time.Hour

func checkStale(_ context.Context, e *Env) []Finding {
	st := store.New(e.Home.Versions())
	var out []Finding
	stale, err := st.Stale()
	if err != nil {
		return []Finding{{Severity: Error, Message: "cannot list " + st.Dir() + ": " + err.Error(),
			Fix: "check the permissions of " + st.Dir()}}
	}
	partials := e.oldPartials()
	if len(stale)+len(partials) > 0 {
		all := append(append([]string{}, stale...), partials...)
		out = append(out, Finding{Severity: Warning, Fixable: true,
			Details: map[string]any{"staging": nonNil(stale), "partial_downloads": nonNil(partials)},
			Message: fmt.Sprintf("%s of interrupted installs or downloads %s space: %s", count(len(all), "leftover", "leftovers"), map[bool]string{true: "takes", false: "take"}[len(all) == 1], listSome(all)),
			Fix:     "govm doctor --fix GOVM-STALE"})
	}
	problems, err := st.Problems()
	if err == nil {
		for _, p := range problems {
			if p.Kind != store.CorruptRecord && p.Kind != store.MissingTree {
				continue // stale entries: reported above when their lock is free
			}
			name := strings.TrimSuffix(filepath.Base(p.Path), ".json")
			out = append(out, Finding{Severity: Error,
				Details: map[string]any{"kind": string(p.Kind), "path": p.Path},
				Message: fmt.Sprintf("%s: %s (%s)", p.Path, p.Detail, p.Kind),
				Fix:     fmt.Sprintf("govm uninstall %s && govm install %s", strings.TrimPrefix(name, "go"), strings.TrimPrefix(name, "go"))})
		}
	}
	return out
}

// oldPartials lists *.partial downloads untouched for partialMaxAge.
func (e *Env) oldPartials() []string {
	entries, err := os.ReadDir(e.Home.Downloads())
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range entries {
		if !strings.HasSuffix(d.Name(), ".partial") {
			continue
		}
		fi, err := d.Info()
		if err == nil && fi.Mode().IsRegular() && e.Now().Sub(fi.ModTime()) >= partialMaxAge {
			out = append(out, filepath.Join(e.Home.Downloads(), d.Name()))
		}
	}
	return out
}

// fixStale removes stale staging through the store (which skips anything a
// running install holds) and abandoned partial downloads.
func fixStale(ctx context.Context, e *Env, _ Finding) (string, error) {
	removed, err := store.New(e.Home.Versions()).CleanStale(ctx)
	if err != nil {
		return describeRemoved(removed), fmt.Errorf("clean %s: %w", e.Home.Versions(), err)
	}
	for _, p := range e.oldPartials() {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return describeRemoved(removed), fmt.Errorf("remove %s: %w", p, err)
		}
		removed = append(removed, p)
	}
	return describeRemoved(removed), nil
}

func describeRemoved(paths []string) string {
	if len(paths) == 0 {
		return "nothing was left to remove"
	}
	return fmt.Sprintf("removed %s: %s", count(len(paths), "leftover", "leftovers"), strings.Join(paths, ", "))
}
