package fleet

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// LogError is one failed operation found in a host's log tail.
type LogError struct {
	Time    string `json:"time,omitempty"`
	Command string `json:"command,omitempty"`
	Message string `json:"message"`
}

// maxLogLine bounds one log line: a tail fetched from a host is outside
// input, and one runaway line must not exhaust the controller's memory.
const maxLogLine = 1 << 20

// ParseLogTail returns the failures recorded in the tail of a govm log
// (<home>/logs/govm.log, one JSON object per line). A tail cut in the middle
// of its first line is normal (tail -c), so a first line that is not JSON is
// skipped; any later line that is not JSON is an error.
func ParseLogTail(name string, data []byte) ([]LogError, error) {
	var errs []LogError
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), maxLogLine)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			if n == 1 {
				continue
			}
			return nil, fmt.Errorf("parse log %s line %d: %w: %v", name, n, ErrMalformed, err)
		}
		if e, ok := failure(rec); ok {
			errs = append(errs, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read log %s: %w: %v", name, ErrMalformed, err)
	}
	return errs, nil
}

// failure decides whether a log record is a failure. The log is written by
// other govm versions than the one reading it, so it accepts the usual ways
// of saying so: a level, a result, an ok flag or a non-empty error.
func failure(rec map[string]any) (LogError, bool) {
	str := func(k string) string {
		if v, ok := rec[k].(string); ok {
			return v
		}
		return ""
	}
	msg := str("error")
	failed := msg != ""
	switch strings.ToLower(str("level")) {
	case "error", "fatal":
		failed = true
	}
	switch strings.ToLower(str("result")) {
	case "error", "failed", "failure":
		failed = true
	}
	if ok, isBool := rec["ok"].(bool); isBool && !ok {
		failed = true
	}
	if !failed {
		return LogError{}, false
	}
	if msg == "" {
		msg = str("msg")
	}
	if msg == "" {
		msg = str("message")
	}
	cmd := str("command")
	if cmd == "" {
		cmd = str("op")
	}
	return LogError{Time: str("time"), Command: cmd, Message: msg}, true
}
