package modproxy

import (
	"errors"
	"fmt"

	"github.com/govm-dev/govm/pkg/httperr"
)

// Sentinel errors that callers branch on with errors.Is.
var (
	// ErrNotFound: no proxy has the module, version or list (404/410), or
	// the checksum database has no record of it. It is httperr.ErrNotFound,
	// which the *httperr.StatusError of a 404 or 410 matches, and the same
	// value as release.ErrNotFound: one errors.Is serves every layer.
	ErrNotFound = httperr.ErrNotFound
	// ErrUnavailable: a server could not be reached or answered with an
	// error other than 404/410. It is httperr.ErrUnavailable, for the same
	// reason as ErrNotFound.
	ErrUnavailable = httperr.ErrUnavailable
	// ErrVerification: a checksum database signature, tree proof or record,
	// or a downloaded file's hash, did not verify.
	ErrVerification = errors.New("verification failed")
	// ErrInsecure: checksum verification is turned off for the module
	// (GOSUMDB=off, GONOSUMDB, GOPRIVATE, GONOSUMCHECK).
	ErrInsecure = errors.New("checksum verification disabled")
	// ErrMalformed: a server answered with data that does not parse, or
	// that is larger than any legitimate answer.
	ErrMalformed = errors.New("malformed response")
	// ErrConfig: a GOPROXY, GOSUMDB or related value is invalid.
	ErrConfig = errors.New("invalid configuration")
	// ErrProxyOff: GOPROXY=off forbids downloads. Errors that wrap it also
	// match ErrUnavailable, so callers that fall back to another source on
	// "unavailable" skip a proxy the user switched off.
	ErrProxyOff = errors.New("GOPROXY=off disallows downloads")
)

// proxyOffError is the error for a download that GOPROXY=off forbids.
type proxyOffError struct{ modulePath string }

func (e proxyOffError) Error() string {
	return fmt.Sprintf("%v of %s (set GOPROXY to a proxy, e.g. https://proxy.golang.org)", ErrProxyOff, e.modulePath)
}

// Is makes the error match both ErrProxyOff and ErrUnavailable.
func (e proxyOffError) Is(target error) bool {
	return target == ErrProxyOff || target == ErrUnavailable
}
