package scan

import (
	"fmt"
	"strings"
	"time"
)

// section is one block of a human-readable report, rendered as a text table
// or a markdown table.
type section struct {
	title  string
	header []string
	rows   [][]string
	lines  []string // free text after the table
}

// reportView is a report as headline plus sections, shared by the table and
// markdown writers so that both say the same things.
type reportView struct {
	title    string
	verdict  string
	sections []section
}

func viewOf(r *Report) reportView {
	v := reportView{title: r.Dir}
	if len(r.Modules) > 0 && r.Modules[0].Main {
		v.title = fmt.Sprintf("%s (%s)", r.Dir, r.Modules[0].Path)
	}
	if r.Dir == "" {
		v.title = "binaries"
	}
	v.verdict = verdict(r)
	if r.Compat != nil && len(r.Compat.Blockers) > 0 {
		v.sections = append(v.sections, blockerSection("Go-line blockers", r.Compat.Blockers))
	}
	if r.Compat != nil && len(r.Compat.Toolchains) > 0 {
		s := section{title: "Toolchain lines"}
		for _, tc := range r.Compat.Toolchains {
			line := fmt.Sprintf("toolchain %s in %s: ignored with GOTOOLCHAIN=local", tc.Toolchain, tc.File)
			if tc.AboveTarget {
				line += fmt.Sprintf("; it asks for more than %s", r.Compat.Target)
			}
			s.lines = append(s.lines, line)
		}
		v.sections = append(v.sections, s)
	}
	if len(r.Outdated) > 0 {
		s := section{title: "Outdated", header: []string{"MODULE", "VERSION", "LATEST", "GO", "PATCH", "NOTES"}}
		for _, o := range r.Outdated {
			var notes []string
			if o.CurrentRetracted != "" {
				notes = append(notes, "current retracted: "+o.CurrentRetracted)
			}
			if len(o.Retracted) > 0 {
				notes = append(notes, "retracted: "+strings.Join(o.Retracted, " "))
			}
			if o.Deprecated != "" {
				notes = append(notes, "deprecated: "+o.Deprecated)
			}
			if o.Error != "" {
				notes = append(notes, o.Error)
			}
			s.rows = append(s.rows, []string{o.Path, o.Version, dash(o.Latest), dash(o.LatestGo), dash(o.LatestPatch), dash(strings.Join(notes, "; "))})
		}
		v.sections = append(v.sections, s)
	}
	v.sections = append(v.sections, vulnSections("", r.Vulns)...)
	for _, b := range r.Binaries {
		s := section{title: "Binary " + b.Binary.File}
		s.lines = append(s.lines, fmt.Sprintf("built with %s from %s %s", b.Binary.GoVersion, b.Binary.Main.Path, b.Binary.Main.Version))
		if b.BuiltBelowTarget {
			s.lines = append(s.lines, "built with a Go release older than the target: rebuild it")
		}
		v.sections = append(v.sections, s)
		if len(b.Blockers) > 0 {
			v.sections = append(v.sections, blockerSection("Go-line blockers in "+b.Binary.File, b.Blockers))
		}
		v.sections = append(v.sections, vulnSections(" in "+b.Binary.File, b.Vulns)...)
	}
	if len(r.Notes) > 0 {
		v.sections = append(v.sections, section{title: "Notes", lines: r.Notes})
	}
	return v
}

// verdict is the line a planner reads first.
func verdict(r *Report) string {
	var parts []string
	target, n := "", 0
	if c := r.Compat; c != nil {
		target, n = c.Target, enforcedCount(c.Blockers)
	} else if !r.binaryTarget.IsZero() {
		target = r.binaryTarget.String()
	}
	for _, b := range r.Binaries {
		n += enforcedCount(b.Blockers)
	}
	switch {
	case target == "":
	case n == 0:
		parts = append(parts, fmt.Sprintf("can move to %s: yes", target))
	case n == 1:
		parts = append(parts, fmt.Sprintf("can move to %s: no, 1 blocker", target))
	default:
		parts = append(parts, fmt.Sprintf("can move to %s: no, %d blockers", target, n))
	}
	if len(r.Binaries) > 0 && r.Dir == "" {
		what := "binaries"
		if len(r.Binaries) == 1 {
			what = "binary"
		}
		parts = append(parts, fmt.Sprintf("%d %s checked", len(r.Binaries), what))
	}
	if r.RequiredGo != "" {
		parts = append(parts, fmt.Sprintf("graph requires go %s (%s)", r.RequiredGo, r.RequiredBy))
	}
	return strings.Join(parts, "; ")
}

func blockerSection(title string, bs []Blocker) section {
	s := section{title: title, header: []string{"MODULE", "VERSION", "GO", "ENFORCED", "FITTING VERSION", "REQUIRED VIA"}}
	for _, b := range bs {
		enforced := "yes"
		if !b.Enforced {
			enforced = "no (pruned)"
		}
		fix := dash(b.Note)
		if b.Fix != nil {
			fix = fmt.Sprintf("%s (go %s)", b.Fix.Version, dash(b.Fix.GoVersion))
			if b.Fix.Downgrade {
				fix += " downgrade"
			}
		}
		if b.Main {
			fix = "lower the go line"
		}
		s.rows = append(s.rows, []string{b.Path, dash(b.Version), b.GoVersion, enforced, fix, strings.Join(b.Chain, " > ")})
	}
	return s
}

func vulnSections(where string, v *VulnReport) []section {
	if v == nil {
		return nil
	}
	head := fmt.Sprintf("database %s, modified %s (%s)", v.Database, v.Modified.UTC().Format("2006-01-02T15:04:05Z"), age(time.Since(v.Modified)))
	s := section{title: "Module vulnerabilities" + where, header: []string{"ID", "MODULE", "VERSION", "FIXED", "SUMMARY"}, lines: []string{head}}
	for _, m := range v.Modules {
		s.rows = append(s.rows, []string{m.ID, m.Module, m.Version, dash(m.Fixed), dash(m.Summary)})
	}
	if len(v.Modules) == 0 {
		s.header = nil
		s.lines = append(s.lines, "no known vulnerabilities in module versions")
	}
	out := []section{s}
	if v.Current == "" && v.Target == "" {
		return out
	}
	gs := section{title: "Go release vulnerabilities" + where,
		header: []string{"ID", "PACKAGE", dash(v.Current), dash(v.Target), "FIXED IN", "SUMMARY"}}
	fixed := 0
	for _, g := range v.Go {
		if g.FixedByTarget {
			fixed++
		}
		gs.rows = append(gs.rows, []string{g.ID, g.Package, affected(g.AffectsCurrent, v.Current), affected(g.AffectsTarget, v.Target), dash(g.Fixed), dash(g.Summary)})
	}
	if v.Target != "" && v.Current != "" {
		gs.lines = append(gs.lines, fmt.Sprintf("moving from %s to %s fixes %d of them", v.Current, v.Target, fixed))
	}
	if len(v.Go) == 0 {
		gs.header = nil
		gs.lines = []string{"no known vulnerabilities in the Go releases checked"}
	}
	return append(out, gs)
}

func affected(yes bool, release string) string {
	switch {
	case release == "":
		return "-"
	case yes:
		return "affected"
	}
	return "ok"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// age says how old the vulnerability database is, in the unit a reader
// weighs it by: a database days or months old misses what was published
// since, so the report says so next to its findings.
func age(d time.Duration) string {
	switch days := int(d.Hours() / 24); {
	case d < 0:
		return "in the future: check this machine's clock"
	case d < time.Hour:
		return "less than an hour old"
	case days == 0:
		return fmt.Sprintf("%d hours old", int(d.Hours()))
	case days == 1:
		return "1 day old"
	default:
		return fmt.Sprintf("%d days old", days)
	}
}
