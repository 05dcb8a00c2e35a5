package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/govm-dev/govm/internal/policy"
	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/pkg/download"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/httperr"
	"github.com/govm-dev/govm/pkg/modproxy"
	"github.com/govm-dev/govm/pkg/release"
	"github.com/govm-dev/govm/pkg/scan"
	"github.com/govm-dev/govm/pkg/store"
)

// Exit codes, documented in docs/exit-codes.md. Scripts branch on these, so
// they never change meaning.
const (
	ExitOK          = 0   // success
	ExitError       = 1   // any other failure: network, disk, a source that answers garbage
	ExitUsage       = 2   // bad command line: unknown flag, malformed version or constraint
	ExitVerify      = 3   // a hash, signature or checksum-database proof did not verify, or verification is off
	ExitNotFound    = 4   // no such release, platform archive, or installed version
	ExitPolicy      = 5   // denied by the machine policy
	ExitInterrupted = 130 // interrupted (Ctrl+C, SIGTERM)
)

// usageError marks a mistake in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// exitError carries an exit code chosen by a command that is not an error
// in itself (a health check that found problems, say): nothing is printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// errNotInstalled is wrapped when a command needs a version (or a program)
// that is not there: exit 4, like any other "not found".
var errNotInstalled = errors.New("not installed")

// notFoundError carries a complete message and maps to ExitNotFound.
type notFoundError struct{ msg string }

func (e notFoundError) Error() string { return e.msg }
func (e notFoundError) Unwrap() error { return errNotInstalled }

func notFoundf(format string, args ...any) error {
	return notFoundError{fmt.Sprintf(format, args...)}
}

// exitCode maps an error to its documented exit code, in one place.
func exitCode(err error) int {
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &ue), errors.Is(err, goversion.ErrInvalid):
		return ExitUsage
	case errors.Is(err, policy.ErrDenied):
		return ExitPolicy
	case errors.Is(err, release.ErrVerification), errors.Is(err, release.ErrInsecure),
		errors.Is(err, scan.ErrChecksum), errors.Is(err, modproxy.ErrVerification),
		// An archive longer or shorter than its trusted index entry says is
		// altered, not merely unavailable.
		errors.Is(err, download.ErrSizeMismatch):
		return ExitVerify
	case errors.Is(err, scan.ErrNotFound):
		// A module a scan needs that no source has breaks the scan: an
		// error, as with --offline, not "no such release". It is checked
		// first because a proxy's 404 also matches httperr.ErrNotFound.
		return ExitError
	case errors.Is(err, httperr.ErrNotFound), errors.Is(err, goversion.ErrNoMatch),
		errors.Is(err, errNotInstalled), errors.Is(err, store.ErrNotInstalled), errors.Is(err, shim.ErrNoToolchain):
		return ExitNotFound
	default:
		return ExitError
	}
}
