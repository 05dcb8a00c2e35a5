package cli

import (
	"fmt"
	"testing"

	"github.com/govm-dev/govm/pkg/httperr"
	"github.com/govm-dev/govm/pkg/modproxy"
	"github.com/govm-dev/govm/pkg/release"
	"github.com/govm-dev/govm/pkg/scan"
)

// TestExitCodeOfHTTPAnswers pins the exit codes of refused requests, which
// every client reports as *httperr.StatusError: scripts branch on them.
func TestExitCodeOfHTTPAnswers(t *testing.T) {
	status := func(code int) error {
		return &httperr.StatusError{URL: "https://go.dev/dl/?mode=json&include=all", Code: code}
	}
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"index 404", fmt.Errorf("fetch release index: %w", status(404)), ExitNotFound},
		{"archive 410", fmt.Errorf("fetch x: %w", status(410)), ExitNotFound},
		{"no such release", fmt.Errorf("%w: go.dev has no release go9.9.9", release.ErrNotFound), ExitNotFound},
		{"proxy without the module", fmt.Errorf("direct: %w: only from its origin", modproxy.ErrNotFound), ExitNotFound},
		{"server error", fmt.Errorf("fetch x: giving up: %w: %w", httperr.ErrUnavailable, status(503)), ExitError},
		{"forbidden", status(403), ExitError},
		{"rate limited", status(429), ExitError},
		// A module missing from the proxy during a scan is an error, as it
		// is in the module cache with --offline.
		{"scan: module on no proxy", fmt.Errorf("%w (%w)", fmt.Errorf("go.mod of m@v1: %w", status(404)), scan.ErrNotFound), ExitError},
		{"scan: module checksum", fmt.Errorf("%w (%w)", modproxy.ErrVerification, scan.ErrChecksum), ExitVerify},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("%s: exitCode(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
}
