package oplog

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestAppendWritesDocumentedFields(t *testing.T) {
	path := filepath.Join(tempdir.New(t), "logs", "govm.log")
	l := Log{Path: path}
	e := Entry{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), User: "u", Host: "h", Command: "install",
		Args: []string{"1.22.5"}, After: "go1.22.5", Source: "https://bob:pw@mirror.corp/go", Hash: "sha256:ab",
		DurationMS: 12, Result: ResultError, Error: "GET http://bob:pw@proxy:3128/x: refused"}
	if err := l.Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1", len(lines))
	}
	for _, k := range []string{"time", "user", "host", "command", "version_before", "version_after", "source", "verified_hash", "duration_ms", "result", "error"} {
		if _, ok := lines[0][k]; !ok {
			t.Errorf("field %q missing from %v", k, lines[0])
		}
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "pw") || strings.Contains(string(raw), "bob") {
		t.Errorf("credentials reached the log: %s", raw)
	}
}

func TestRotation(t *testing.T) {
	path := filepath.Join(tempdir.New(t), "govm.log")
	l := Log{Path: path, MaxBytes: 400, Keep: 2}
	for i := 0; i < 20; i++ {
		if err := l.Append(context.Background(), Entry{Command: "use", Result: ResultOK}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{path, path + ".1", path + ".2"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if fi.Size() > 400 {
			t.Errorf("%s is %d bytes, over the 400 limit", p, fi.Size())
		}
	}
	if _, err := os.Stat(path + ".3"); err == nil {
		t.Errorf("more than Keep=2 rotated files kept")
	}
}

func TestConcurrentAppendsKeepWholeLines(t *testing.T) {
	path := filepath.Join(tempdir.New(t), "govm.log")
	l := Log{Path: path}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if err := l.Append(context.Background(), Entry{Command: "install", Error: strings.Repeat("x", 500), Result: ResultError}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := len(readLines(t, path)); n != 320 {
		t.Fatalf("%d lines, want 320", n)
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://u:p@proxy:8080/", "http://proxy:8080/"},
		{"https://token@host/path", "https://host/path"},
		{"plain text", "plain text"},
		{"error: GET https://a:b@h/x failed; retry http://c@d/", "error: GET https://h/x failed; retry http://d/"},
		{`\\server\share\go`, `\\server\share\go`},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("http://u:p@h/")
	f.Add("x https://secret@h y")
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if strings.Contains(s, "://") && strings.Contains(out, "://") {
			// No scheme://userinfo@ may survive.
			if userinfo.MatchString(out) {
				t.Fatalf("Redact(%q) = %q still has userinfo", s, out)
			}
		}
	})
}
