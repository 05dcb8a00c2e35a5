//go:build !windows

package homeperm

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Secure makes root, the machine-wide home, writable by root only: when
// the caller is root it creates root if missing (0755), gives it to root
// and clears the group and world write bits of root and of its versions
// and bin directories. Other users cannot do that, and need not: the home
// they write is their own. It is cheap (three stats when nothing needs
// changing), so administrators' commands call it every time, which also
// repairs a home made by an older govm.
//
// Only root itself is given to root. A versions or bin directory another
// user owns may hold a planted toolchain, and re-owning it would hide
// that: the returned error is an *Unsafe naming it.
func Secure(root string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	var unsafe error
	for _, dir := range []string{root, filepath.Join(root, "versions"), filepath.Join(root, "bin")} {
		fi, err := os.Stat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			continue
		}
		if st.Uid != 0 && dir != root {
			if unsafe == nil {
				unsafe = &Unsafe{Dir: dir, Reason: Check(dir, fi)}
			}
			continue
		}
		if st.Uid != 0 {
			if err := os.Chown(dir, 0, -1); err != nil {
				return err
			}
		}
		if fi.Mode().Perm()&0o022 != 0 {
			if err := os.Chmod(dir, fi.Mode()&(fs.ModePerm|fs.ModeSetgid|fs.ModeSticky)&^0o022); err != nil {
				return err
			}
		}
	}
	return unsafe
}

// Check says why dir, which fi describes (from os.Stat, so links are
// followed to what they name), can be written by users other than root and
// the caller, or "" when it cannot. On Unix it needs nothing but fi: the
// shim calls it on the stat it already made.
func Check(dir string, fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "its owner cannot be read"
	}
	return judgeMode(st.Uid, uint32(os.Geteuid()), fi.Mode())
}

// CheckHome returns an *Unsafe when the machine-wide home at root lets
// users other than root (and the caller) change its versions: root itself
// (where versions could be renamed and replaced between a check and a run)
// or root/versions, which versionsInfo describes (from os.Stat). It costs
// one stat, of root: readers of the store have already stat'ed versions.
func CheckHome(root string, versionsInfo fs.FileInfo) error {
	versions := filepath.Join(root, "versions")
	if why := Check(versions, versionsInfo); why != "" {
		return &Unsafe{Dir: versions, Reason: why}
	}
	fi, err := os.Stat(root)
	if err != nil {
		return &Unsafe{Dir: root, Reason: err.Error()}
	}
	if why := Check(root, fi); why != "" {
		return &Unsafe{Dir: root, Reason: why}
	}
	return nil
}

// CheckFile says why the file at path, the machine config that sets the
// policy for every user, can be changed by users other than root and the
// caller, or "" when it cannot: the file (followed through links) must pass
// Check, and so must the directories holding path and the file it names,
// where it could be replaced (a sticky one is fine, see judgeFileDir).
func CheckFile(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "it cannot be read: " + err.Error()
	}
	if why := Check(path, fi); why != "" {
		return why
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "it cannot be resolved: " + err.Error()
	}
	dirs := []string{filepath.Dir(path)}
	if d := filepath.Dir(real); d != dirs[0] {
		dirs = append(dirs, d)
	}
	self := uint32(os.Geteuid())
	for _, dir := range dirs {
		dfi, err := os.Stat(dir)
		if err != nil {
			return "its directory cannot be read: " + err.Error()
		}
		st, ok := dfi.Sys().(*syscall.Stat_t)
		if !ok {
			return "the owner of its directory " + dir + " cannot be read"
		}
		if why := judgeFileDir(st.Uid, self, dfi.Mode()); why != "" {
			return "its directory " + dir + " could have it replaced: " + why
		}
	}
	return ""
}
