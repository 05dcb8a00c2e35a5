package scan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/semver"
)

// OSVEntry is the part of an OSV 1.x entry (https://ossf.github.io/osv-schema/)
// that module-level matching needs, as the Go vulnerability database writes it.
type OSVEntry struct {
	ID        string        `json:"id"`
	Modified  time.Time     `json:"modified"`
	Published time.Time     `json:"published"`
	Withdrawn *time.Time    `json:"withdrawn,omitempty"`
	Aliases   []string      `json:"aliases,omitempty"`
	Summary   string        `json:"summary,omitempty"`
	Details   string        `json:"details,omitempty"`
	Affected  []OSVAffected `json:"affected"`
	// DatabaseSpecific carries the pkg.go.dev/vuln page of the entry.
	DatabaseSpecific struct {
		URL string `json:"url,omitempty"`
	} `json:"database_specific"`
}

// OSVAffected is one affected package (a Go module path, "stdlib" or
// "toolchain") with its version ranges.
type OSVAffected struct {
	Package struct {
		Name      string `json:"name"`
		Ecosystem string `json:"ecosystem"`
	} `json:"package"`
	Ranges []OSVRange `json:"ranges,omitempty"`
}

// OSVRange is a list of introduced/fixed events; only type SEMVER is used.
type OSVRange struct {
	Type   string     `json:"type"`
	Events []OSVEvent `json:"events"`
}

// OSVEvent is one boundary of a range. Versions are semver without "v";
// introduced "0" means every version.
type OSVEvent struct {
	Introduced string `json:"introduced,omitempty"`
	Fixed      string `json:"fixed,omitempty"`
}

// ParseOSV decodes one OSV entry and checks what matching relies on: an id,
// and SEMVER ranges whose events carry exactly one valid version each.
func ParseOSV(data []byte) (*OSVEntry, error) {
	var e OSVEntry
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("parse OSV entry: %w", err)
	}
	if e.ID == "" {
		return nil, fmt.Errorf("parse OSV entry: no id")
	}
	for _, a := range e.Affected {
		for _, r := range a.Ranges {
			if r.Type != "SEMVER" {
				continue
			}
			for _, ev := range r.Events {
				v := ev.Introduced + ev.Fixed
				if (ev.Introduced == "") == (ev.Fixed == "") {
					return nil, fmt.Errorf("parse OSV entry %s: an event needs exactly one of introduced or fixed", e.ID)
				}
				if v != "0" && !semver.IsValid("v"+v) {
					return nil, fmt.Errorf("parse OSV entry %s: invalid version %q in %s", e.ID, v, a.Package.Name)
				}
			}
		}
	}
	return &e, nil
}

// affects reports whether module path at version (with "v") is affected,
// and the lowest fixed version above it ("" when none is known).
func (e *OSVEntry) affects(path, version string) (bool, string) {
	if e.Withdrawn != nil {
		return false, ""
	}
	for _, a := range e.Affected {
		if a.Package.Name != path {
			continue
		}
		for _, r := range a.Ranges {
			if r.Type != "SEMVER" {
				continue
			}
			if ok, fixed := inRange(r.Events, version); ok {
				return true, fixed
			}
		}
		if len(a.Ranges) == 0 {
			return true, "" // no ranges: every version is affected
		}
	}
	return false, ""
}

// inRange evaluates OSV events in version order: an introduced event at or
// below version turns "affected" on, a fixed event at or below turns it off.
func inRange(events []OSVEvent, version string) (bool, string) {
	type ev struct {
		v     string
		fixed bool
	}
	evs := make([]ev, 0, len(events))
	for _, e := range events {
		if e.Introduced != "" {
			v := "v" + e.Introduced
			if e.Introduced == "0" {
				v = "v0.0.0-0"
			}
			evs = append(evs, ev{v: v})
		} else {
			evs = append(evs, ev{v: "v" + e.Fixed, fixed: true})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return semver.Compare(evs[i].v, evs[j].v) < 0 })
	affected := false
	for _, e := range evs {
		if semver.Compare(version, e.v) < 0 {
			if affected && e.fixed {
				return true, strings.TrimPrefix(e.v, "v")
			}
			break
		}
		affected = !e.fixed
	}
	return affected, ""
}
