package doctor

import (
	"context"
	"fmt"
)

func init() {
	register(Check{
		ID:       "DIR-EFFECTIVE",
		Category: CatDir,
		Title:    "which toolchain go runs here, and why",
		Run:      checkDirEffective,
	})
}

func checkDirEffective(_ context.Context, e *Env) []Finding {
	p := e.plan()
	details := map[string]any{"go": p.Base.Exe, "goroot": p.Base.Root, "action": p.Action,
		"gotoolchain": p.SettingRaw, "gotoolchain_origin": p.SettingFrom}
	if p.Target.IsZero() {
		return []Finding{{Severity: Info, Details: details,
			Message: "go resolves to nothing known because " + p.Reason,
			Fix:     "govm setup, then open a new shell"}}
	}
	details["version"] = p.Target.String()
	return []Finding{{Severity: Info, Details: details,
		Message: fmt.Sprintf("go resolves to %s because %s", p.Target, p.Reason)}}
}
