package doctor

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	register(Check{
		ID:       "GOENV-TOOLCHAIN",
		Category: CatGoEnv,
		Title:    "GOTOOLCHAIN does not silently run another toolchain",
		Run:      checkGOTOOLCHAIN,
	})
}

func checkGOTOOLCHAIN(_ context.Context, e *Env) []Finding {
	p := e.plan()
	details := map[string]any{"value": p.SettingRaw, "origin": p.SettingFrom}
	unset := "unset GOTOOLCHAIN"
	switch {
	case isUserEnvOrigin(p.SettingFrom):
		unset = "go env -u GOTOOLCHAIN"
	case p.SettingFrom != "" && p.SettingFrom != "environment":
		unset = "go env -w GOTOOLCHAIN=auto (this overrides " + p.SettingFrom + ")"
	}
	if p.SettingErr != nil {
		return []Finding{{Severity: Error, Details: details,
			Message: fmt.Sprintf("%v (from %s): every go command fails", p.SettingErr, p.SettingFrom),
			Fix:     unset}}
	}
	switch p.Setting.Mode {
	case modeForced:
		return []Finding{{Severity: Warning, Details: details,
			Message: fmt.Sprintf("GOTOOLCHAIN=%s (from %s) runs %s for every go command, whatever 'govm use' or a pin says", p.Setting, p.SettingFrom, p.Setting.Min),
			Fix:     unset + ", or pin it per project: govm install " + p.Setting.Min.Number() + " && echo " + p.Setting.Min.Number() + " > .go-version"}}
	case modeLocal:
		if p.SettingFrom == "" {
			return []Finding{{Severity: Info, Details: details,
				Message: "GOTOOLCHAIN is set nowhere, so go never switches toolchains: a go.mod that needs a newer Go fails instead",
				Fix:     "nothing to do if that is what you want; govm installs what go.mod needs: govm install"}}
		}
		return []Finding{{Severity: OK, Details: details,
			Message: fmt.Sprintf("GOTOOLCHAIN=local (from %s): go always runs the toolchain on PATH", p.SettingFrom)}}
	}
	from := p.SettingFrom
	if from == "" {
		from = "default"
	}
	return []Finding{{Severity: OK, Details: details,
		Message: fmt.Sprintf("GOTOOLCHAIN=%s (from %s)", p.Setting, from)}}
}

// isUserEnvOrigin reports whether an origin names the `go env -w` file.
func isUserEnvOrigin(origin string) bool { return strings.HasPrefix(origin, "go env -w") }
