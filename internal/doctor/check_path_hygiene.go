package doctor

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
)

func init() {
	register(Check{
		ID:       "PATH-HYGIENE",
		Category: CatPath,
		Title:    "PATH has no duplicate or dead entries and is not near its length limit",
		Run:      checkPathHygiene,
	})
}

// PATH length limits. Windows: cmd.exe lines end at 8191 characters, so a
// PATH near that breaks `set PATH=...;%PATH%` in scripts, and no variable
// may exceed 32767. Unix has no PATH limit of its own, but the whole
// environment shares ARG_MAX (128 KiB per string on Linux).
const (
	winPathWarn  = 7000
	winPathError = 32000
	unixPathWarn = 100000
)

func checkPathHygiene(_ context.Context, e *Env) []Finding {
	raw := e.Getenv("PATH")
	var out []Finding
	n := len(raw)
	switch {
	case e.windows() && n >= winPathError:
		out = append(out, Finding{Severity: Error, Details: map[string]any{"length": n},
			Message: fmt.Sprintf("PATH is %d characters, at Windows' limit of 32767: entries past it are lost", n),
			Fix:     "remove entries you no longer need in System Properties > Environment Variables"})
	case e.windows() && n >= winPathWarn:
		out = append(out, Finding{Severity: Warning, Details: map[string]any{"length": n},
			Message: fmt.Sprintf("PATH is %d characters, near cmd.exe's 8191-character line limit: batch files that extend PATH will break", n),
			Fix:     "remove entries you no longer need in System Properties > Environment Variables"})
	case !e.windows() && n >= unixPathWarn:
		out = append(out, Finding{Severity: Warning, Details: map[string]any{"length": n},
			Message: fmt.Sprintf("PATH is %d characters: programs may fail to start (the environment shares ARG_MAX)", n),
			Fix:     "look for a shell profile that adds to PATH on every start"})
	}
	seen := map[string]bool{}
	var dups, dead []string
	for _, d := range e.dirs() {
		key := d
		if e.windows() {
			key = strings.ToLower(strings.TrimRight(strings.ReplaceAll(d, "/", `\`), `\`))
		}
		if seen[key] {
			if !slices.Contains(dups, d) {
				dups = append(dups, d)
			}
			continue
		}
		seen[key] = true
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			dead = append(dead, d)
		}
	}
	if len(dups) > 0 {
		out = append(out, Finding{Severity: Info, Details: map[string]any{"duplicates": dups},
			Message: fmt.Sprintf("%s on PATH more than once: %s", count(len(dups), "directory is", "directories are"), listSome(dups)),
			Fix:     "remove the repeats from your shell profile (or the Environment Variables dialog)"})
	}
	if len(dead) > 0 {
		out = append(out, Finding{Severity: Info, Details: map[string]any{"missing": dead},
			Message: fmt.Sprintf("%s: %s", count(len(dead), "PATH entry does not exist", "PATH entries do not exist"), listSome(dead)),
			Fix:     "remove them from your shell profile (or the Environment Variables dialog)"})
	}
	if len(out) == 0 {
		out = append(out, Finding{Severity: OK, Message: "PATH has " + count(len(seen), "entry", "entries") + ", all present and distinct"})
	}
	return out
}
