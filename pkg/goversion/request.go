package goversion

import (
	"fmt"
	"go/version"
	"strings"
)

// RequestKind says how a Request chooses among releases.
type RequestKind int

const (
	// KindExact names one release: "1.22.5", "go1.22.5", "1.23rc2", "go1".
	KindExact RequestKind = iota + 1
	// KindLine names a minor line, "1.22", "1.22.x" or "go1.22": its newest
	// stable release. Before Go 1.21 the line's first release is named
	// go1.20, go1.19, ... and belongs to it.
	KindLine
	// KindLatest is "latest" or "stable": the newest stable release.
	KindLatest
	// KindOldstable is "oldstable", as setup-go defines it: the newest patch
	// of the minor line before the newest stable one.
	KindOldstable
	// KindRange is a semver-style range: "~1.21", "^1.21", ">=1.21 <1.23",
	// "1.20 - 1.22", "1.x", "||" alternatives.
	KindRange
	// KindMinimum is a go.mod or go.work line, "go 1.22.3" or
	// "toolchain go1.22.5": any release at least that new satisfies it, and
	// it resolves to the release the go command would switch to.
	KindMinimum
)

// String names the kind for logs and JSON.
func (k RequestKind) String() string {
	switch k {
	case KindExact:
		return "exact"
	case KindLine:
		return "line"
	case KindLatest:
		return "latest"
	case KindOldstable:
		return "oldstable"
	case KindRange:
		return "range"
	case KindMinimum:
		return "minimum"
	}
	return "invalid"
}

// Request is what a user asked for: a release, a line, a keyword, a range or
// a go.mod minimum. Build one with ParseRequest; the zero Request is invalid.
type Request struct {
	kind RequestKind
	text string  // normalised form, see String
	v    Version // KindExact: the release; KindMinimum: the minimum
	lang string  // KindLine: the line's language version, "go1.22" ("go1" for 1.0)
	rng  goRange // KindRange
}

// ParseRequest reads a request as users write it on the command line, in
// .go-version files and in GOVM_GO_VERSION:
//
//	1.22.5, go1.22.5, 1.23rc2, go1.9beta2, go1   exact release
//	1.22, 1.22.x, go1.22                        newest stable patch of the line
//	latest, stable                              newest stable release
//	oldstable                                   newest patch of the line before the newest
//	~1.21, ^1.21, ">=1.21 <1.23", 1.20 - 1.22   ranges (see Semver for the mapping)
//	go 1.22.3, toolchain go1.22.5               go.mod/go.work lines: minimums
//
// Keywords are case-insensitive. Errors wrap ErrInvalid and name the input.
func ParseRequest(s string) (Request, error) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "":
		return Request{}, fmt.Errorf("%w: empty request; write e.g. 1.22.5, 1.22 or latest", ErrInvalid)
	case "latest", "stable":
		return Request{kind: KindLatest, text: strings.ToLower(t)}, nil
	case "oldstable":
		return Request{kind: KindOldstable, text: "oldstable"}, nil
	}
	if f := strings.Fields(t); len(f) == 2 && (f[0] == "go" || f[0] == "toolchain") {
		return parseDirective(s, f[0], f[1])
	}
	if lang, ok := parseLine(t); ok {
		return Request{kind: KindLine, text: strings.TrimPrefix(lang, "go") + lineSuffix(lang), lang: lang}, nil
	}
	if v, err := Parse(t); err == nil {
		return Request{kind: KindExact, text: exactText(v), v: v}, nil
	} else if !looksLikeRange(t) {
		return Request{}, err
	}
	r, err := parseRange(t)
	if err != nil {
		return Request{}, err
	}
	return Request{kind: KindRange, text: r.text, rng: r}, nil
}

// ExactRequest is the request for release v alone, as ParseRequest reads
// v's own name (go1.20 included: it asks for the release, not the line).
func ExactRequest(v Version) Request {
	return Request{kind: KindExact, text: exactText(v), v: v}
}

// exactText names release v so that it re-parses as that release: go1.20
// (a release) would read back as the 1.20 line, so it is written go1.20.0.
func exactText(v Version) string {
	if p, _ := parseParts(v.name); p.hasMinor && !p.hasPatch && p.kind == "" {
		return v.name + ".0"
	}
	return v.name
}

// lineSuffix keeps "1.0" from printing as "1", which would re-parse as the
// exact release go1 instead of the 1.0 line.
func lineSuffix(lang string) string {
	if lang == "go1" {
		return ".0"
	}
	return ""
}

// parseLine recognises "1.22", "go1.22", "1.22.x", "1.22.X", "1.22.*" and
// returns the line's language version ("go1.22"; "go1" for "1.0").
func parseLine(t string) (string, bool) {
	for _, w := range []string{".x", ".X", ".*"} {
		t = strings.TrimSuffix(t, w)
	}
	p, ok := parseParts(t)
	if !ok || !p.hasMinor || p.hasPatch || p.kind != "" {
		return "", false
	}
	return version.Lang(p.canonical()), true
}

// looksLikeRange reports whether t uses range syntax, so that errors about
// plain versions ("1.x.3", "2.0") come from Parse and name a release example.
func looksLikeRange(t string) bool {
	if strings.ContainsAny(t, "<>=~^|, *") {
		return true
	}
	for c := range strings.SplitSeq(strings.TrimPrefix(t, "go"), ".") {
		if c == "x" || c == "X" {
			return !strings.Contains(t, "x.") && !strings.Contains(t, "X.")
		}
	}
	return false
}

// parseDirective reads a go.mod/go.work line "go 1.22" or
// "toolchain go1.22.5" into a KindMinimum request. A toolchain name may carry
// a custom suffix after "-" ("go1.21.0-custom"), ignored for ordering like
// the go command does. "toolchain default" pins nothing and is an error here;
// FindPin skips such lines.
func parseDirective(s, verb, arg string) (Request, error) {
	num := arg
	if verb == "toolchain" {
		if arg == "default" {
			return Request{}, fmt.Errorf("%w %q: toolchain default names no version", ErrInvalid, s)
		}
		if !strings.HasPrefix(arg, "go") {
			return Request{}, fmt.Errorf("%w %q: a toolchain name starts with go, e.g. toolchain go1.22.5", ErrInvalid, s)
		}
		num = toolchainVersion(arg)
	} else if strings.HasPrefix(arg, "go") {
		return Request{}, fmt.Errorf("%w %q: a go line has no go prefix, e.g. go 1.22.5", ErrInvalid, s)
	}
	v, err := Parse(num)
	if err != nil {
		return Request{}, err
	}
	return Request{kind: KindMinimum, text: verb + " " + arg, v: v}, nil
}

// toolchainVersion strips a custom suffix introduced by "-", as
// cmd/go/internal/gover.FromToolchain does: "go1.21.0-custom" -> "go1.21.0".
func toolchainVersion(name string) string {
	if i := strings.IndexAny(name, " \t-"); i >= 0 {
		return name[:i]
	}
	return name
}

// Kind says how r chooses among releases.
func (r Request) Kind() RequestKind { return r.kind }

// IsZero reports whether r is the zero Request.
func (r Request) IsZero() bool { return r.kind == 0 }

// String returns the request as the user typed it, normalised: "go1.22.5"
// for a release, "1.22" for a line, "latest", ">=1.21 <1.23",
// "go 1.22.3" for a go.mod line. ParseRequest(r.String()) means the same as r.
func (r Request) String() string { return r.text }

// Exact returns the release r names, and true, when r names exactly one
// release (KindExact).
func (r Request) Exact() (Version, bool) {
	if r.kind == KindExact {
		return r.v, true
	}
	return Version{}, false
}

// Minimum returns the oldest version that satisfies a KindMinimum request
// ("go1.22" for "go 1.22"), and true; false for other kinds.
func (r Request) Minimum() (Version, bool) {
	if r.kind == KindMinimum {
		return r.v, true
	}
	return Version{}, false
}

// Arg is the request as a user would type it again as a command-line
// argument: "1.22.5" for an exact release or a go.mod minimum, the
// normalised request otherwise, single-quoted when it holds spaces (ranges).
// The release go1.20 is "1.20.0": "1.20" would ask for the line's newest patch.
func (r Request) Arg() string {
	switch r.kind {
	case KindExact:
		return strings.TrimPrefix(exactText(r.v), "go")
	case KindMinimum:
		return r.v.Number()
	}
	if strings.ContainsAny(r.text, " <>|") {
		return "'" + r.text + "'"
	}
	return r.text
}
