// Package fleet compares the machine states many hosts report with
// `govm status --json` and decides whether a fleet runs one version, healthy.
// It reads files an Ansible playbook fetched; it never talks to hosts itself.
package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrMalformed is wrapped when a status document or log line cannot be read;
// callers tell a broken input apart from a fleet that is merely unhealthy.
var ErrMalformed = errors.New("malformed input")

// Operation is the last thing govm did on a host, as status reports it.
type Operation struct {
	Command string `json:"command"`
	Version string `json:"version,omitempty"`
	// Result ("ok", "error") or OK says how it ended; state.json spells it
	// as ok, the log as result, and status may carry either.
	Result string `json:"result,omitempty"`
	OK     *bool  `json:"ok,omitempty"`
	Error  string `json:"error,omitempty"`
	Time   string `json:"time,omitempty"`
}

// Outcome is how the operation ended, in one word.
func (o Operation) Outcome() string {
	switch {
	case o.Result != "":
		return o.Result
	case o.OK == nil:
		return ""
	case *o.OK:
		return "ok"
	default:
		return "failed"
	}
}

// Status is the part of one host's `govm status --json` the report uses.
// Unknown fields are ignored so newer agents still report to older tools.
type Status struct {
	Host          string     `json:"host"`
	OS            string     `json:"os"`
	Arch          string     `json:"arch"`
	GovmVersion   string     `json:"govm_version"`
	Active        string     `json:"active"`
	ActivePath    string     `json:"active_path"`
	GoVersion     string     `json:"go_version"`
	Installed     []string   `json:"installed"`
	LastOperation *Operation `json:"last_operation"`
	LogPath       string     `json:"log_path"`
	Healthy       *bool      `json:"healthy"`
	Problems      []string   `json:"problems"`
}

// ParseStatus reads one `govm status --json` document. name identifies the
// input (a file path) in errors and stands in for a missing host name, since
// playbooks name fetched files after the inventory host.
func ParseStatus(name string, data []byte) (Status, error) {
	var s Status
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&s); err != nil {
		return Status{}, fmt.Errorf("parse status %s: %w: %v", name, ErrMalformed, err)
	}
	if dec.More() {
		return Status{}, fmt.Errorf("parse status %s: %w: more than one JSON value", name, ErrMalformed)
	}
	if s.Healthy == nil {
		// A document without a verdict is not a status document (an error
		// message, an empty object): treating it as healthy would hide a host.
		return Status{}, fmt.Errorf("parse status %s: %w: no \"healthy\" field", name, ErrMalformed)
	}
	s.Host = strings.TrimSpace(s.Host)
	if s.Host == "" {
		s.Host = name
	}
	return s, nil
}
