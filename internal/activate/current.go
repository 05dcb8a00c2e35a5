package activate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// linker is the set of low-level operations on one kind of link (symlink,
// junction, or a fake in tests). The switching rules in readCurrent and
// setCurrent are written once against it, so they can be tested where the
// real link kind is unavailable (junctions under Wine).
type linker interface {
	// read returns the stored target of link, possibly relative to the
	// link's directory. It wraps fs.ErrNotExist when nothing is at link and
	// ErrNotALink when a real file or directory is.
	read(link string) (string, error)
	// create makes a new link at link pointing to the absolute target. It
	// wraps fs.ErrExist when something appeared at link meanwhile.
	create(link, target string) error
	// retarget points the existing link at the absolute target.
	retarget(link, target string) error
	// remove deletes the link itself, never what it points to.
	remove(link string) error
}

// ReadCurrent returns the absolute, clean target of the current link.
//
// Errors wrap ErrNoCurrent when nothing is at link, ErrNotALink when a real
// file or directory is, and ErrBrokenLink when the target is missing or not a
// directory; in every case the error is a *LinkError, whose Target holds the
// dangling target for a broken link.
func ReadCurrent(link string) (target string, err error) {
	return readCurrent(sysLinker, link)
}

// SetCurrent points link at target, which must be an existing directory,
// creating the link if it does not exist. It refuses (ErrNotALink) to replace
// a real file or directory at link.
//
// On Unix the link is created beside link under a unique temporary name and
// renamed over it, so `current` is never missing, even when several processes
// race (the last rename wins). The stored target is relative when target lies
// inside link's directory (the normal layout, current -> versions/go1.22.5),
// so the home can be moved or mounted elsewhere without breaking the link;
// otherwise it is absolute.
//
// On Windows the link is a directory junction, which always stores an
// absolute path. An existing junction is retargeted by rewriting its reparse
// data in place; when that fails it is deleted and created again, which
// leaves a short gap, so callers hold the home's `current` lock. A volume
// without junctions yields an error wrapping ErrLinksUnsupported.
func SetCurrent(link, target string) error {
	return setCurrent(sysLinker, link, target)
}

func readCurrent(l linker, link string) (string, error) {
	link, err := filepath.Abs(link)
	if err != nil {
		return "", &LinkError{Op: "read", Link: link, Err: err}
	}
	raw, err := l.read(link)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", &LinkError{Op: "read", Link: link, Err: ErrNoCurrent}
	case err != nil:
		return "", &LinkError{Op: "read", Link: link, Err: err}
	}
	target := raw
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(link), target)
	}
	target = filepath.Clean(target)
	fi, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", &LinkError{Op: "read", Link: link, Target: target, Err: ErrBrokenLink}
	case err != nil:
		return "", &LinkError{Op: "read", Link: link, Target: target, Err: err}
	case !fi.IsDir():
		return "", &LinkError{Op: "read", Link: link, Target: target, Err: fmt.Errorf("%w: target is not a directory", ErrBrokenLink)}
	}
	return target, nil
}

func setCurrent(l linker, link, target string) error {
	link, err := filepath.Abs(link)
	if err != nil {
		return &LinkError{Op: "set", Link: link, Target: target, Err: err}
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return &LinkError{Op: "set", Link: link, Target: target, Err: err}
	}
	abs = filepath.Clean(abs)
	fi, err := os.Stat(abs)
	if err != nil {
		return &LinkError{Op: "set", Link: link, Target: abs, Err: fmt.Errorf("target: %w", err)}
	}
	if !fi.IsDir() {
		return &LinkError{Op: "set", Link: link, Target: abs, Err: errors.New("target is not a directory")}
	}
	_, err = l.read(link)
	switch {
	case err == nil:
		return retargetOrReplace(l, link, abs)
	case errors.Is(err, fs.ErrNotExist):
		err = l.create(link, abs)
		if errors.Is(err, fs.ErrExist) {
			// Another process created the link between our read and create.
			return retargetOrReplace(l, link, abs)
		}
		if err != nil {
			return &LinkError{Op: "set", Link: link, Target: abs, Err: err}
		}
		return nil
	default:
		return &LinkError{Op: "set", Link: link, Target: abs, Err: err}
	}
}

// retargetOrReplace repoints an existing link, falling back to delete and
// create when the in-place rewrite fails (a Windows symlink where a junction
// was expected, a filesystem that refuses the rewrite).
func retargetOrReplace(l linker, link, target string) error {
	err := l.retarget(link, target)
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrLinksUnsupported) || errors.Is(err, ErrNotALink) {
		return &LinkError{Op: "set", Link: link, Target: target, Err: err}
	}
	if rmErr := l.remove(link); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
		return &LinkError{Op: "set", Link: link, Target: target, Err: fmt.Errorf("retarget failed (%w), and removing the old link failed: %w", err, rmErr)}
	}
	if cErr := l.create(link, target); cErr != nil {
		return &LinkError{Op: "set", Link: link, Target: target, Err: fmt.Errorf("retarget failed (%w), and creating the link again failed: %w", err, cErr)}
	}
	return nil
}
