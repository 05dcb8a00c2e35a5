package doctor

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/activate"
)

func TestHome(t *testing.T) {
	t.Run("ok", func(t *testing.T) {
		m := newMachine(t)
		expect(t, only(t, m.run(false, "GOVM-HOME")), OK, "is writable", "")
		if entries, _ := os.ReadDir(m.home.Root); len(entries) != 0 {
			t.Errorf("the write probe was left behind: %v", entries)
		}
	})
	t.Run("missing", func(t *testing.T) {
		m := newMachine(t)
		os.Remove(m.home.Root)
		expect(t, only(t, m.run(false, "GOVM-HOME")), Warning, "does not exist", "govm install latest")
	})
	t.Run("a file", func(t *testing.T) {
		m := newMachine(t)
		os.Remove(m.home.Root)
		m.write(m.home.Root, "x")
		expect(t, only(t, m.run(false, "GOVM-HOME")), Error, "is a file", "GOVM_HOME")
	})
	t.Run("read-only", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("permission bits do not stop root, nor apply on Windows")
		}
		m := newMachine(t)
		os.Chmod(m.home.Root, 0o555)
		defer os.Chmod(m.home.Root, 0o755)
		expect(t, only(t, m.run(false, "GOVM-HOME")), Error, "cannot write", "write access")
	})
}

func TestCurrent(t *testing.T) {
	t.Run("ok", func(t *testing.T) {
		m := newMachine(t)
		m.install("go1.22.5")
		m.use("go1.22.5")
		expect(t, only(t, m.run(false, "GOVM-CURRENT")), OK, "points at go1.22.5", "")
	})
	t.Run("nothing active, fix uses the newest", func(t *testing.T) {
		m := newMachine(t)
		m.needLinks()
		m.install("go1.21.13")
		m.install("go1.22.5")
		f := only(t, m.run(false, "GOVM-CURRENT"))
		expect(t, f, Warning, "no Go version is active", "govm use 1.22.5")
		if !f.Fixable {
			t.Error("not fixable")
		}
		rep := m.run(true, "GOVM-CURRENT")
		expect(t, only(t, rep), OK, "points at go1.22.5", "")
		if len(rep.Fixed) != 1 || rep.Fixed[0].Error != "" || !strings.Contains(rep.Fixed[0].Changed, "created") {
			t.Errorf("Fixed = %+v", rep.Fixed)
		}
	})
	t.Run("broken link is repointed", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("junctions cannot be made under Wine")
		}
		m := newMachine(t)
		m.install("go1.22.5")
		// A version removed behind govm's back.
		if err := os.Symlink(filepath.Join(m.home.Versions(), "go1.23.0"), m.home.Current()); err != nil {
			t.Fatal(err)
		}
		f := only(t, m.run(false, "GOVM-CURRENT"))
		expect(t, f, Error, "broken", "govm use 1.22.5")
		rep := m.run(true, "GOVM-CURRENT")
		expect(t, only(t, rep), OK, "points at go1.22.5", "")
		if len(rep.Fixed) != 1 || !strings.Contains(rep.Fixed[0].Changed, "was the missing") {
			t.Errorf("Fixed = %+v", rep.Fixed)
		}
		if target, err := activate.ReadCurrent(m.home.Current()); err != nil || filepath.Base(target) != "go1.22.5" {
			t.Errorf("current -> %s, %v", target, err)
		}
	})
	t.Run("broken with nothing installed is not fixable", func(t *testing.T) {
		if runtime.GOOS == "windows" {
			t.Skip("junctions cannot be made under Wine")
		}
		m := newMachine(t)
		os.Symlink(filepath.Join(m.home.Versions(), "go1.23.0"), m.home.Current())
		f := only(t, m.run(false, "GOVM-CURRENT"))
		expect(t, f, Error, "broken", "govm use VERSION")
		if f.Fixable {
			t.Error("fixable with nothing to point at")
		}
	})
	t.Run("a real directory is left alone", func(t *testing.T) {
		m := newMachine(t)
		m.mkdir(m.home.Current())
		expect(t, only(t, m.run(true, "GOVM-CURRENT")), Error, "not a link", "move")
		if fi, err := os.Lstat(m.home.Current()); err != nil || !fi.IsDir() {
			t.Errorf("the directory was touched: %v", err)
		}
	})
	t.Run("no home at all is GOVM-HOME's business", func(t *testing.T) {
		m := newMachine(t)
		os.Remove(m.home.Root)
		expect(t, only(t, m.run(false, "GOVM-CURRENT")), OK, "", "")
	})
}

func TestVerify(t *testing.T) {
	m := newMachine(t)
	root := m.install("go1.22.5")
	m.use("go1.22.5")
	expect(t, only(t, m.run(false, "GOVM-VERIFY")), OK, "all 3 files match", "")

	// Quarantine bin/go the way an antivirus does.
	os.Chmod(filepath.Join(root, "bin"), 0o755)
	if err := os.Remove(filepath.Join(root, "bin", exeName("go"))); err != nil {
		t.Fatal(err)
	}
	f := only(t, m.run(false, "GOVM-VERIFY"))
	expect(t, f, Error, "1 missing (bin/"+exeName("go")+")", "govm install --force 1.22.5")
	if !strings.Contains(f.Message, "antivirus") {
		t.Errorf("message %q does not mention antivirus", f.Message)
	}
}

func TestStale(t *testing.T) {
	m := newMachine(t)
	m.install("go1.22.5")
	expect(t, only(t, m.run(false, "GOVM-STALE")), OK, "", "")

	// An install killed half-way, an abandoned download, and a fresh one.
	m.fakeGoroot(filepath.Join(m.home.Versions(), "go1.23.0"), "go1.23.0")
	old := filepath.Join(m.home.Downloads(), "go1.23.0.linux-amd64.tar.gz.partial")
	fresh := filepath.Join(m.home.Downloads(), "go1.22.4.linux-amd64.tar.gz.partial")
	m.write(old, "part")
	m.write(fresh, "part")
	past := time.Now().Add(-48 * time.Hour)
	os.Chtimes(old, past, past)

	f := only(t, m.run(false, "GOVM-STALE"))
	expect(t, f, Warning, "2 leftovers", "govm doctor --fix GOVM-STALE")
	if !strings.Contains(f.Message, "go1.23.0") || strings.Contains(f.Message, "go1.22.4") {
		t.Errorf("message %q: want the stale tree and old partial, not the fresh download", f.Message)
	}
	rep := m.run(true, "GOVM-STALE")
	expect(t, only(t, rep), OK, "", "")
	if len(rep.Fixed) != 1 || !strings.Contains(rep.Fixed[0].Changed, "removed 2") {
		t.Errorf("Fixed = %+v", rep.Fixed)
	}
	for _, p := range []string{old, filepath.Join(m.home.Versions(), "go1.23.0")} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists", p)
		}
	}
	for _, p := range []string{fresh, filepath.Join(m.home.Versions(), "go1.22.5")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}

func TestStaleCorruptRecord(t *testing.T) {
	m := newMachine(t)
	m.install("go1.22.5")
	os.Chmod(m.home.Versions(), 0o755)
	m.write(filepath.Join(m.home.Versions(), "go1.22.5.json"), "{not json")
	f := only(t, m.run(false, "GOVM-STALE"))
	expect(t, f, Error, "corrupt-record", "govm uninstall 1.22.5 && govm install 1.22.5")
}

func TestDisk(t *testing.T) {
	tests := []struct {
		free uint64
		sev  Severity
		msg  string
	}{
		{100 << 30, OK, "100.0 GiB free"},
		{1 << 30, Warning, "only 1.0 GiB free"},
		{100 << 20, Error, "only 100.0 MiB free"},
	}
	for _, tt := range tests {
		m := newMachine(t)
		m.free = tt.free
		expect(t, only(t, m.run(false, "GOVM-DISK")), tt.sev, tt.msg, "")
	}
	// The real answer for a real directory is positive.
	if n, err := diskFree(os.TempDir()); err != nil || n == 0 {
		t.Errorf("diskFree(%s) = %d, %v", os.TempDir(), n, err)
	}
}
