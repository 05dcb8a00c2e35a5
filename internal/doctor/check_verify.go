package doctor

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/govm-dev/govm/pkg/store"
)

func init() {
	register(Check{
		ID:       "GOVM-VERIFY",
		Category: CatGovm,
		Title:    "the active version's files match what was installed",
		// Re-hashing a GOROOT (~15k files, ~250 MB) takes seconds on a cold cache.
		Timeout: 2 * time.Minute,
		Run:     checkVerify,
	})
}

// maxListed bounds the paths a message names; Details has them all.
const maxListed = 5

func checkVerify(ctx context.Context, e *Env) []Finding {
	v, _, err := e.active()
	if err != nil || v.IsZero() {
		return nil // GOVM-CURRENT reports it
	}
	key := store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH}
	rep, err := store.New(e.Home.Versions()).Verify(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotInstalled):
		return nil // GOVM-CURRENT reports it
	case errors.Is(err, store.ErrBadManifest):
		return []Finding{{Severity: Warning, Details: map[string]any{"version": v.String()},
			Message: fmt.Sprintf("%s cannot be verified: its manifest is missing or damaged (%v)", v, err),
			Fix:     fmt.Sprintf("govm install --force %s", v.Number())}}
	case err != nil:
		return []Finding{{Severity: Error, Details: map[string]any{"version": v.String()},
			Message: fmt.Sprintf("cannot verify %s: %v", v, err),
			Fix:     "govm verify " + v.Number()}}
	}
	details := map[string]any{"version": v.String(), "checked": rep.Checked,
		"missing": nonNil(rep.Missing), "changed": nonNil(rep.Changed), "extra": nonNil(rep.Extra)}
	if len(rep.Missing) == 0 && len(rep.Changed) == 0 {
		msg := fmt.Sprintf("%s: all %d files match", v, rep.Checked)
		if len(rep.Extra) > 0 {
			// Extra files are usually build caches or tools a user added;
			// they do not change what runs, so they are not a problem.
			msg += fmt.Sprintf(" (%s, not part of the release)", count(len(rep.Extra), "extra file", "extra files"))
		}
		return []Finding{{Severity: OK, Details: details, Message: msg}}
	}
	var parts []string
	if n := len(rep.Missing); n > 0 {
		parts = append(parts, fmt.Sprintf("%d missing (%s)", n, listSome(rep.Missing)))
	}
	if n := len(rep.Changed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d changed (%s)", n, listSome(rep.Changed)))
	}
	msg := fmt.Sprintf("%s is damaged: %s", v, strings.Join(parts, ", "))
	if len(rep.Missing) > 0 {
		msg += "; antivirus software often quarantines freshly unpacked go.exe files"
	}
	return []Finding{{Severity: Error, Details: details, Message: msg,
		Fix: fmt.Sprintf("govm install --force %s (and exclude %s from antivirus scanning)", v.Number(), e.Home.Versions())}}
}

// listSome names the first few paths of a list.
func listSome(paths []string) string {
	if len(paths) <= maxListed {
		return strings.Join(paths, ", ")
	}
	return strings.Join(paths[:maxListed], ", ") + fmt.Sprintf(", and %d more", len(paths)-maxListed)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
