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
