// Package goversion parses, compares and resolves Go release names.
//
// Go release names are not semantic versions: go1.21rc1 sorts before
// go1.21.0, go1.20 (no patch) was a final release, and before Go 1.21 the
// first release of a line had no ".0". Ordering therefore always goes through
// the standard library's go/version; Masterminds/semver is used only to
// evaluate user-written ranges after the mapping documented in constraint.go.
package goversion

import (
	"errors"
	"fmt"
	"go/version"
	"strings"
)

// ErrInvalid is wrapped by every error about a malformed version string.
var ErrInvalid = errors.New("invalid Go version")

// Version is one Go release name in canonical form ("go1.22.5", "go1.21rc1",
// "go1.20", "go1"). The zero Version is invalid; use Parse to build one.
type Version struct {
	name string
}

// Parse accepts a release name with or without the "go" prefix ("1.22.5",
// "go1.22.5", "go1.21rc1", "1.9beta2", "go1") and returns it canonicalised.
// It does not interpret requests such as "1.22.x" or "latest"; see ParseRequest.
func Parse(s string) (Version, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "go") {
		t = "go" + t
	}
	if !version.IsValid(t) || !(t == "go1" || strings.HasPrefix(t, "go1.")) {
		return Version{}, fmt.Errorf("%w %q: want a release such as 1.22.5, go1.22.5 or 1.23rc2", ErrInvalid, s)
	}
	return Version{name: t}, nil
}

// MustParse is Parse for literals known to be valid; it panics otherwise.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the canonical name, "go1.22.5".
func (v Version) String() string { return v.name }

// Number returns the name without the "go" prefix, "1.22.5".
func (v Version) Number() string { return strings.TrimPrefix(v.name, "go") }

// IsZero reports whether v is the zero Version.
func (v Version) IsZero() bool { return v.name == "" }

// Lang returns the language version v belongs to, "go1.22" for go1.22.5.
func (v Version) Lang() string { return version.Lang(v.name) }

// IsPrerelease reports whether v is a beta or release candidate, or a bare
// language version of Go 1.21 or later ("go1.21"), which names no release.
func (v Version) IsPrerelease() bool {
	n := v.Number()
	if strings.Contains(n, "beta") || strings.Contains(n, "rc") {
		return true
	}
	return strings.Count(n, ".") == 1 && version.Compare(v.name, "go1.21") >= 0
}

// Compare returns -1, 0 or +1 as a sorts before, equal to, or after b in Go's
// release order.
func Compare(a, b Version) int { return version.Compare(a.name, b.name) }

// Less reports whether a sorts before b; handy for slices.SortFunc wrappers.
func Less(a, b Version) bool { return Compare(a, b) < 0 }
