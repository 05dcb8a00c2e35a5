package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/govm-dev/govm/internal/activate"
	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/store"
)

func init() {
	register(Check{
		ID:       "GOVM-CURRENT",
		Category: CatGovm,
		Title:    "the current link points to a complete, installed version",
		Run:      checkCurrent,
		Fix:      fixCurrent,
	})
}

func checkCurrent(_ context.Context, e *Env) []Finding {
	link := e.Home.Current()
	target, err := activate.ReadCurrent(link)
	details := map[string]any{"link": link}
	var le *activate.LinkError
	if errors.As(err, &le) && le.Target != "" {
		details["target"] = le.Target
	}
	switch {
	case errors.Is(err, activate.ErrNoCurrent):
		if !e.Home.Exists() {
			return nil // GOVM-HOME already says nothing is installed
		}
		f := Finding{Severity: Warning, Details: details,
			Message: "no Go version is active: " + link + " does not exist",
			Fix:     "govm use VERSION (govm list shows what is installed)"}
		if v, ok := newestInstalled(e); ok {
			f.Fix = "govm use " + v.Number()
			f.Fixable = true
		}
		return []Finding{f}
	case errors.Is(err, activate.ErrBrokenLink):
		f := Finding{Severity: Error, Details: details,
			Message: fmt.Sprintf("the current link is broken: %s points at %s, which is missing", link, le.Target),
			Fix:     "govm use VERSION (govm list shows what is installed)"}
		if v, ok := repairTarget(e, le.Target); ok {
			f.Fix = "govm use " + v.Number()
			f.Fixable = true
		}
		return []Finding{f}
	case errors.Is(err, activate.ErrNotALink):
		return []Finding{{Severity: Error, Details: details,
			Message: link + " is a real file or directory, not a link: govm cannot switch versions",
			Fix:     "move " + link + " out of the way (govm never deletes it), then run govm use VERSION"}}
	case err != nil:
		return []Finding{{Severity: Error, Details: details,
			Message: "cannot read the current link: " + err.Error(),
			Fix:     "check the permissions of " + e.Home.Root}}
	}
	details["target"] = target
	v, perr := goversion.Parse(filepath.Base(target))
	st := store.New(e.Home.Versions())
	key := store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH}
	if perr != nil || !e.samePath(filepath.Dir(target), e.Home.Versions()) || !st.Has(key) {
		return []Finding{{Severity: Error, Details: details,
			Message: fmt.Sprintf("the current link points at %s, which is not a complete govm installation", target),
			Fix:     "govm use VERSION (govm list shows what is installed)"}}
	}
	details["version"] = v.String()
	return []Finding{{Severity: OK, Details: details, Message: "the current link points at " + v.String()}}
}

// repairTarget picks what a broken link should point at: the same version
// when it is installed after all (the home was moved), else the newest one.
func repairTarget(e *Env, dangling string) (goversion.Version, bool) {
	st := store.New(e.Home.Versions())
	if v, err := goversion.Parse(filepath.Base(dangling)); err == nil && st.Has(store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH}) {
		return v, true
	}
	return newestInstalled(e)
}

// newestInstalled returns the newest installed host toolchain.
func newestInstalled(e *Env) (goversion.Version, bool) {
	list, err := store.New(e.Home.Versions()).List()
	if err != nil {
		return goversion.Version{}, false
	}
	for _, in := range list { // newest first
		if in.Key.OS == runtime.GOOS && in.Key.Arch == runtime.GOARCH {
			return in.Key.Version, true
		}
	}
	return goversion.Version{}, false
}

// fixCurrent points a missing or broken link at an installed version, under
// the home's current lock as `govm use` does. It never replaces a real file.
func fixCurrent(ctx context.Context, e *Env, _ Finding) (string, error) {
	link := e.Home.Current()
	var v goversion.Version
	var ok bool
	old, err := activate.ReadCurrent(link)
	var le *activate.LinkError
	switch {
	case errors.As(err, &le) && errors.Is(err, activate.ErrBrokenLink):
		old = le.Target
		v, ok = repairTarget(e, le.Target)
	case errors.Is(err, activate.ErrNoCurrent):
		v, ok = newestInstalled(e)
	default:
		return "", fmt.Errorf("repair %s: it is no longer missing or broken", link)
	}
	if !ok {
		return "", fmt.Errorf("repair %s: no version is installed; run govm install VERSION", link)
	}
	if err := os.MkdirAll(e.Home.Locks(), 0o755); err != nil {
		return "", fmt.Errorf("repair %s: %w", link, err)
	}
	lock, err := fsx.Lock(ctx, filepath.Join(e.Home.Locks(), "current.lock"))
	if err != nil {
		return "", fmt.Errorf("repair %s: %w", link, err)
	}
	defer lock.Unlock()
	st := store.New(e.Home.Versions())
	dir := st.Root(store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH})
	if err := activate.SetCurrent(link, dir); err != nil {
		return "", fmt.Errorf("repair %s: %w", link, err)
	}
	if old == "" {
		return fmt.Sprintf("created %s -> %s (govm use VERSION picks another)", link, dir), nil
	}
	return fmt.Sprintf("%s now points at %s (was the missing %s)", link, dir, old), nil
}
