package goversion

import (
	"fmt"

	"github.com/Masterminds/semver/v3"
)

// Semver maps v to a semantic version so that semver ranges can be evaluated
// over Go releases. The mapping keeps Go's order (go/version's) intact:
//
//	go1               -> 1.0.0
//	go1.20, go1.2     -> 1.20.0, 1.2.0     (first release of a pre-1.21 line)
//	go1.22.5          -> 1.22.5
//	go1.21rc1         -> 1.21.0-rc.1
//	go1.9beta2        -> 1.9.0-beta.2
//	go1.9.2rc2        -> 1.9.2-rc.2        (legacy patch release candidate)
//	go1.21 (language) -> 1.21.0-0
//
// A bare language version (Go 1.21 and later) names no release: "-0" makes
// it a prerelease that sorts before every beta and rc of its line (numeric
// prerelease identifiers sort before alphanumeric ones), so a range without
// a prerelease term never matches it. It returns "" for the zero Version.
func (v Version) Semver() string {
	p, ok := parseParts(v.name)
	if !ok {
		return ""
	}
	s := fmt.Sprintf("1.%d.%d", p.minor, p.patch)
	switch {
	case p.kind != "":
		s += fmt.Sprintf("-%s.%d", p.kind, p.pre)
	case p.isLang():
		s += "-0"
	}
	return s
}

// semverOf is Semver parsed for Masterminds; nil for the zero Version.
func semverOf(v Version) *semver.Version {
	s := v.Semver()
	if s == "" {
		return nil
	}
	sv, err := semver.StrictNewVersion(s)
	if err != nil {
		// Semver only renders numbers of at most maxDigits digits and fixed
		// identifiers, which always parse; a failure is a bug in Semver.
		panic(fmt.Sprintf("goversion: %s maps to unparsable semver %q: %v", v, s, err))
	}
	return sv
}
