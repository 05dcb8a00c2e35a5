package activate

import (
	"errors"
	"fmt"
)

// Sentinels callers branch on; every error of this package that reports one
// of these states wraps the matching sentinel inside a *LinkError.
var (
	// ErrNoCurrent means nothing exists at the link path: no version is active.
	ErrNoCurrent = errors.New("no current version")
	// ErrBrokenLink means the link exists but its target is missing (or is not
	// a directory): a version was removed behind govm's back.
	ErrBrokenLink = errors.New("current link is broken")
	// ErrNotALink means a real file or directory sits at the link path.
	// govm never deletes it: it may hold a user's data.
	ErrNotALink = errors.New("not a link")
	// ErrLinksUnsupported means the volume cannot hold the link (Windows
	// junctions on FAT, exFAT or network paths).
	ErrLinksUnsupported = errors.New("links unsupported")
)

// LinkError describes a failed operation on the current link.
type LinkError struct {
	// Op is "read" or "set".
	Op string
	// Link is the path of the current link.
	Link string
	// Target is the link's absolute target when known (always for
	// ErrBrokenLink), or the requested target for "set".
	Target string
	// Err is one of the package sentinels or an underlying OS error.
	Err error
}

// Error names the link, the target when known, and the cause.
func (e *LinkError) Error() string {
	switch {
	case errors.Is(e.Err, ErrBrokenLink):
		return fmt.Sprintf("%s link %s: target %s is missing; run 'govm use VERSION' to repoint it", e.Op, e.Link, e.Target)
	case errors.Is(e.Err, ErrNotALink):
		return fmt.Sprintf("%s link %s: %v: a real file or directory is in the way; move it aside and run 'govm use VERSION'", e.Op, e.Link, e.Err)
	case e.Target != "":
		return fmt.Sprintf("%s link %s -> %s: %v", e.Op, e.Link, e.Target, e.Err)
	}
	return fmt.Sprintf("%s link %s: %v", e.Op, e.Link, e.Err)
}

// Unwrap returns the sentinel or OS error.
func (e *LinkError) Unwrap() error { return e.Err }

// unsupportedError explains that the volume holding link cannot hold a
// junction and how to run govm without one.
func unsupportedError(link string, cause error) error {
	return fmt.Errorf("%w: the volume holding %s does not support junctions (FAT, exFAT and network drives do not); "+
		"use shim mode instead: govm setup --shims (%v)", ErrLinksUnsupported, link, cause)
}
