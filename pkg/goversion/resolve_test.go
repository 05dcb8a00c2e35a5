package goversion

import (
	"errors"
	"strings"
	"testing"
)

func versions(names ...string) []Version {
	vs := make([]Version, len(names))
	for i, n := range names {
		vs[i] = MustParse(n)
	}
	return vs
}

func TestMatches(t *testing.T) {
	tests := []struct {
		req  string
		v    string
		pre  bool
		want bool
	}{
		{"1.22.5", "go1.22.5", false, true},
		{"1.22.5", "go1.22.6", false, false},
		{"1.23rc2", "go1.23rc2", false, true}, // named explicitly: no Pre needed
		{"1.22", "go1.22.0", false, true},
		{"1.22", "go1.22.12", false, true},
		{"1.22", "go1.23.0", false, false},
		{"1.22", "go1.22rc1", false, false},
		{"1.22", "go1.22rc1", true, true},
		{"1.22", "go1.22", true, false}, // a language version is never a release
		{"1.20", "go1.20", false, true}, // the first 1.20 release belongs to its line
		{"1.20", "go1.20rc3", false, false},
		{"1.0", "go1", false, true},
		{"1.0", "go1.0.3", false, true},
		{"latest", "go1.9.7", false, true},
		{"latest", "go1.28rc1", false, false},
		{"latest", "go1.28rc1", true, true},
		{"oldstable", "go1.26.1", false, true},
		{"~1.21", "go1.21.13", false, true},
		{"~1.21", "go1.22.0", false, false},
		{"~1.21", "go1.21rc2", false, false},
		{"~1.21", "go1.21rc2", true, true},  // previews a release in the range
		{"~1.21", "go1.22rc1", true, false}, // semver alone would say yes
		{">=1.21 <1.23", "go1.23rc1", true, false},
		{">=1.21 <1.23", "go1.21rc1", true, true},
		{">=1.21", "go1.21", true, false}, // "-0" sorts before rc.1 and never matches
		{"^1.21", "go1.27.4", false, true},
		{"^1.21", "go1.20.14", false, false},
		{">=1.21rc1", "go1.21rc2", false, true},
		{"1.20 - 1.22", "go1.20", false, true},
		{"1.20 - 1.22", "go1.22.12", false, true},
		{"1.20 - 1.22", "go1.23.0", false, false},
		{"go 1.22.3", "go1.22.3", false, true},
		{"go 1.22.3", "go1.27.4", false, true}, // any newer toolchain satisfies a go line
		{"go 1.22.3", "go1.22.2", false, false},
		{"go 1.22", "go1.22rc1", false, true}, // the go command runs rc1 for "go 1.22"
		{"go 1.22", "go1.22.0", false, true},
		{"go 1.22.3", "go1.28rc1", false, false},
		{"go 1.22.3", "go1.28rc1", true, true},
		{"go 1.20", "go1.20rc1", false, false},
		{"toolchain go1.22.5", "go1.22.5", false, true},
		{"toolchain go1.22.5", "go1.22.4", false, false},
	}
	for _, tt := range tests {
		r, err := ParseRequest(tt.req)
		if err != nil {
			t.Fatalf("ParseRequest(%q): %v", tt.req, err)
		}
		if got := r.Matches(MustParse(tt.v), ResolveOptions{Pre: tt.pre}); got != tt.want {
			t.Errorf("%q.Matches(%s, pre=%v) = %v, want %v", tt.req, tt.v, tt.pre, got, tt.want)
		}
	}
	r, _ := ParseRequest("latest")
	if r.Matches(Version{}, ResolveOptions{Pre: true}) {
		t.Error("the zero Version matched latest")
	}
}

func TestResolveNoMatch(t *testing.T) {
	avail := versions("go1.26.2", "go1.26.3", "go1.25.9", "go1.27rc1", "go1.20")
	tests := []struct {
		req      string
		mentions []string
	}{
		{"1.99", []string{`"1.99"`, "newest is go1.26.3", "govm list-remote"}},
		{"1.22.5", []string{`"go1.22.5"`, "newest is go1.26.3"}},
		{"1.26.9", []string{"newest of go1.26 is go1.26.3"}},
		{"1.27", []string{"prerelease go1.27rc1 matches if prereleases are allowed"}},
		{"go 1.22", []string{`"go 1.22"`, "newest is go1.26.3"}}, // go1.22.0 is not available
		{"go 1.25.10", []string{"newest of go1.25 is go1.25.9"}},
		{">=1.30", []string{`">=1.30"`}},
	}
	for _, tt := range tests {
		r, err := ParseRequest(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		v, err := r.Resolve(avail, ResolveOptions{})
		if !errors.Is(err, ErrNoMatch) {
			t.Errorf("%q.Resolve = %s, %v; want ErrNoMatch", tt.req, v, err)
			continue
		}
		for _, m := range tt.mentions {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%q.Resolve error %q does not mention %q", tt.req, err, m)
			}
		}
	}
	r, _ := ParseRequest("latest")
	if _, err := r.Resolve(nil, ResolveOptions{}); !errors.Is(err, ErrNoMatch) || !strings.Contains(err.Error(), "no releases are available") {
		t.Errorf("latest over nothing: %v", err)
	}
	// Only prereleases available: the hint names the newest one.
	if _, err := r.Resolve(versions("go1.27rc1"), ResolveOptions{}); err == nil || !strings.Contains(err.Error(), "newest is go1.27rc1") {
		t.Errorf("latest over only prereleases: %v", err)
	}
	if got, err := r.Resolve(versions("go1.27rc1"), ResolveOptions{Pre: true}); err != nil || got.String() != "go1.27rc1" {
		t.Errorf("latest with Pre over only prereleases = %s, %v", got, err)
	}
}

func TestOldstableSkipsMissingLines(t *testing.T) {
	// setup-go's oldstable is the line before the newest; when a catalogue
	// lacks that line, the newest older line stands in.
	r, _ := ParseRequest("oldstable")
	got, err := r.Resolve(versions("go1.26.3", "go1.26.0", "go1.24.9", "go1.24.13", "go1.23.1"), ResolveOptions{})
	if err != nil || got.String() != "go1.24.13" {
		t.Errorf("oldstable = %s, %v; want go1.24.13", got, err)
	}
	if _, err := r.Resolve(versions("go1.26.3", "go1.26.0"), ResolveOptions{}); !errors.Is(err, ErrNoMatch) {
		t.Errorf("oldstable with one line: %v", err)
	}
}

func TestResolveIgnoresOrderAndDuplicates(t *testing.T) {
	r, _ := ParseRequest("1.22")
	got, err := r.Resolve(versions("go1.22.3", "go1.22.10", "go1.22.3", "go1.22.9"), ResolveOptions{})
	if err != nil || got.String() != "go1.22.10" {
		t.Errorf("1.22 = %s, %v; want go1.22.10 (numeric, not string, order)", got, err)
	}
}
