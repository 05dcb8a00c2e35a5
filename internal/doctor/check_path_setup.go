package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/govm-dev/govm/internal/pathenv"
)

func init() {
	register(Check{
		ID:       "PATH-SETUP",
		Category: CatPath,
		Title:    "govm's directories are on the persistent and the current PATH, in order",
		Run:      checkPathSetup,
		Fix:      fixPathSetup,
	})
}

func checkPathSetup(_ context.Context, e *Env) []Finding {
	st, err := e.PathStatus()
	if err != nil {
		return []Finding{{Severity: Error, Message: "cannot read the persistent PATH: " + err.Error(),
			Fix: "govm setup --print shows what setup would write"}}
	}
	details := map[string]any{"entries": st.Entries, "persistent": st.Persistent, "process": st.Process,
		"configured": nonNil(st.Configured), "unconfigured": nonNil(st.Unconfigured)}
	var out []Finding
	switch {
	case !st.Persistent:
		where := "new shells"
		if len(st.Unconfigured) > 0 {
			where = strings.Join(st.Unconfigured, ", ")
		}
		out = append(out, Finding{Severity: Warning, Details: details, Fixable: true,
			Message: "govm is not on the persistent PATH of " + where + ": new shells will not find govm's go",
			Fix:     "govm setup"})
	case !st.Process:
		fix := "open a new shell (this one was started before govm setup)"
		if !e.windows() {
			fix += fmt.Sprintf(", or run: export PATH=%q:\"$PATH\"", strings.Join(st.Entries, ":"))
		}
		out = append(out, Finding{Severity: Warning, Details: details,
			Message: "govm is on the persistent PATH, but not on this shell's PATH",
			Fix:     fix})
	}
	for _, g := range st.Shadowing {
		out = append(out, Finding{Severity: Error, Details: map[string]any{"go": g},
			Message: fmt.Sprintf("%s is on the system PATH, which Windows searches before the user PATH: it wins over govm in every new shell", g),
			Fix:     e.ownerOf(g).Remove + "; or, as administrator, govm setup --system"})
	}
	if shimMode(e.Home) && st.Process {
		dirs := e.dirs()
		bin := slices.IndexFunc(dirs, func(d string) bool { return cleanEqual(d, e.Home.Bin(), e.windows()) })
		cur := slices.IndexFunc(dirs, func(d string) bool { return cleanEqual(d, e.Home.CurrentBin(), e.windows()) })
		if bin >= 0 && cur >= 0 && cur < bin {
			out = append(out, Finding{Severity: Warning, Details: details,
				Message: fmt.Sprintf("%s comes before %s on PATH: the shims (and the pins they honour) never run", e.Home.CurrentBin(), e.Home.Bin()),
				Fix:     "govm setup --shims, then open a new shell"})
		}
	}
	if len(out) == 0 {
		out = append(out, Finding{Severity: OK, Details: details, Message: "govm is on the persistent PATH and this shell's"})
	}
	return out
}

// fixPathSetup re-runs setup, which changes nothing that is already right;
// `govm setup --undo` reverses it.
func fixPathSetup(_ context.Context, e *Env, _ Finding) (string, error) {
	rep, err := e.PathSetup()
	if err != nil {
		return "", fmt.Errorf("govm setup: %w", err)
	}
	var changed []string
	for _, t := range rep.Targets {
		if t.Action != pathenv.Unchanged {
			changed = append(changed, fmt.Sprintf("%s %s", t.Action, t.Path))
		}
	}
	if len(changed) == 0 {
		return "govm setup changed nothing", nil
	}
	return "ran govm setup: " + strings.Join(changed, ", ") + " (govm setup --undo reverses it); open a new shell", nil
}
