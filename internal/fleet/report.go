package fleet

import (
	"fmt"
	"sort"

	"github.com/govm-dev/govm/pkg/goversion"
)

// Host is everything read about one host: its status and, when the playbook
// fetched it, the failures in its log tail.
type Host struct {
	// Name is what the report calls the host: the inventory name its file
	// is named after. Empty means the status's own host name.
	Name      string
	Source    string
	Status    Status
	LogErrors []LogError
}

// Row is one host's line of the report.
type Row struct {
	Host          string     `json:"host"`
	Hostname      string     `json:"hostname"`
	Platform      string     `json:"platform"`
	Version       string     `json:"version"`
	Healthy       bool       `json:"healthy"`
	LastOperation string     `json:"last_operation"`
	Drift         bool       `json:"drift"`
	DriftReason   string     `json:"drift_reason,omitempty"`
	LogErrors     int        `json:"log_errors"`
	LastLogError  string     `json:"last_log_error,omitempty"`
	Problems      []string   `json:"problems,omitempty"`
	Source        string     `json:"source"`
	Errors        []LogError `json:"-"`
}

// Report is the fleet's consistency verdict.
type Report struct {
	// Expected is the version every host should run: --expect, or the most
	// common active version when none was given.
	Expected string `json:"expected"`
	// ExpectedGiven says whether Expected came from the caller.
	ExpectedGiven bool  `json:"expected_given"`
	Hosts         int   `json:"hosts"`
	Unhealthy     int   `json:"unhealthy"`
	Drifted       int   `json:"drifted"`
	Rows          []Row `json:"rows"`
}

// Clean reports whether every host is healthy and runs the expected version;
// it is what the command's exit status says.
func (r Report) Clean() bool { return r.Unhealthy == 0 && r.Drifted == 0 }

// Build compares hosts against expect ("" = the fleet's most common version).
// A malformed expect is an error: comparing a fleet against a typo would
// report every host as drifted.
func Build(hosts []Host, expect string) (Report, error) {
	r := Report{Hosts: len(hosts)}
	if expect != "" {
		v, err := goversion.Parse(expect)
		if err != nil {
			return Report{}, fmt.Errorf("expected version %q: %w", expect, err)
		}
		r.Expected, r.ExpectedGiven = v.String(), true
	} else {
		r.Expected = majority(hosts)
	}
	for _, h := range hosts {
		row := rowFor(h)
		switch {
		case row.Version == "":
			row.Drift, row.DriftReason = true, "no active version"
		case row.Version != r.Expected:
			row.Drift, row.DriftReason = true, fmt.Sprintf("runs %s, expected %s", row.Version, r.Expected)
		}
		if row.Drift {
			r.Drifted++
		}
		if !row.Healthy {
			r.Unhealthy++
		}
		r.Rows = append(r.Rows, row)
	}
	// Odd hosts first, so the one to look at is at the top of a long table.
	sort.SliceStable(r.Rows, func(i, j int) bool {
		a, b := r.Rows[i], r.Rows[j]
		if ka, kb := a.Drift || !a.Healthy, b.Drift || !b.Healthy; ka != kb {
			return ka
		}
		return a.Host < b.Host
	})
	return r, nil
}

func rowFor(h Host) Row {
	s := h.Status
	row := Row{
		Host:      h.Name,
		Hostname:  s.Host,
		Version:   canonical(s.Active),
		Healthy:   s.Healthy != nil && *s.Healthy,
		LogErrors: len(h.LogErrors),
		Problems:  s.Problems,
		Source:    h.Source,
		Errors:    h.LogErrors,
	}
	if row.Host == "" {
		row.Host = s.Host
	}
	if s.OS != "" || s.Arch != "" {
		row.Platform = s.OS + "/" + s.Arch
	}
	if op := s.LastOperation; op != nil && op.Command != "" {
		row.LastOperation = op.Command
		if op.Version != "" {
			row.LastOperation += " " + op.Version
		}
		if out := op.Outcome(); out != "" {
			row.LastOperation += ": " + out
		}
	}
	if n := len(h.LogErrors); n > 0 {
		row.LastLogError = h.LogErrors[n-1].Message
	}
	return row
}

// canonical spells versions one way ("1.22.5" and "go1.22.5" are the same
// release); anything unparsable is kept as is so it shows up as drift.
func canonical(s string) string {
	if s == "" {
		return ""
	}
	if v, err := goversion.Parse(s); err == nil {
		return v.String()
	}
	return s
}

// majority picks the most common active version; a tie goes to the newest,
// the version a rollout in progress is heading for.
func majority(hosts []Host) string {
	count := map[string]int{}
	for _, h := range hosts {
		if v := canonical(h.Status.Active); v != "" {
			count[v]++
		}
	}
	best, bestN := "", 0
	for v, n := range count {
		if n > bestN || (n == bestN && newer(v, best)) {
			best, bestN = v, n
		}
	}
	return best
}

func newer(a, b string) bool {
	va, errA := goversion.Parse(a)
	vb, errB := goversion.Parse(b)
	switch {
	case errA != nil || errB != nil:
		return errA == nil || (errB != nil && a > b)
	default:
		return goversion.Compare(va, vb) > 0
	}
}
