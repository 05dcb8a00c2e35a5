//go:build !windows

package homeperm

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func statOf(t *testing.T, path string) (os.FileInfo, *syscall.Stat_t) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi, fi.Sys().(*syscall.Stat_t)
}

// Check on real directories. Root ignores permission bits, so the test
// asserts on what Check reads (owner, mode), not on writes failing.
func TestCheckDirs(t *testing.T) {
	dir := tempdir.New(t)
	for _, tt := range []struct {
		name string
		mode os.FileMode
		want string
	}{
		{"0755", 0o755, ""},
		{"0555", 0o555, ""},
		{"0775", 0o775, "group-writable"},
		{"0777", 0o777, "world-writable"},
		{"1777", os.ModeSticky | 0o777, "world-writable"},
	} {
		d := filepath.Join(dir, tt.name)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, tt.mode); err != nil {
			t.Fatal(err)
		}
		fi, _ := statOf(t, d)
		got := Check(d, fi)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("Check(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if os.Geteuid() != 0 {
		return
	}
	// Owned by someone else: only root can arrange that.
	d := filepath.Join(dir, "other")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(d, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	fi, _ := statOf(t, d)
	if got := Check(d, fi); !strings.Contains(got, "owned by uid 4242") {
		t.Errorf("Check(uid 4242) = %q", got)
	}
}

func TestSecureAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("Secure changes nothing unless run as root")
	}
	dir := tempdir.New(t)

	// Created when missing, 0755 whatever the umask.
	fresh := filepath.Join(dir, "fresh", "govm")
	old := syscall.Umask(0)
	err := Secure(fresh)
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	if fi, st := statOf(t, fresh); st.Uid != 0 || fi.Mode().Perm() != 0o755 {
		t.Errorf("fresh home: uid %d mode %v, want root 0755", st.Uid, fi.Mode())
	}

	// A home made by someone else and left world-writable is repaired.
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, os.ModeSetgid|0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	if err := Secure(home); err != nil {
		t.Fatal(err)
	}
	fi, st := statOf(t, home)
	if st.Uid != 0 || st.Gid != 4242 || fi.Mode().Perm() != 0o755 || fi.Mode()&os.ModeSetgid == 0 {
		t.Errorf("repaired home: uid %d gid %d mode %v, want uid 0, gid kept, setgid kept, 0755", st.Uid, st.Gid, fi.Mode())
	}
	if why := Check(home, fi); why != "" {
		t.Errorf("Check after Secure = %q", why)
	}

	// Root's own bin left world-writable: write bits cleared.
	bin := filepath.Join(home, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(bin, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := Secure(home); err != nil {
		t.Fatal(err)
	}
	if fi, _ := statOf(t, bin); fi.Mode().Perm() != 0o755 {
		t.Errorf("bin: mode %v after Secure, want 0755", fi.Mode())
	}

	// A versions directory someone else made is reported, not re-owned.
	versions := filepath.Join(home, "versions")
	if err := os.Mkdir(versions, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(versions, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	err = Secure(home)
	var u *Unsafe
	if !errors.As(err, &u) || u.Dir != versions || !strings.Contains(u.Reason, "uid 4242") {
		t.Fatalf("Secure with a planted versions dir = %v, want *Unsafe for %s", err, versions)
	}
	if _, st := statOf(t, versions); st.Uid != 4242 {
		t.Errorf("Secure re-owned %s", versions)
	}
}

// CheckFile on real files: the file itself, the directory holding it, and
// the directory of the file a link names.
func TestCheckFile(t *testing.T) {
	dir := tempdir.New(t)
	mk := func(t *testing.T, dirMode, fileMode os.FileMode) string {
		t.Helper()
		d, err := os.MkdirTemp(dir, "d")
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(d, "config.yaml")
		if err := os.WriteFile(f, []byte("source: auto\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(f, fileMode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, dirMode); err != nil {
			t.Fatal(err)
		}
		return f
	}
	for _, tt := range []struct {
		name              string
		dirMode, fileMode os.FileMode
		want              string
	}{
		{"0755 dir, 0644 file", 0o755, 0o644, ""},
		{"sticky 1777 dir", os.ModeSticky | 0o777, 0o644, ""},
		{"world-writable file", 0o755, 0o666, "world-writable (mode 0666)"},
		{"group-writable file", 0o755, 0o664, "group-writable"},
		{"world-writable dir", 0o777, 0o644, "its directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := mk(t, tt.dirMode, tt.fileMode)
			got := CheckFile(f)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("CheckFile = %q, want %q", got, tt.want)
			}
		})
	}

	// A link in a safe directory to a file in an unsafe one: the file
	// could be replaced where it really lives.
	target := mk(t, 0o777, 0o644)
	safe := mk(t, 0o755, 0o644)
	link := filepath.Join(filepath.Dir(safe), "linked.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if got := CheckFile(link); !strings.Contains(got, filepath.Dir(target)) {
		t.Errorf("CheckFile(link into a world-writable dir) = %q, want it to name %s", got, filepath.Dir(target))
	}
	if got := CheckFile(filepath.Join(dir, "missing.yaml")); !strings.Contains(got, "cannot be read") {
		t.Errorf("CheckFile(missing) = %q", got)
	}

	if os.Geteuid() != 0 {
		return
	}
	other := mk(t, 0o755, 0o644)
	if err := os.Chown(other, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	if got := CheckFile(other); !strings.Contains(got, "owned by uid 4242") {
		t.Errorf("CheckFile(file of uid 4242) = %q", got)
	}
}
