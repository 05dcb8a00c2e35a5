package doctor

import (
	"fmt"
	"io"
	"strings"
)

// RenderOptions shape the human output.
type RenderOptions struct {
	// Color adds ANSI colour; the caller decides (terminal, --no-color, NO_COLOR).
	Color bool
	// ShowOK lists passing checks too (--verbose).
	ShowOK bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
)

// mark is the symbol of a severity: ✓ for ok and info, ! for a warning,
// ✗ for an error; info findings are listed with "i".
func mark(s Severity, color bool) string {
	sym, col := "✓", ansiGreen
	switch s {
	case Info:
		sym, col = "i", ""
	case Warning:
		sym, col = "!", ansiYellow
	case Error:
		sym, col = "✗", ansiRed
	}
	if !color || col == "" {
		return sym
	}
	return col + sym + ansiReset
}

// Render writes r for a person: one line per category with its worst
// verdict, each finding that is not OK under it with its fix, what --fix
// changed, and a summary line.
func Render(w io.Writer, r Report, o RenderOptions) error {
	var b strings.Builder
	for _, cat := range categoryOrder {
		var fs []Finding
		worst := OK
		for _, f := range r.Checks {
			if f.Category == cat {
				fs = append(fs, f)
				worst = max(worst, f.Severity)
			}
		}
		if len(fs) == 0 {
			continue
		}
		catMark := mark(worst, o.Color)
		if worst == Info {
			catMark = mark(OK, o.Color)
		}
		fmt.Fprintf(&b, "[%s] %s\n", catMark, categoryTitles[cat])
		for _, f := range fs {
			if f.Severity == OK && !o.ShowOK {
				continue
			}
			fmt.Fprintf(&b, "    %s %s: %s\n", mark(f.Severity, o.Color), f.ID, indentMore(f.Message))
			if f.Fix != "" {
				fmt.Fprintf(&b, "      fix: %s\n", indentMore(f.Fix))
			}
		}
	}
	for _, a := range r.Fixed {
		if a.Error != "" {
			fmt.Fprintf(&b, "could not fix %s: %s\n", a.ID, a.Error)
			continue
		}
		fmt.Fprintf(&b, "fixed %s: %s\n", a.ID, a.Changed)
	}
	b.WriteString(Summary(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// indentMore keeps the continuation lines of a multi-line text under its first.
func indentMore(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n        ")
}

// Summary is the closing line: "Doctor found 1 error, 2 warnings (1 note)
// in 18 checks." or "No issues found in 18 checks (1 note).".
func Summary(r Report) string {
	ids := map[string]bool{}
	for _, f := range r.Checks {
		ids[f.ID] = true
	}
	plural := func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return fmt.Sprintf("%d %ss", n, word)
	}
	var parts []string
	for _, p := range []struct {
		s    Severity
		word string
	}{{Error, "error"}, {Warning, "warning"}} {
		if n := r.Count(p.s); n > 0 {
			parts = append(parts, plural(n, p.word))
		}
	}
	notes := ""
	if n := r.Count(Info); n > 0 {
		notes = " (" + plural(n, "note") + ")"
	}
	if len(parts) == 0 {
		return fmt.Sprintf("No issues found in %s%s.", plural(len(ids), "check"), notes)
	}
	parts[len(parts)-1] += notes
	return fmt.Sprintf("Doctor found %s in %s.", strings.Join(parts, ", "), plural(len(ids), "check"))
}

// RenderList writes the registry for --list: ID, category, title.
func RenderList(w io.Writer, checks []Check) error {
	var b strings.Builder
	for _, c := range checks {
		fix := ""
		if c.Fix != nil {
			fix = " (--fix)"
		}
		fmt.Fprintf(&b, "%-22s %-10s %s%s\n", c.ID, c.Category, c.Title, fix)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// count renders "1 directory is" or "3 directories are".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
