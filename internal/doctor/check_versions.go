package doctor

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
)

func init() {
	register(Check{
		ID:       "VERSIONS-SUPPORT",
		Category: CatVersions,
		Title:    "the active Go release is supported and has no newer patch",
		Run:      checkVersions,
	})
}

// supportedLines is how many major releases the Go team supports with
// security fixes: the two newest.
const supportedLines = 2

func checkVersions(ctx context.Context, e *Env) []Finding {
	v := e.running().Version
	if v.IsZero() {
		v, _, _ = e.active()
	}
	if v.IsZero() {
		return []Finding{{Severity: OK, Message: "no active Go release to compare"}}
	}
	if e.Releases == nil {
		return []Finding{{Severity: Info, Message: "no release index is available to compare " + v.String() + " against",
			Fix: "govm doctor --online VERSIONS-SUPPORT"}}
	}
	rels, err := e.Releases(ctx)
	if errors.Is(err, release.ErrUnavailable) {
		return []Finding{{Severity: Info, Message: "no cached release index to compare " + v.String() + " with (doctor stays offline unless asked)",
			Fix: "govm doctor --online VERSIONS-SUPPORT (or govm list-remote, which caches the index)"}}
	}
	if err != nil {
		return []Finding{{Severity: Info, Message: fmt.Sprintf("cannot compare %s with the release index: %v", v, err),
			Fix: "govm doctor --online VERSIONS-SUPPORT (or govm list-remote, which caches the index)"}}
	}
	return judgeVersion(v, stableVersions(rels))
}

// stableVersions returns the stable releases of an index.
func stableVersions(rels []release.Release) []goversion.Version {
	var out []goversion.Version
	for _, r := range rels {
		if v, err := goversion.Parse(r.Version); err == nil && r.Stable && !v.IsPrerelease() {
			out = append(out, v)
		}
	}
	return out
}

// judgeVersion compares v with the stable releases: is its major release
// among the supported ones, and is there a newer patch of it?
func judgeVersion(v goversion.Version, stable []goversion.Version) []Finding {
	if len(stable) == 0 {
		return []Finding{{Severity: Info, Message: "the release index lists no stable release", Fix: "govm doctor --online VERSIONS-SUPPORT"}}
	}
	goversion.Sort(stable) // newest first
	var lines []string
	newestIn := map[string]goversion.Version{}
	for _, s := range stable {
		if _, ok := newestIn[s.Lang()]; !ok {
			newestIn[s.Lang()] = s
			lines = append(lines, s.Lang())
		}
	}
	supported := lines[:min(supportedLines, len(lines))]
	details := map[string]any{"version": v.String(), "supported": supported, "newest": stable[0].String()}
	newest := stable[0]
	if v.IsPrerelease() {
		if final, ok := newestIn[v.Lang()]; ok {
			return []Finding{{Severity: Warning, Details: details,
				Message: fmt.Sprintf("%s is a prerelease, and %s is out", v, final),
				Fix:     fmt.Sprintf("govm install %s && govm use %s", final.Number(), final.Number())}}
		}
		return []Finding{{Severity: Info, Details: details, Message: fmt.Sprintf("%s is a prerelease; the newest stable release is %s", v, newest)}}
	}
	if !slices.Contains(supported, v.Lang()) && goversion.Less(v, newest) {
		return []Finding{{Severity: Warning, Details: details,
			Message: fmt.Sprintf("%s is no longer supported: security fixes go only to the two newest major releases (%s)", v, joinLines(supported)),
			Fix:     fmt.Sprintf("govm install %s && govm use %s", newestIn[supported[len(supported)-1]].Number(), newestIn[supported[len(supported)-1]].Number())}}
	}
	if latest, ok := newestIn[v.Lang()]; ok && goversion.Less(v, latest) {
		details["newer_patch"] = latest.String()
		return []Finding{{Severity: Info, Details: details,
			Message: fmt.Sprintf("%s has a newer patch release, %s (patch releases carry security fixes)", v, latest),
			Fix:     fmt.Sprintf("govm install %s && govm use %s", latest.Number(), latest.Number())}}
	}
	return []Finding{{Severity: OK, Details: details, Message: fmt.Sprintf("%s is the newest patch of a supported release", v)}}
}

func joinLines(langs []string) string {
	if len(langs) == 2 {
		return langs[0] + " and " + langs[1]
	}
	return fmt.Sprint(langs)
}
