// Package httperr classifies the HTTP answers govm's clients cannot use, in
// one place: the release index and mirror client (pkg/release), the module
// proxy and checksum database client (pkg/modproxy), the archive downloader
// (pkg/download) and self-update all report a refused request with the same
// type, the same message and the same sentinels, so one errors.Is serves
// every layer and the CLI maps them to exit codes once.
package httperr

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Sentinel errors that callers branch on with errors.Is. A *StatusError
// matches exactly one of ErrNotFound and ErrUnavailable, and at most one of
// the finer ErrUnauthorized, ErrRateLimited and ErrServer, which always come
// with ErrUnavailable: code that only asks "try elsewhere or give up?" tests
// the two broad ones, code that explains a failure tests the finer ones.
var (
	// ErrNotFound: the server has no such resource (404 or 410), so asking
	// it again cannot help; a list of sources moves on to the next one.
	// Packages that look things up return it as well when they find
	// nothing without asking a server (pkg/release's and pkg/modproxy's
	// ErrNotFound are this same value).
	ErrNotFound = errors.New("not found")
	// ErrUnavailable: the resource cannot be had from this server now: it
	// could not be reached, or it answered with any status but 404 or 410.
	// A caller may fall back to another source or a cached copy.
	ErrUnavailable = errors.New("source unavailable")
	// ErrUnauthorized: the server refused access (401, 403, or 407 from an
	// HTTP proxy). Asking again without other credentials cannot help.
	ErrUnauthorized = errors.New("access denied")
	// ErrRateLimited: the server asks for fewer requests (429); it may
	// answer later.
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: the server failed (5xx); it may answer later.
	ErrServer = errors.New("server error")
)

// StatusError is an HTTP answer other than the one the client can use
// (typically anything but 200). A local file that does not exist may be
// reported as a 404 StatusError too, so file:// sources fail like web ones.
type StatusError struct {
	// URL is the address as requested. Error shows it without a password.
	URL string
	// Code is the HTTP status code.
	Code int
}

// Error names the request and the answer, then, where there is one that
// does not depend on what was asked for, the way out.
func (e *StatusError) Error() string {
	status := http.StatusText(e.Code)
	if status == "" {
		status = "(unknown status)"
	}
	msg := fmt.Sprintf("GET %s: %d %s", Redact(e.URL), e.Code, status)
	switch e.kind() {
	case ErrUnauthorized:
		msg += "; the server refused access: check the credentials or access rules for this address, or use another source"
	case ErrRateLimited:
		msg += "; the server is limiting requests: wait a few minutes and try again"
	case ErrServer:
		msg += "; the server failed: try again later, or use another source"
	}
	return msg
}

// Unwrap classifies the status (see the sentinels): 404 and 410 are
// ErrNotFound, as the go command treats them for GOPROXY; anything else is
// ErrUnavailable, with the finer sentinel where one applies.
func (e *StatusError) Unwrap() []error {
	switch kind := e.kind(); kind {
	case ErrNotFound:
		return []error{ErrNotFound}
	case nil:
		return []error{ErrUnavailable}
	default:
		return []error{kind, ErrUnavailable}
	}
}

// kind is the finest sentinel for the status, or nil for statuses that have
// none of their own (400, 405, 409, ...: only ErrUnavailable).
func (e *StatusError) kind() error {
	switch c := e.Code; {
	case c == http.StatusNotFound, c == http.StatusGone:
		return ErrNotFound
	case c == http.StatusUnauthorized, c == http.StatusForbidden, c == http.StatusProxyAuthRequired:
		return ErrUnauthorized
	case c == http.StatusTooManyRequests:
		return ErrRateLimited
	case c >= 500 && c <= 599:
		return ErrServer
	}
	return nil
}

// Redact hides the password of a URL that carries one (a GOPROXY such as
// https://user:token@proxy.example.com), so error messages and reports,
// which end up in logs, CI artifacts and bug reports, never show it. Other
// text is returned as it is.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	return u.Redacted()
}
