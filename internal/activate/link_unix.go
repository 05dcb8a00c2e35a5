//go:build unix

package activate

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/govm-dev/govm/internal/fsx"
)

// sysLinker is the link implementation of this platform: symbolic links on
// Unix, directory junctions on Windows.
var sysLinker linker = symlinker{}

// symlinker makes `current` a symbolic link, replaced by rename(2).
type symlinker struct{}

func (symlinker) read(link string) (string, error) {
	t, err := os.Readlink(link)
	if err == nil {
		return t, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if fi, lerr := os.Lstat(link); lerr == nil {
		return "", fmt.Errorf("%w: %s is a %s", ErrNotALink, link, kindOf(fi))
	}
	return "", err
}

// create and retarget are the same operation on Unix: rename(2) replaces
// an existing link atomically and creates a missing one.
func (s symlinker) create(link, target string) error { return s.replace(link, target) }

func (s symlinker) retarget(link, target string) error { return s.replace(link, target) }

func (symlinker) remove(link string) error { return os.Remove(link) }

// replace builds the new link under a name unique to this call (so racing
// processes never share one) and renames it over link.
func (symlinker) replace(link, target string) error {
	dir := filepath.Dir(link)
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d-%016x", filepath.Base(link), os.Getpid(), rand.Uint64()))
	if err := os.Symlink(linkText(dir, target), tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, link); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	// The switch is done; a failed directory sync only weakens durability
	// across a power loss, which is not worth reporting as a failed switch.
	_ = fsx.SyncDir(dir)
	return nil
}

// linkText is what the symlink stores: the path relative to the link's
// directory when target lies below it, so moving the whole home keeps the
// link valid; otherwise the absolute path, because a relative path that
// climbs with ".." would resolve differently when dir is reached through
// another symlink.
func linkText(dir, target string) string {
	rel, err := filepath.Rel(dir, target)
	if err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return target
}

// kindOf names what sits at a path for error messages.
func kindOf(fi fs.FileInfo) string {
	if fi.IsDir() {
		return "directory"
	}
	return "file"
}
