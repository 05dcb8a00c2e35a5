package doctor

import (
	"context"
	"fmt"
)

func init() {
	register(Check{
		ID:       "DIR-GOMOD",
		Category: CatDir,
		Title:    "go.mod / go.work can be built with the active version",
		Run:      checkDirGoMod,
	})
}

func checkDirGoMod(_ context.Context, e *Env) []Finding {
	p := e.plan()
	if p.ModErr != nil {
		return []Finding{{Severity: Error, Message: p.ModErr.Error(), Fix: "correct the go or toolchain line, e.g. go 1.22.5"}}
	}
	if !p.HasMod {
		return []Finding{{Severity: OK, Message: "no go.mod or go.work here"}}
	}
	need := p.Mod.need()
	details := map[string]any{"file": p.Mod.File, "go": p.Mod.Go.String(), "toolchain": p.Mod.Toolchain.String(),
		"needs": need.String(), "running": p.Base.Version.String(), "action": p.Action, "target": p.Target.String()}
	install := "govm install " + need.Number()
	switch p.Action {
	case actRefuse:
		return []Finding{{Severity: Error, Details: details, Message: p.Reason,
			Fix: install + " && govm use " + need.Number() + " (or pin it here: echo " + need.Number() + " > .go-version with shims)"}}
	case actDownload:
		return []Finding{{Severity: Warning, Details: details, Message: p.Reason,
			Fix: install + " && govm setup --shims (go then finds " + p.Target.String() + " on PATH instead of downloading), or govm use " + need.Number()}}
	case actSwitch:
		return []Finding{{Severity: Info, Details: details, Message: p.Reason}}
	case actUnknown:
		return []Finding{{Severity: Info, Details: details,
			Message: fmt.Sprintf("%s needs %s; which toolchain would run is unknown: %s", p.Mod.File, need, p.Reason)}}
	}
	if p.Setting.Mode != modeForced && !p.Base.Version.IsZero() && !need.IsZero() && p.Base.Version.String() != need.String() {
		return []Finding{{Severity: OK, Details: details,
			Message: fmt.Sprintf("%s needs %s; %s is new enough", p.Mod.File, need, p.Base.Version)}}
	}
	return []Finding{{Severity: OK, Details: details, Message: fmt.Sprintf("%s runs with %s", p.Mod.File, p.Target)}}
}
