package download

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/govm-dev/govm/pkg/release"
)

// Sentinel errors that callers branch on. ErrNotFound and ErrUnavailable wrap
// the release package's sentinels of the same name, so the CLI's single
// error-to-exit-code mapping covers downloads too.
var (
	// ErrNotFound: the server answered 404 or 410; retrying cannot help.
	ErrNotFound = fmt.Errorf("download: %w", release.ErrNotFound)
	// ErrUnavailable: the server kept failing (5xx, 429, broken connections)
	// after every retry, or refused the request with another 4xx.
	ErrUnavailable = fmt.Errorf("download: %w", release.ErrUnavailable)
	// ErrRestart: the partial file left by an earlier run cannot be
	// continued (the server answered 416, or a Content-Range that does not
	// start where the partial file ends). Its bytes were already written to
	// the caller's writer, so Fetch cannot start over by itself: the caller
	// must discard what it derived from those bytes (hash, extracted files),
	// remove the partial file and call Fetch again.
	ErrRestart = errors.New("download: partial file cannot be resumed; remove it and fetch from the start")
	// ErrSizeMismatch: the resource is larger than Options.Size (Fetch stops
	// before writing the excess), or the server declares a different size.
	ErrSizeMismatch = errors.New("download: size differs from the expected size")
	// ErrIdleTimeout: no byte of the body arrived within the idle timeout.
	// Fetch treats it as transient and resumes; it surfaces only when every
	// retry stalled.
	ErrIdleTimeout = errors.New("download: body stalled (idle timeout)")
)

// StatusError is an HTTP answer Fetch cannot use.
type StatusError struct {
	URL  string
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// Unwrap classifies the status: 404 and 410 are ErrNotFound, anything else
// ErrUnavailable.
func (e *StatusError) Unwrap() error {
	if e.Code == http.StatusNotFound || e.Code == http.StatusGone {
		return ErrNotFound
	}
	return ErrUnavailable
}

// transientStatus reports whether a status may succeed when asked again.
func transientStatus(code int) bool {
	return code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout
}
