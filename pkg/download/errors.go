package download

import (
	"errors"
	"net/http"
)

// Sentinel errors that callers branch on. A refused request or a missing
// file is reported with package httperr's sentinels instead, which every
// govm client shares, so the CLI's single error-to-exit-code mapping covers
// downloads too: a 404 or 410 answer is a *httperr.StatusError matching
// httperr.ErrNotFound, and so is a missing local file; a server that kept
// failing (5xx, 429, broken connections) after every retry, or refused the
// request with another 4xx, matches httperr.ErrUnavailable.
var (
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

// transientStatus reports whether a status may succeed when asked again.
func transientStatus(code int) bool {
	return code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout
}
