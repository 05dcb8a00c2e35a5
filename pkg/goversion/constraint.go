package goversion

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// goRange is a parsed version range: Go-style text for people, the
// equivalent Masterminds constraint for evaluation.
type goRange struct {
	text       string // normalised, Go style: ">=1.21 <1.23", "1.20 - 1.22 || ^1.24"
	constraint *semver.Constraints
	namesPre   bool // some term names a beta or rc, so prereleases may match
}

// rangeOperators are tried longest first so that ">=" is not read as ">".
var rangeOperators = []string{"!=", ">=", "=>", "<=", "=<", "~>", ">", "<", "=", "~", "^"}

// parseRange reads the range forms users know from setup-go and npm: "~1.21",
// "^1.21", ">=1.21 <1.23", ">=1.21, <1.23", "1.20 - 1.22", "1.x", and "||"
// alternatives of those. Every version term is written the Go way (optional
// "go" prefix, "1.21rc1") and translated to semver by the mapping on Semver;
// wildcards x, X and * stand for any number.
func parseRange(s string) (goRange, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w range %q: %s; write e.g. \">=1.21 <1.23\", \"~1.21\" or \"1.20 - 1.22\"", ErrInvalid, s, why)
	}
	var goAlts, semAlts []string
	var r goRange
	for alt := range strings.SplitSeq(s, "||") {
		fields := strings.Fields(strings.ReplaceAll(alt, ",", " "))
		if len(fields) == 0 {
			return goRange{}, bad("empty alternative")
		}
		var goTerms, semTerms []string
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if isOperator(f) { // ">= 1.21": the operator stands apart
				if i+1 == len(fields) {
					return goRange{}, bad(fmt.Sprintf("operator %q has no version", f))
				}
				i++
				f += fields[i]
			}
			if i+2 < len(fields) && fields[i+1] == "-" { // hyphen range "A - B"
				lo, err := parseRangeVersion(f)
				if err != nil {
					return goRange{}, bad(err.Error())
				}
				hi, err := parseRangeVersion(fields[i+2])
				if err != nil {
					return goRange{}, bad(err.Error())
				}
				r.namesPre = r.namesPre || lo.pre || hi.pre
				goTerms = append(goTerms, lo.text+" - "+hi.text)
				semTerms = append(semTerms, lo.semver+" - "+hi.semver)
				i += 2
				continue
			}
			op := ""
			for _, o := range rangeOperators {
				if strings.HasPrefix(f, o) {
					op = o
					break
				}
			}
			rv, err := parseRangeVersion(f[len(op):])
			if err != nil {
				return goRange{}, bad(err.Error())
			}
			r.namesPre = r.namesPre || rv.pre
			goTerms = append(goTerms, op+rv.text)
			semTerms = append(semTerms, op+rv.semver)
		}
		goAlts = append(goAlts, strings.Join(goTerms, " "))
		semAlts = append(semAlts, strings.Join(semTerms, " "))
	}
	c, err := semver.NewConstraint(strings.Join(semAlts, " || "))
	if err != nil {
		return goRange{}, bad(err.Error())
	}
	r.text = strings.Join(goAlts, " || ")
	if !looksLikeRange(r.text) {
		// ",1.22" normalises to "1.22", which would read back as a line:
		// the explicit "=" keeps it a range with the same meaning.
		r.text = "=" + r.text
	}
	r.constraint = c
	return r, nil
}

func isOperator(f string) bool {
	for _, o := range rangeOperators {
		if f == o {
			return true
		}
	}
	return false
}

// rangeVersion is one version term of a range.
type rangeVersion struct {
	text   string // Go style, "go" prefix dropped: "1.21rc1", "1.22.x"
	semver string // Masterminds form: "1.21.0-rc.1", "1.22.x"
	pre    bool
}

// parseRangeVersion reads one version term: up to three dot-separated numbers
// or wildcards (no number after a wildcard), or a Go prerelease name.
func parseRangeVersion(s string) (rangeVersion, error) {
	t := strings.TrimPrefix(s, "go")
	if t == "" {
		return rangeVersion{}, fmt.Errorf("missing version")
	}
	if strings.HasPrefix(t, "v") {
		return rangeVersion{}, fmt.Errorf("%q: drop the leading v", s)
	}
	if strings.ContainsAny(t, "abcdefghijklmnopqrstuvwyz") { // names a beta or rc (x is a wildcard)
		p, ok := parseParts(t)
		if !ok || p.kind == "" {
			return rangeVersion{}, fmt.Errorf("%q is not a Go version", s)
		}
		v := Version{name: p.canonical()}
		return rangeVersion{text: v.Number(), semver: v.Semver(), pre: true}, nil
	}
	comps := strings.Split(t, ".")
	if len(comps) > 3 {
		return rangeVersion{}, fmt.Errorf("%q has more than three parts", s)
	}
	wild := false
	for i, c := range comps {
		switch {
		case c == "x" || c == "X" || c == "*":
			wild = true
			comps[i] = "x"
		case wild:
			return rangeVersion{}, fmt.Errorf("%q has a number after a wildcard", s)
		default:
			if _, rest, ok := cutNumber(c); !ok || rest != "" {
				return rangeVersion{}, fmt.Errorf("%q is not a Go version", s)
			}
		}
	}
	if t == "*" {
		return rangeVersion{text: "*", semver: "*"}, nil
	}
	norm := strings.Join(comps, ".")
	return rangeVersion{text: norm, semver: norm}, nil
}

// matches reports whether v is in the range. A beta or rc matches when a
// term of its alternative names a prerelease (semver rules then compare it
// as it is), or when pre is set and the release it previews would match:
// with prereleases allowed, "~1.21" admits go1.21rc2 but not go1.22rc1, the
// way people read Go lines, where plain semver would do the opposite. Bare
// language versions never match, since they name no release.
func (r goRange) matches(v Version, pre bool) bool {
	if v.IsZero() || v.IsLang() {
		return false
	}
	if r.constraint.Check(semverOf(v)) {
		return true
	}
	if !pre || !v.IsPrerelease() {
		return false
	}
	p, _ := parseParts(v.name)
	p.kind, p.pre = "", 0
	p.hasPatch = true
	return r.constraint.Check(semverOf(Version{name: p.canonical()}))
}
