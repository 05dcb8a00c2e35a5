// Package goversion parses, compares and resolves Go release names, and finds
// the version a directory pins.
//
// Go release names are not semantic versions: go1.21rc1 sorts before
// go1.21.0, go1.20 (no patch) was a final release, and before Go 1.21 the
// first release of a line had no ".0". Ordering therefore always goes through
// the standard library's go/version; Masterminds/semver is used only to
// evaluate user-written ranges after the mapping documented on Version.Semver.
package goversion

import (
	"errors"
	"fmt"
	"go/version"
	"strings"
)

// ErrInvalid is wrapped by every error about a malformed version string.
var ErrInvalid = errors.New("invalid Go version")

// maxDigits bounds every number in a version. Go's own parser accepts any
// length, but Masterminds/semver (ranges) does not, and no Go release will
// ever need a ten-digit component.
const maxDigits = 9

// legacyPatchPrereleases are the only release candidates of patch releases
// ever published on go.dev/dl. go/version rejects the form ("1.9.2rc2"), so
// they are listed here and compared with a tie-break on top of go/version.
var legacyPatchPrereleases = map[string]bool{
	"go1.8.5rc4": true,
	"go1.8.5rc5": true,
	"go1.9.2rc2": true,
}

// Version is one Go release name in canonical form ("go1.22.5", "go1.21rc1",
// "go1.20", "go1"). It may also hold a bare language version of Go 1.21 or
// later ("go1.21"), which go.mod files use as a minimum but which names no
// release; see IsLang. The zero Version is invalid; use Parse to build one.
type Version struct {
	name string
}

// Parse accepts a release name with or without the "go" prefix ("1.22.5",
// "go1.22.5", "go1.21rc1", "1.9beta2", "go1") and returns it canonicalised.
// It does not interpret requests such as "1.22.x" or "latest"; see ParseRequest.
//
// Canonical form follows the names go.dev publishes: "1.20.0" becomes
// "go1.20" and "1.0" becomes "go1", because those releases never had a ".0"
// name; from Go 1.21 on "go1.21.0" (the release) and "go1.21" (the language
// version) stay distinct, as they do for the go command.
//
// A leading "v" ("v1.22.5") is rejected: Go release names never carry one,
// setup-go does not accept one, and a "v" usually means a module version
// (golang.org/toolchain v0.0.1-go1.22.5...) was pasted where a Go version
// belongs. Only major version 1, the kinds "beta" and "rc" with a number, and
// surrounding whitespace (which is trimmed) are accepted.
func Parse(s string) (Version, error) {
	t := strings.TrimSpace(s)
	p, ok := parseParts(t)
	if !ok {
		return Version{}, invalidError(s, t)
	}
	return Version{name: p.canonical()}, nil
}

// invalidError explains why s (trimmed: t) is not a Go version, in one line.
func invalidError(s, t string) error {
	switch {
	case t == "":
		return fmt.Errorf("%w: empty string; write a release such as 1.22.5 or go1.22.5", ErrInvalid)
	case strings.HasPrefix(t, "v") || strings.HasPrefix(t, "V"):
		return fmt.Errorf("%w %q: drop the leading v; Go versions are written 1.22.5 or go1.22.5", ErrInvalid, s)
	case strings.HasPrefix(t, "go2") || strings.HasPrefix(t, "2"):
		return fmt.Errorf("%w %q: there is no Go 2 release; write e.g. 1.22.5", ErrInvalid, s)
	}
	return fmt.Errorf("%w %q: want a release such as 1.22.5, go1.22.5 or 1.23rc2", ErrInvalid, s)
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

// Lang returns the language version v belongs to, "go1.22" for go1.22.5,
// "go1" for go1.0.3. Releases of one minor line share it.
func (v Version) Lang() string {
	base, _ := splitLegacy(v.name)
	return version.Lang(base)
}

// IsPrerelease reports whether v is a beta or release candidate, or a bare
// language version of Go 1.21 or later ("go1.21"), which names no release.
func (v Version) IsPrerelease() bool {
	p, ok := parseParts(v.name)
	return ok && (p.kind != "" || p.isLang())
}

// IsLang reports whether v is a bare language version of Go 1.21 or later
// ("go1.22"): a minimum that go.mod files state, not a release anyone can
// download. "go1.20" is not one: it was the first release of Go 1.20.
func (v Version) IsLang() bool {
	p, ok := parseParts(v.name)
	return ok && p.isLang()
}

// parts is a syntactically valid version split into its components.
type parts struct {
	minor, patch int
	hasMinor     bool
	hasPatch     bool
	kind         string // "", "beta" or "rc"
	pre          int    // number after kind
}

// parseParts accepts [go]1[.MINOR[.PATCH | (beta|rc)N]] and the three legacy
// patch prereleases; numbers have no leading zeros and at most maxDigits digits.
func parseParts(s string) (parts, bool) {
	var p parts
	t := strings.TrimPrefix(s, "go")
	if t == "" || t[0] != '1' {
		return p, false
	}
	t = t[1:]
	if t == "" {
		return p, true
	}
	if t[0] != '.' {
		return p, false
	}
	var ok bool
	if p.minor, t, ok = cutNumber(t[1:]); !ok {
		return p, false
	}
	p.hasMinor = true
	if t == "" {
		return p, true
	}
	if t[0] == '.' {
		if p.patch, t, ok = cutNumber(t[1:]); !ok {
			return p, false
		}
		p.hasPatch = true
		if t == "" {
			return p, true
		}
		if !legacyPatchPrereleases["go"+strings.TrimPrefix(s, "go")] {
			return p, false
		}
	}
	switch {
	case strings.HasPrefix(t, "beta"):
		p.kind, t = "beta", t[len("beta"):]
	case strings.HasPrefix(t, "rc"):
		p.kind, t = "rc", t[len("rc"):]
	default:
		return p, false
	}
	if p.pre, t, ok = cutNumber(t); !ok || t != "" || p.pre == 0 {
		return p, false
	}
	return p, true
}

// cutNumber splits a leading decimal number (no leading zero, at most
// maxDigits digits) from s.
func cutNumber(s string) (int, string, bool) {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i == 0 || i > maxDigits || (s[0] == '0' && i > 1) {
		return 0, s, false
	}
	n := 0
	for _, c := range s[:i] {
		n = n*10 + int(c-'0')
	}
	return n, s[i:], true
}

// isLang reports a bare "1.N" with N >= 21: a language version, not a release.
func (p parts) isLang() bool {
	return p.hasMinor && !p.hasPatch && p.kind == "" && p.minor >= 21
}

// canonical renders p the way go.dev names releases.
func (p parts) canonical() string {
	var b strings.Builder
	b.WriteString("go1")
	if !p.hasMinor || (p.minor == 0 && p.patch == 0 && p.kind == "") {
		return b.String()
	}
	fmt.Fprintf(&b, ".%d", p.minor)
	if p.hasPatch && (p.patch != 0 || p.minor >= 21) {
		fmt.Fprintf(&b, ".%d", p.patch)
	}
	if p.kind != "" {
		fmt.Fprintf(&b, "%s%d", p.kind, p.pre)
	}
	return b.String()
}

// splitLegacy splits a legacy patch prerelease "go1.9.2rc2" into the release
// it precedes ("go1.9.2") and its candidate number (2). Other names are
// returned unchanged with 0.
func splitLegacy(name string) (string, int) {
	if !legacyPatchPrereleases[name] {
		return name, 0
	}
	i := strings.LastIndex(name, "rc")
	n, _, _ := cutNumber(name[i+2:])
	return name[:i], n
}
