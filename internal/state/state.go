// Package state keeps the small per-home record of what was active and what
// govm last did: the activation history behind `govm rollback`, and the last
// operation that `govm status` reports.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/govm-dev/govm/internal/fsx"
)

// maxHistory bounds the history; rollback needs only the last two entries,
// the rest helps a person reading state.json after an incident.
const maxHistory = 20

// Switch is one change of the active version.
type Switch struct {
	Version string    `json:"version"`
	At      time.Time `json:"at"`
	// By is the command that switched: use, ensure, rollback.
	By string `json:"by"`
}

// Operation is the last state-changing command and its result.
type Operation struct {
	Command string    `json:"command"`
	Version string    `json:"version,omitempty"`
	At      time.Time `json:"at"`
	OK      bool      `json:"ok"`
	Error   string    `json:"error,omitempty"`
}

// State is the content of state.json.
type State struct {
	// History lists activations, newest last.
	History []Switch   `json:"history"`
	Last    *Operation `json:"last_operation,omitempty"`
}

// Load reads the state file; a missing file is an empty state. A corrupt
// file is reported, never silently replaced: it holds the rollback target.
func Load(path string) (State, error) {
	b, err := fsx.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("state file %s is corrupt (%v); move it aside to start a fresh history", path, err)
	}
	return s, nil
}

// Save writes the state atomically.
func Save(path string, s State) error {
	if len(s.History) > maxHistory {
		s.History = s.History[len(s.History)-maxHistory:]
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return fsx.WriteFileAtomic(path, append(b, '\n'), 0o644)
}

// Record appends an activation of version.
func (s *State) Record(version, by string, at time.Time) {
	s.History = append(s.History, Switch{Version: version, At: at.UTC(), By: by})
}

// Previous returns the version that was active before the current one: the
// newest history entry that differs from current. Rollback switches to it
// and records that switch, so two rollbacks in a row return to where they
// started, like `cd -`.
func (s State) Previous(current string) (string, bool) {
	for i := len(s.History) - 1; i >= 0; i-- {
		if v := s.History[i].Version; v != current {
			return v, true
		}
	}
	return "", false
}
