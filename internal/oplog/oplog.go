// Package oplog writes govm's operation log: one JSON object per line, one
// line per state-changing command, so fleet tools can collect what happened
// on each machine. The file rotates by size; lines never carry credentials.
package oplog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/govm-dev/govm/internal/fsx"
)

// DefaultMaxBytes is the size past which the log rotates.
const DefaultMaxBytes = 5 << 20

// DefaultKeep is how many rotated files (govm.log.1 ...) are kept.
const DefaultKeep = 3

// Result values of an Entry.
const (
	ResultOK    = "ok"
	ResultError = "error"
)

// Entry is one line of the log. Field names are a documented interface
// (docs/enterprise.md): add fields, never rename them.
type Entry struct {
	Time       time.Time `json:"time"`
	User       string    `json:"user"`
	Host       string    `json:"host"`
	Command    string    `json:"command"`
	Args       []string  `json:"args,omitempty"`
	Before     string    `json:"version_before"`
	After      string    `json:"version_after"`
	Source     string    `json:"source,omitempty"`
	Hash       string    `json:"verified_hash,omitempty"`
	DurationMS int64     `json:"duration_ms"`
	Result     string    `json:"result"`
	Error      string    `json:"error,omitempty"`
}

// Log appends entries to one file.
type Log struct {
	Path string
	// MaxBytes rotates the file before a write would pass it; 0 = DefaultMaxBytes.
	MaxBytes int64
	// Keep is the number of rotated files kept; 0 = DefaultKeep.
	Keep int
}

// Append writes e as one line, with a single write on a file opened for
// appending, under a lock file beside the log: appends alone are atomic on
// Linux and Windows but not on every file system (network shares, Wine),
// and rotation must not race with a writer.
func (l Log) Append(ctx context.Context, e Entry) error {
	e.Source = Redact(e.Source)
	e.Error = Redact(e.Error)
	for i, a := range e.Args {
		e.Args[i] = Redact(a)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// URLs in sources and errors hold & and <: keep them readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return fmt.Errorf("encode log line: %w", err)
	}
	b := buf.Bytes() // Encode ends the line
	if err := os.MkdirAll(filepath.Dir(l.Path), 0o755); err != nil {
		return fmt.Errorf("log %s: %w", l.Path, err)
	}
	lock, err := fsx.Lock(ctx, l.Path+".lock")
	if err != nil {
		return fmt.Errorf("lock log %s: %w", l.Path, err)
	}
	defer lock.Unlock()
	if err := l.rotate(int64(len(b))); err != nil {
		return err
	}
	f, err := os.OpenFile(l.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("log %s: %w", l.Path, err)
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("log %s: %w", l.Path, err)
	}
	return nil
}

// rotate shifts govm.log -> .1 -> .2 ... when the next write would pass
// MaxBytes. Losing a race with another process rotating at once costs at
// most one early rotation, never a line.
func (l Log) rotate(next int64) error {
	limit, keep := l.MaxBytes, l.Keep
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if keep <= 0 {
		keep = DefaultKeep
	}
	fi, err := os.Stat(l.Path)
	if err != nil || fi.Size()+next <= limit {
		return nil
	}
	_ = os.Remove(l.Path + "." + strconv.Itoa(keep))
	for i := keep - 1; i >= 1; i-- {
		_ = os.Rename(l.Path+"."+strconv.Itoa(i), l.Path+"."+strconv.Itoa(i+1))
	}
	if err := os.Rename(l.Path, l.Path+".1"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("rotate log %s: %w", l.Path, err)
	}
	return nil
}

// userinfo finds user:password@ in URLs inside free text (error messages
// quote URLs whole).
var userinfo = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@`)

// Redact removes credentials from URLs in s: proxy URLs carry them, and a
// log is collected by people who must not see them.
func Redact(s string) string {
	// Repeat: removing one userinfo can join text into another match.
	for userinfo.MatchString(s) {
		s = userinfo.ReplaceAllString(s, "${1}")
	}
	return s
}
