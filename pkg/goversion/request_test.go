package goversion

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		in    string
		kind  RequestKind
		text  string
		exact string // Exact() when KindExact
	}{
		{"1.22.5", KindExact, "go1.22.5", "go1.22.5"},
		{"go1.22.5", KindExact, "go1.22.5", "go1.22.5"},
		{"1.23rc2", KindExact, "go1.23rc2", "go1.23rc2"},
		{"go1.9beta2", KindExact, "go1.9beta2", "go1.9beta2"},
		{"go1", KindExact, "go1", "go1"},
		{"1.20.0", KindExact, "go1.20.0", "go1.20"},
		{"go1.20.0", KindExact, "go1.20.0", "go1.20"},
		{"1.2.0", KindExact, "go1.2.0", "go1.2"},
		{"1.22", KindLine, "1.22", ""},
		{"1.22.x", KindLine, "1.22", ""},
		{"1.22.X", KindLine, "1.22", ""},
		{"1.22.*", KindLine, "1.22", ""},
		{"go1.22", KindLine, "1.22", ""},
		{"go1.22.x", KindLine, "1.22", ""},
		{"1.20", KindLine, "1.20", ""},
		{"1.0", KindLine, "1.0", ""},
		{"latest", KindLatest, "latest", ""},
		{"LATEST", KindLatest, "latest", ""},
		{"stable", KindLatest, "stable", ""},
		{" oldstable ", KindOldstable, "oldstable", ""},
		{"~1.21", KindRange, "~1.21", ""},
		{"^1.21", KindRange, "^1.21", ""},
		{">=1.21 <1.23", KindRange, ">=1.21 <1.23", ""},
		{">=1.21, <1.23", KindRange, ">=1.21 <1.23", ""},
		{">= 1.21  <  1.23", KindRange, ">=1.21 <1.23", ""},
		{">=go1.21rc1", KindRange, ">=1.21rc1", ""},
		{"1.20 - 1.22", KindRange, "1.20 - 1.22", ""},
		{"~1.20||^1.22", KindRange, "~1.20 || ^1.22", ""},
		{"1.x", KindRange, "1.x", ""},
		{"1.X", KindRange, "1.x", ""},
		{"*", KindRange, "*", ""},
		{"!=1.22.3", KindRange, "!=1.22.3", ""},
		{"go 1.22", KindMinimum, "go 1.22", ""},
		{"go 1.22.3", KindMinimum, "go 1.22.3", ""},
		{"toolchain go1.22.5", KindMinimum, "toolchain go1.22.5", ""},
		{"toolchain  go1.21.0-custom", KindMinimum, "toolchain go1.21.0-custom", ""},
	}
	for _, tt := range tests {
		r, err := ParseRequest(tt.in)
		if err != nil {
			t.Errorf("ParseRequest(%q): %v", tt.in, err)
			continue
		}
		if r.Kind() != tt.kind || r.String() != tt.text {
			t.Errorf("ParseRequest(%q) = %v %q, want %v %q", tt.in, r.Kind(), r.String(), tt.kind, tt.text)
		}
		v, ok := r.Exact()
		if ok != (tt.kind == KindExact) || v.String() != tt.exact {
			t.Errorf("ParseRequest(%q).Exact() = %s, %v", tt.in, v, ok)
		}
		again, err := ParseRequest(r.String())
		if err != nil || again.Kind() != r.Kind() || again.String() != r.String() {
			t.Errorf("ParseRequest(%q) does not re-parse from %q: %v %q %v", tt.in, r.String(), again.Kind(), again.String(), err)
		}
	}
}

func TestParseRequestInvalid(t *testing.T) {
	tests := []struct {
		in       string
		mentions string
	}{
		{"", "empty"},
		{"1.x.3", `"1.x.3"`},
		{"go2", "no Go 2"},
		{"2.0", "no Go 2"},
		{"1.22.5.1", `"1.22.5.1"`},
		{"v1.22", "leading v"},
		{">=banana", `">=banana"`},
		{">=banana", ">=1.21 <1.23"},
		{">=v1.21", "leading v"},
		{"~1.21 ||", "empty alternative"},
		{">=", "has no version"},
		{">=1.21 <", "has no version"},
		{"1.2.3.4 - 1.3", "three parts"},
		{"1.x.3 || 1.2", "after a wildcard"},
		{"1.20 -", `"-"`},
		{"toolchain default", "names no version"},
		{"toolchain 1.22.5", "starts with go"},
		{"go go1.22", "no go prefix"},
		{"go 1.x", `"1.x"`},
		{"golang 1.22.5", `"golang 1.22.5"`},
		{"1.21 rc1", `"1.21 rc1"`},
		{">=1.21rc", "not a Go version"},
	}
	for _, tt := range tests {
		_, err := ParseRequest(tt.in)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseRequest(%q) error = %v, want ErrInvalid", tt.in, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tt.mentions) || strings.Contains(msg, "\n") {
			t.Errorf("ParseRequest(%q) error %q: want one line mentioning %q", tt.in, msg, tt.mentions)
		}
	}
}

func TestRequestKindString(t *testing.T) {
	names := map[RequestKind]string{
		KindExact: "exact", KindLine: "line", KindLatest: "latest", KindOldstable: "oldstable",
		KindRange: "range", KindMinimum: "minimum", 0: "invalid",
	}
	for k, want := range names {
		if k.String() != want {
			t.Errorf("RequestKind(%d).String() = %q, want %q", k, k.String(), want)
		}
	}
	var zero Request
	if !zero.IsZero() {
		t.Error("zero Request is not IsZero")
	}
	if _, err := zero.Resolve([]Version{MustParse("1.22.5")}, ResolveOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("zero Request resolved: %v", err)
	}
}

func TestMinimum(t *testing.T) {
	r, err := ParseRequest("toolchain go1.21.0-custom")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := r.Minimum(); !ok || v.String() != "go1.21.0" {
		t.Errorf("Minimum() = %s, %v; want go1.21.0", v, ok)
	}
	line, _ := ParseRequest("1.22")
	if _, ok := line.Minimum(); ok {
		t.Error("a line request reported a minimum")
	}
}

// ExactRequest must ask for the release itself, exactly as ParseRequest of
// the release's name does: go1.20 is the release, never the 1.20 line.
func TestExactRequest(t *testing.T) {
	for _, name := range []string{"go1.22.5", "go1.20", "go1.23rc2", "go1", "go1.9beta2"} {
		v := MustParse(name)
		r := ExactRequest(v)
		if got, ok := r.Exact(); !ok || got != v {
			t.Errorf("ExactRequest(%s).Exact() = %v, %t", name, got, ok)
		}
		back, err := ParseRequest(r.Arg())
		if err != nil || back != r {
			t.Errorf("ExactRequest(%s).Arg() = %q re-parses as %v (%v), want the same request", name, r.Arg(), back, err)
		}
		if r.Matches(MustParse("go1.24.0"), ResolveOptions{}) {
			t.Errorf("ExactRequest(%s) matches go1.24.0", name)
		}
	}
}
