package doctor

import (
	"context"
	"errors"
	"fmt"

	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/pkg/goversion"
)

func init() {
	register(Check{
		ID:       "DIR-PIN",
		Category: CatDir,
		Title:    "the version pinned here is installed",
		Run:      checkDirPin,
	})
}

func checkDirPin(_ context.Context, e *Env) []Finding {
	pin, err := goversion.FindPin(e.WorkDir, e.Getenv)
	switch {
	case errors.Is(err, goversion.ErrNoPin):
		return []Finding{{Severity: OK, Message: "nothing pins a Go version here"}}
	case err != nil:
		return []Finding{{Severity: Error, Message: "the pin here cannot be read: " + err.Error(),
			Fix: "write one version, e.g. 1.22.5, in .go-version"}}
	}
	details := map[string]any{"file": pin.Source(), "kind": string(pin.Kind), "request": pin.Raw}
	d, err := e.decide()
	if errors.Is(err, shim.ErrNoToolchain) {
		return []Finding{{Severity: Warning, Details: details,
			Message: fmt.Sprintf("%s pins %s, which is not installed", pin.Source(), pin.Raw),
			Fix:     "govm install (installs what the pins here ask for)"}}
	}
	if err != nil {
		return []Finding{{Severity: Error, Details: details, Message: err.Error(), Fix: "govm current"}}
	}
	details["version"] = d.Version.String()
	// In link mode `go` is current/bin/go whatever a .go-version says; only
	// shims (or go.mod through GOTOOLCHAIN) honour pins.
	run := e.running()
	if run.Owner.Kind == ownerCurrent && !run.Version.IsZero() && run.Version != d.Version &&
		pin.Kind != goversion.PinGoMod && pin.Kind != goversion.PinGoWork {
		return []Finding{{Severity: Warning, Details: details,
			Message: fmt.Sprintf("%s pins %s, but go on PATH runs %s: pins are honoured only in shim mode", pin.Source(), d.Version, run.Version),
			Fix:     "govm setup --shims (or govm use " + d.Version.Number() + ")"}}
	}
	return []Finding{{Severity: OK, Details: details,
		Message: fmt.Sprintf("%s pins %s: %s is installed", pin.Source(), pin.Raw, d.Version)}}
}
