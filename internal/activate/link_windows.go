//go:build windows

package activate

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// sysLinker is the link implementation of this platform: symbolic links on
// Unix, directory junctions on Windows.
var sysLinker linker = junctioner{}

// junctioner makes `current` a directory junction (a mount-point reparse
// point), which any user may create on NTFS and ReFS.
type junctioner struct{}

func (junctioner) read(link string) (string, error) {
	h, err := openReparse(link, 0)
	if err != nil {
		return "", err
	}
	defer windows.CloseHandle(h)
	buf := make([]byte, maxReparseSize)
	var n uint32
	err = windows.DeviceIoControl(h, windows.FSCTL_GET_REPARSE_POINT, nil, 0, &buf[0], uint32(len(buf)), &n, nil)
	if errors.Is(err, windows.ERROR_NOT_A_REPARSE_POINT) {
		kind := "file"
		if fi, serr := os.Lstat(link); serr == nil && fi.IsDir() {
			kind = "directory"
		}
		return "", fmt.Errorf("%w: %s is a %s", ErrNotALink, link, kind)
	}
	if err != nil {
		return "", fmt.Errorf("read reparse data of %s: %w", link, err)
	}
	mp, perr := parseMountPoint(buf[:n])
	if perr == nil {
		return mp.Target(), nil
	}
	// Another reparse tag (a symbolic link someone made by hand): the os
	// package knows how to read those.
	t, err := os.Readlink(link)
	if err != nil {
		return "", fmt.Errorf("%w: %s is a reparse point govm cannot read (%v)", ErrNotALink, link, perr)
	}
	return t, nil
}

// create builds the junction under a temporary name beside link and renames
// it into place, so no reader ever sees an empty directory at link. The
// rename does not replace anything: if link appeared meanwhile the error
// wraps fs.ErrExist.
func (junctioner) create(link, target string) error {
	data, err := buildMountPoint(target)
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(link), fmt.Sprintf(".%s.tmp-%d-%016x", filepath.Base(link), os.Getpid(), rand.Uint64()))
	tmp16, err := windows.UTF16PtrFromString(tmp)
	if err != nil {
		return err
	}
	if err := windows.CreateDirectory(tmp16, nil); err != nil {
		return fmt.Errorf("create directory %s: %w", tmp, err)
	}
	if err := setReparse(tmp, data); err != nil {
		_ = windows.RemoveDirectory(tmp16)
		if isUnsupported(err) {
			return unsupportedError(link, err)
		}
		return err
	}
	link16, err := windows.UTF16PtrFromString(link)
	if err != nil {
		_ = windows.RemoveDirectory(tmp16)
		return err
	}
	if err := windows.MoveFileEx(tmp16, link16, windows.MOVEFILE_WRITE_THROUGH); err != nil {
		_ = windows.RemoveDirectory(tmp16)
		return fmt.Errorf("rename %s to %s: %w", tmp, link, err)
	}
	return nil
}

// retarget rewrites the reparse data of the existing junction in place: the
// directory entry never disappears, so readers see the old or new target.
func (junctioner) retarget(link, target string) error {
	data, err := buildMountPoint(target)
	if err != nil {
		return err
	}
	if err := setReparse(link, data); err != nil {
		if isUnsupported(err) {
			return unsupportedError(link, err)
		}
		return err
	}
	return nil
}

// remove deletes the junction; RemoveDirectory never follows it.
func (junctioner) remove(link string) error {
	p, err := windows.UTF16PtrFromString(link)
	if err != nil {
		return err
	}
	if err := windows.RemoveDirectory(p); err != nil {
		return fmt.Errorf("remove junction %s: %w", link, err)
	}
	return nil
}

// openReparse opens path itself (not what it points to), as a directory
// handle, with the given access rights.
func openReparse(path string, access uint32) (windows.Handle, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return windows.InvalidHandle, err
	}
	h, err := windows.CreateFile(p, access,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_OPEN_REPARSE_POINT|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return windows.InvalidHandle, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return h, nil
}

// setReparse writes junction reparse data onto the directory at path,
// replacing a mount point that is already there.
func setReparse(path string, data []byte) error {
	h, err := openReparse(path, windows.GENERIC_WRITE)
	if err != nil {
		return err
	}
	defer windows.CloseHandle(h)
	var n uint32
	if err := windows.DeviceIoControl(h, windows.FSCTL_SET_REPARSE_POINT, &data[0], uint32(len(data)), nil, 0, &n, nil); err != nil {
		return fmt.Errorf("set junction data on %s: %w", path, err)
	}
	return nil
}

// isUnsupported reports the answers of filesystems without reparse points:
// ERROR_NOT_SUPPORTED (Wine, some network redirectors) and
// ERROR_INVALID_FUNCTION (FAT and exFAT).
func isUnsupported(err error) bool {
	return errors.Is(err, windows.ERROR_NOT_SUPPORTED) || errors.Is(err, windows.ERROR_INVALID_FUNCTION)
}
