package doctor

import (
	"context"
	"fmt"
)

func init() {
	register(Check{
		ID:       "GOENV-GOROOT",
		Category: CatGoEnv,
		Title:    "GOROOT is not forced to another toolchain",
		Run:      checkGOROOT,
	})
}

func checkGOROOT(_ context.Context, e *Env) []Finding {
	v := e.goEnv("GOROOT")
	if !v.set() {
		return []Finding{{Severity: OK, Message: "GOROOT is not set; each toolchain finds its own"}}
	}
	unset := "unset GOROOT in your shell profile (and in System Properties > Environment Variables on Windows)"
	if v.File != "" {
		unset = "go env -u GOROOT"
	}
	run := e.running()
	details := map[string]any{"goroot": v.Value, "origin": v.Origin, "running_root": run.Root}
	switch {
	case cleanEqual(v.Value, e.Home.Current(), e.windows()) && run.Owner.Kind == ownerCurrent:
		return []Finding{{Severity: Info, Details: details,
			Message: fmt.Sprintf("GOROOT=%s (from %s) follows govm's current link; it is not needed", v.Value, v.Origin),
			Fix:     unset}}
	case run.Root != "" && e.samePath(v.Value, run.Root):
		return []Finding{{Severity: Warning, Details: details,
			Message: fmt.Sprintf("GOROOT=%s (from %s) matches the running toolchain now, but goes stale at the next 'govm use'", v.Value, v.Origin),
			Fix:     unset}}
	}
	msg := fmt.Sprintf("GOROOT=%s (from %s) is not the toolchain that runs", v.Value, v.Origin)
	if run.Root != "" {
		msg += " (" + run.Root + ")"
	}
	msg += ": go would build with another release's standard library and tools"
	return []Finding{{Severity: Error, Details: details, Message: msg, Fix: unset}}
}
