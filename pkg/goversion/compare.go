package goversion

import (
	"go/version"
	"slices"
)

// Compare returns -1, 0 or +1 as a sorts before, equal to, or after b in Go's
// release order (go1.21 < go1.21rc1 < go1.21.0 < go1.21.1). The order is
// go/version's; the only addition is for the three legacy patch release
// candidates (go1.9.2rc2), which go/version cannot parse: they sort just
// before the patch release they precede. The zero Version sorts first.
func Compare(a, b Version) int {
	ab, an := splitLegacy(a.name)
	bb, bn := splitLegacy(b.name)
	if c := version.Compare(ab, bb); c != 0 {
		return c
	}
	switch {
	case an == bn:
		return 0
	case an == 0: // a is the final release, b one of its candidates
		return +1
	case bn == 0:
		return -1
	case an < bn:
		return -1
	default:
		return +1
	}
}

// Less reports whether a sorts before b; handy for slices.SortFunc wrappers.
func Less(a, b Version) bool { return Compare(a, b) < 0 }

// Sort orders vs newest first, the order list-remote and Resolve use.
func Sort(vs []Version) {
	slices.SortStableFunc(vs, func(a, b Version) int { return Compare(b, a) })
}

// Newest returns the newest of vs, or false when vs is empty.
func Newest(vs []Version) (Version, bool) {
	if len(vs) == 0 {
		return Version{}, false
	}
	return slices.MaxFunc(vs, Compare), true
}

// NewestStable returns the newest final release in vs (no betas, release
// candidates or bare language versions), or false when there is none.
func NewestStable(vs []Version) (Version, bool) {
	var best Version
	for _, v := range vs {
		if !v.IsZero() && !v.IsPrerelease() && (best.IsZero() || Compare(v, best) > 0) {
			best = v
		}
	}
	return best, !best.IsZero()
}
