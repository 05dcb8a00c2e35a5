package doctor

import (
	"context"
	"fmt"
)

func init() {
	register(Check{
		ID:       "POLICY-VERSION",
		Category: CatPolicy,
		Title:    "the Go that runs here is allowed by the machine policy",
		Run:      checkPolicyVersion,
	})
}

// checkPolicyVersion catches a version that was fine when it was installed
// and has since been blocked (or left the allowed range) by the administrator:
// govm refuses to switch to it, but a shell keeps running it until told.
func checkPolicyVersion(_ context.Context, e *Env) []Finding {
	if e.Policy == nil {
		return []Finding{{Severity: OK, Message: "no machine policy is configured"}}
	}
	run := e.running()
	if run.Version.IsZero() {
		return []Finding{{Severity: Info, Message: fmt.Sprintf("policy %s is in force; no Go toolchain runs here to check against it", e.Policy.File)}}
	}
	details := map[string]any{"policy_file": e.Policy.File, "version": run.Version.String()}
	if err := e.Policy.CheckVersion("run", run.Version); err != nil {
		return []Finding{{Severity: Error, Details: details,
			Message: err.Error(),
			Fix:     "govm ensure <an allowed version> (ask your administrator which; govm config show prints the policy)"}}
	}
	return []Finding{{Severity: OK, Details: details,
		Message: fmt.Sprintf("%s is allowed by %s", run.Version, e.Policy.File)}}
}
