package scan

import (
	"fmt"
	"strings"
)

// FailOn names a finding that makes `govm scan` exit non-zero.
type FailOn string

// The conditions --fail-on accepts.
const (
	// FailOnBlockers: a go line the go command enforces is above the target.
	FailOnBlockers FailOn = "blockers"
	// FailOnVulns: a module version is vulnerable, or the Go release in use
	// (the target when one is given) is.
	FailOnVulns FailOn = "vulns"
	// FailOnOutdated: a module has a newer version, or its version is
	// retracted or the module deprecated.
	FailOnOutdated FailOn = "outdated"
)

// ParseFailOn parses a comma-separated list such as "blockers,vulns".
func ParseFailOn(s string) ([]FailOn, error) {
	var out []FailOn
	for _, f := range strings.Split(s, ",") {
		switch c := FailOn(strings.TrimSpace(f)); c {
		case FailOnBlockers, FailOnVulns, FailOnOutdated:
			out = append(out, c)
		case "":
		default:
			return nil, fmt.Errorf("--fail-on %q: unknown condition %q; use blockers, vulns or outdated", s, f)
		}
	}
	return out, nil
}

// ShouldFail reports whether any report meets any condition, with one
// reason per condition met, for the exit message.
func ShouldFail(reports []*Report, conds []FailOn) (bool, []string) {
	var reasons []string
	for _, c := range conds {
		n := 0
		for _, r := range reports {
			n += r.count(c)
		}
		if n > 0 {
			reasons = append(reasons, fmt.Sprintf("%s: %d", c, n))
		}
	}
	return len(reasons) > 0, reasons
}

func (r *Report) count(c FailOn) int {
	n := 0
	switch c {
	case FailOnBlockers:
		if r.Compat != nil {
			n += enforcedCount(r.Compat.Blockers)
		}
		for _, b := range r.Binaries {
			n += enforcedCount(b.Blockers)
		}
	case FailOnVulns:
		n += r.Vulns.count()
		for _, b := range r.Binaries {
			n += b.Vulns.count()
		}
	case FailOnOutdated:
		for _, o := range r.Outdated {
			if o.Latest != "" || o.CurrentRetracted != "" || o.Deprecated != "" {
				n++
			}
		}
	}
	return n
}

func enforcedCount(bs []Blocker) int {
	n := 0
	for _, b := range bs {
		if b.Enforced {
			n++
		}
	}
	return n
}

// count is the number of vulnerabilities that matter after the move: every
// module finding, and Go findings for the target (or for the current
// release when no target is set).
func (v *VulnReport) count() int {
	if v == nil {
		return 0
	}
	n := len(v.Modules)
	for _, g := range v.Go {
		if g.AffectsTarget || v.Target == "" && g.AffectsCurrent {
			n++
		}
	}
	return n
}
