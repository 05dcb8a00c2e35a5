package goversion

import (
	"errors"
	"fmt"
	"go/version"
)

// ErrNoMatch is wrapped by Resolve when no available release satisfies the
// request; the message names the request and the closest releases.
var ErrNoMatch = errors.New("no Go release matches")

// ResolveOptions tunes matching.
type ResolveOptions struct {
	// Pre lets betas and release candidates match requests that do not name
	// one (lines, latest, ranges, minimums). Exact requests and range terms
	// that name a prerelease match it without this.
	Pre bool
}

// Matches reports whether an installed release v satisfies r.
//
// Exact: v is that release. Line: v is on the line. Range: v is in it.
// Minimum: v is at least the minimum (any newer toolchain will do, as under
// GOTOOLCHAIN=auto); a prerelease of the minimum's own line counts, since the
// go command accepts go1.22rc1 for "go 1.22". Latest, stable and oldstable
// name a position in a catalogue, so without one any stable release
// satisfies them; call Resolve with the catalogue to learn which one they
// name. Prereleases satisfy non-exact requests only as ResolveOptions
// describes, and bare language versions ("go1.22") never satisfy anything
// but a minimum they meet.
func (r Request) Matches(v Version, opts ResolveOptions) bool {
	if v.IsZero() {
		return false
	}
	stableOK := !v.IsPrerelease() || opts.Pre
	switch r.kind {
	case KindExact:
		return Compare(v, r.v) == 0
	case KindLine:
		return v.Lang() == r.lang && stableOK && !v.IsLang()
	case KindLatest, KindOldstable:
		return stableOK && !v.IsLang()
	case KindRange:
		return r.rng.matches(v, opts.Pre)
	case KindMinimum:
		return Compare(v, r.v) >= 0 && (stableOK || v.Lang() == r.v.Lang())
	}
	return false
}

// Resolve picks the release r names from available (any order): the newest
// that matches for lines, latest, ranges; the one named for exact requests;
// for oldstable the newest stable release of the newest line below the
// newest stable one; and for a minimum, the release the go command would
// switch to under GOTOOLCHAIN=auto — the named release itself, or for a bare
// language version of Go 1.21 or later ("go 1.22") its first release
// go1.22.0. When nothing fits, the error wraps ErrNoMatch and names the
// request and the closest available releases.
func (r Request) Resolve(available []Version, opts ResolveOptions) (Version, error) {
	var best Version
	switch r.kind {
	case KindExact:
		best = find(available, r.v)
	case KindMinimum:
		best = find(available, r.switchTarget())
	case KindOldstable:
		best = oldstable(available)
	case KindLine, KindLatest, KindRange:
		for _, v := range available {
			if r.Matches(v, opts) && (best.IsZero() || Compare(v, best) > 0) {
				best = v
			}
		}
	default:
		return Version{}, fmt.Errorf("%w: empty request", ErrInvalid)
	}
	if best.IsZero() {
		return Version{}, r.noMatch(available, opts)
	}
	return best, nil
}

// switchTarget is the release the go command downloads for a minimum:
// cmd/go/internal/toolchain appends ".0" to a language version >= 1.21.
func (r Request) switchTarget() Version {
	if r.v.IsLang() {
		return Version{name: r.v.name + ".0"}
	}
	return r.v
}

// find returns the element of vs equal to want, or the zero Version.
func find(vs []Version, want Version) Version {
	for _, v := range vs {
		if Compare(v, want) == 0 {
			return v
		}
	}
	return Version{}
}

// oldstable returns the newest stable release of the newest line older than
// the newest stable release's line, or the zero Version.
func oldstable(vs []Version) Version {
	newest, ok := NewestStable(vs)
	if !ok {
		return Version{}
	}
	var best Version
	for _, v := range vs {
		if v.IsZero() || v.IsPrerelease() || version.Compare(v.Lang(), newest.Lang()) >= 0 {
			continue
		}
		if best.IsZero() || Compare(v, best) > 0 {
			best = v
		}
	}
	return best
}

// noMatch builds the ErrNoMatch error with the closest releases as hints.
func (r Request) noMatch(available []Version, opts ResolveOptions) error {
	newest, ok := NewestStable(available)
	if !ok {
		if n, ok := Newest(available); ok {
			newest = n
		} else {
			return fmt.Errorf("%w %q: no releases are available; see govm list-remote", ErrNoMatch, r.text)
		}
	}
	hint := "newest is " + newest.String()
	if near := r.nearest(available); !near.IsZero() {
		hint = fmt.Sprintf("newest of %s is %s", near.Lang(), near)
		if Compare(near, newest) != 0 {
			hint += ", newest overall is " + newest.String()
		}
	}
	if !opts.Pre && r.kind != KindExact {
		var pre Version
		for _, v := range available {
			if v.IsPrerelease() && r.Matches(v, ResolveOptions{Pre: true}) && (pre.IsZero() || Compare(v, pre) > 0) {
				pre = v
			}
		}
		if !pre.IsZero() {
			hint += fmt.Sprintf("; prerelease %s matches if prereleases are allowed", pre)
		}
	}
	return fmt.Errorf("%w %q: %s; see govm list-remote", ErrNoMatch, r.text, hint)
}

// nearest returns the newest release on the line r is about, if r names a
// single line and available has one there.
func (r Request) nearest(available []Version) Version {
	var lang string
	switch r.kind {
	case KindExact, KindMinimum:
		lang = r.v.Lang()
	case KindLine:
		lang = r.lang
	default:
		return Version{}
	}
	var best Version
	for _, v := range available {
		if v.Lang() == lang && !v.IsLang() && (best.IsZero() || Compare(v, best) > 0) {
			best = v
		}
	}
	return best
}
