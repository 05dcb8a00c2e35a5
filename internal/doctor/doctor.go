// Package doctor diagnoses a govm installation, the shell's PATH, the go
// command's environment and the working directory, and repairs what is safe
// to repair.
//
// Every check is one value in a registry (see register), usually in a file of
// its own, with a stable ID that users put in scripts (`govm doctor
// PATH-GO`), a category that groups the human output, and a function that
// inspects an injected Env, never the real machine directly, so each check is
// a table test away from its broken states. Run executes checks in parallel,
// each under a timeout and a recover, so one stuck or crashing check is
// reported instead of hanging the command.
package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Severity grades a finding. The order is meaningful: a higher severity is
// worse, and --fail-on compares against it.
type Severity int

const (
	// OK: the check passed.
	OK Severity = iota
	// Info: worth knowing, nothing to fix.
	Info
	// Warning: works today but is likely to surprise (a stale shell, an
	// unsupported release, a download that bypasses govm).
	Warning
	// Error: something is broken now (the wrong go runs, a missing file).
	Error
)

var severityNames = [...]string{"ok", "info", "warning", "error"}

// String returns the lower-case name used in JSON and on the command line.
func (s Severity) String() string {
	if s < OK || s > Error {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a name written by String ("warning"); it is how
// --fail-on is parsed.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("severity %q: want one of %s", s, strings.Join(severityNames[:], ", "))
}

// MarshalJSON writes the name, so the JSON schema is stable even if the
// numeric order ever changes.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads the name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseSeverity(name)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Category groups checks in the human output, in the order listed here.
type Category string

// Categories, in display order.
const (
	CatGovm     Category = "govm"
	CatPath     Category = "path"
	CatGoEnv    Category = "goenv"
	CatDir      Category = "directory"
	CatVersions Category = "versions"
	CatWindows  Category = "windows"
	CatPolicy   Category = "policy"
)

var categoryOrder = []Category{CatGovm, CatPath, CatGoEnv, CatDir, CatVersions, CatWindows, CatPolicy}

// categoryTitles are the headings of the human output.
var categoryTitles = map[Category]string{
	CatGovm:     "govm installation",
	CatPath:     "PATH",
	CatGoEnv:    "Go environment",
	CatDir:      "This directory",
	CatVersions: "Versions",
	CatWindows:  "Windows",
	CatPolicy:   "Machine policy",
}

// Finding is one result of a check. A check may report several (one per
// shadowed go binary, say); all carry the check's ID and category.
type Finding struct {
	ID       string   `json:"id"`
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	// Message says what was found, naming the paths and values involved.
	Message string `json:"message"`
	// Fix is a command or instruction to paste; empty when there is nothing to do.
	Fix string `json:"fix"`
	// Details carries machine-readable facts for --json (paths, versions).
	Details map[string]any `json:"details,omitempty"`
	// Fixable marks a finding that the check's Fix repairs with --fix.
	Fixable bool `json:"fixable,omitempty"`
}

// Check is one diagnosis in the registry.
type Check struct {
	// ID is stable across releases: users pass it on the command line and
	// match it in JSON. Upper case, CATEGORY-WHAT.
	ID       string
	Category Category
	// Title says what the check looks at, for --list.
	Title string
	// Timeout bounds Run; zero means DefaultTimeout.
	Timeout time.Duration
	// Run inspects e and returns findings. Returning none means OK.
	Run func(ctx context.Context, e *Env) []Finding
	// Fix repairs what a Fixable finding reports, safely and reversibly, and
	// says what it changed. Nil when the check has nothing it may repair.
	Fix func(ctx context.Context, e *Env, f Finding) (changed string, err error)
}

// DefaultTimeout bounds a check that sets no Timeout of its own.
const DefaultTimeout = 10 * time.Second

// checkRegistry holds every check; register adds to it from init functions.
var checkRegistry []Check

// register adds c to the registry. Adding a check is one file with one
// init function calling this; IDs must be unique.
func register(c Check) {
	if c.ID == "" || c.Run == nil || categoryTitles[c.Category] == "" {
		panic(fmt.Sprintf("doctor: check %q is incomplete", c.ID))
	}
	if slices.ContainsFunc(checkRegistry, func(o Check) bool { return o.ID == c.ID }) {
		panic("doctor: duplicate check " + c.ID)
	}
	checkRegistry = append(checkRegistry, c)
}

// Checks returns every registered check, by category then ID.
func Checks() []Check {
	out := slices.Clone(checkRegistry)
	sortChecks(out)
	return out
}

// Select returns the registered checks with the given IDs (case-insensitive),
// in registry order; an unknown ID is an error naming it and the way to list them.
func Select(ids []string) ([]Check, error) {
	all := Checks()
	if len(ids) == 0 {
		return all, nil
	}
	var out []Check
	for _, id := range ids {
		i := slices.IndexFunc(all, func(c Check) bool { return strings.EqualFold(c.ID, id) })
		if i < 0 {
			return nil, fmt.Errorf("unknown check %q; 'govm doctor --list' lists them", id)
		}
		if !slices.ContainsFunc(out, func(c Check) bool { return c.ID == all[i].ID }) {
			out = append(out, all[i])
		}
	}
	sortChecks(out)
	return out, nil
}

func sortChecks(cs []Check) {
	slices.SortStableFunc(cs, func(a, b Check) int {
		if c := slices.Index(categoryOrder, a.Category) - slices.Index(categoryOrder, b.Category); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
