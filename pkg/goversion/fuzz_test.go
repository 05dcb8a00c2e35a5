package goversion

import (
	"errors"
	"go/version"
	"path/filepath"
	"strings"
	"testing"
)

// probeVersions is a spread of releases used to compare two requests'
// meanings: every kind of name, around line and prerelease boundaries.
var probeVersions = versions(
	"go1", "go1.0.3", "go1.2rc5", "go1.2.2", "go1.9beta2", "go1.9.2rc2", "go1.9.2",
	"go1.20rc1", "go1.20", "go1.20.14", "go1.21rc1", "go1.21.0", "go1.21.13",
	"go1.22.0", "go1.22.5", "go1.23rc2", "go1.23.4", "go1.26.11", "go1.27rc1", "go1.27.4",
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"go1", "1.0.1", "go1.2.2", "go1.9beta2", "go1.20", "1.21rc1", "go1.21.0",
		"1.22.5", "go1.9.2rc2", "1.x.3", "go2", "2.0", "1.22.5.1", "", " 1.22 ", "v1.22", "1.21rc0", "1.0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Parse(%q) error %q: want a one-line ErrInvalid", s, err)
			}
			return
		}
		again, err := Parse(v.String())
		if err != nil || again != v {
			t.Fatalf("Parse(%q) = %s, which re-parses to %s, %v", s, v, again, err)
		}
		if n, err := Parse(v.Number()); err != nil || n != v {
			t.Fatalf("Parse(%q).Number() = %q does not re-parse", s, v.Number())
		}
		if !legacyPatchPrereleases[v.String()] && !version.IsValid(v.String()) {
			t.Fatalf("Parse(%q) = %s, which go/version rejects", s, v)
		}
		if semverOf(v) == nil || v.Lang() == "" {
			t.Fatalf("Parse(%q) = %s has no semver or language version", s, v)
		}
		if Compare(v, again) != 0 {
			t.Fatalf("Compare(%s, itself) != 0", v)
		}
	})
}

func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{"1.22.5", "go1.22.5", "1.23rc2", "go1.9beta2", "1.22", "1.22.x", "go1.22",
		"latest", "stable", "oldstable", "~1.21", "^1.21", ">=1.21 <1.23", "1.20 - 1.22", ">=1.21, <1.23",
		"~1.20 || ^1.22", ">=banana", "go 1.22", "toolchain go1.21.0-custom", "1.x", "*", "1.0", "go1.20.0",
		"!=1.22.3", ">=go1.21rc1 <1.21.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequest(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseRequest(%q) error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		again, err := ParseRequest(r.String())
		if err != nil {
			t.Fatalf("ParseRequest(%q).String() = %q does not re-parse: %v", s, r, err)
		}
		if again.Kind() != r.Kind() || again.String() != r.String() {
			t.Fatalf("%q -> %v %q -> %v %q", s, r.Kind(), r, again.Kind(), again)
		}
		for _, pre := range []bool{false, true} {
			opts := ResolveOptions{Pre: pre}
			for _, v := range probeVersions {
				if r.Matches(v, opts) != again.Matches(v, opts) {
					t.Fatalf("%q and its re-parse %q disagree on %s (pre=%v)", s, again, v, pre)
				}
			}
			got, err := r.Resolve(probeVersions, opts)
			if err == nil && !r.Matches(got, opts) && r.Kind() != KindOldstable {
				t.Fatalf("%q resolved to %s, which it does not match", s, got)
			}
			if err != nil && !errors.Is(err, ErrNoMatch) {
				t.Fatalf("%q.Resolve: %v", s, err)
			}
		}
	})
}

func FuzzPinFile(f *testing.F) {
	seeds := []struct{ name, content string }{
		{".go-version", "1.22.5\n"},
		{".go-version", "\uFEFF# c\r\n go1.22 \r\n"},
		{".go-version", "1.x\n"},
		{".tool-versions", "nodejs 20\ngolang 1.22.5 1.21.0 # c\n"},
		{".tool-versions", "go\n"},
		{"go.mod", "module m\n\ngo 1.22.3\ntoolchain go1.22.5\n"},
		{"go.mod", "module m\ngo 1.21 // c\ntoolchain default\n"},
		{"go.work", "go 1.23\nuse ./a\n"},
	}
	for _, s := range seeds {
		f.Add(s.name, s.content)
	}
	names := []string{".go-version", ".tool-versions", "go.mod", "go.work"}
	f.Fuzz(func(t *testing.T, name, content string) {
		// Exercise every format whatever name the fuzzer picked.
		for _, n := range names {
			path := filepath.Join("/repo", n)
			pin, err := ParsePinFile(path, []byte(content))
			if err != nil {
				if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNoPin) {
					t.Fatalf("%s %q: error %v is neither ErrInvalid nor ErrNoPin", n, content, err)
				}
				continue
			}
			if pin.File != path || pin.Line < 1 || string(pin.Kind) != n || pin.Request.IsZero() {
				t.Fatalf("%s %q: incomplete pin %+v", n, content, pin)
			}
			if again, err := ParseRequest(pin.Request.String()); err != nil || again.String() != pin.Request.String() {
				t.Fatalf("%s %q: pinned %q does not re-parse: %v", n, content, pin.Request, err)
			}
		}
		// Any other base name is refused, never guessed at.
		if base := filepath.Base(filepath.Join("/repo", name)); !strings.Contains(strings.Join(names, "|"), base) {
			if _, err := ParsePinFile(filepath.Join("/repo", name), []byte(content)); err == nil {
				t.Fatalf("ParsePinFile accepted a file named %q", name)
			}
		}
	})
}
