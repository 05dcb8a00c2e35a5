package doctor

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/home"
)

// systemHome gives the machine a machine-wide home (GOVM_SYSTEM_HOME) with
// go1.22.5 installed, every directory 0755.
func (m *machine) systemHome() home.Home {
	m.t.Helper()
	sys, err := home.New(filepath.Join(m.root, "system"))
	if err != nil {
		m.t.Fatal(err)
	}
	m.env["GOVM_SYSTEM_HOME"] = sys.Root
	m.installIn(sys, "go1.22.5")
	m.mkdir(sys.Bin())
	for _, d := range []string{sys.Root, sys.Versions(), sys.Bin()} {
		if err := os.Chmod(d, 0o755); err != nil {
			m.t.Fatal(err)
		}
	}
	return sys
}

func TestSystemPermsNoHome(t *testing.T) {
	m := newMachine(t)
	m.env["GOVM_SYSTEM_HOME"] = filepath.Join(m.root, "none")
	expect(t, only(t, m.run(false, "GOVM-SYSTEM-PERMS")), OK, "there is no machine-wide home", "")
}

// Modes are asserted rather than write failures: the tests run as root
// here, and root ignores permission bits.
func TestSystemPerms(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes; the Windows ACL judgement is tested in internal/homeperm")
	}
	t.Run("ok", func(t *testing.T) {
		m := newMachine(t)
		sys := m.systemHome()
		expect(t, only(t, m.run(false, "GOVM-SYSTEM-PERMS")), OK, "only administrators can write the machine-wide home "+sys.Root, "")
	})
	for _, tc := range []struct {
		name string
		dir  func(home.Home) string
		mode os.FileMode
		msg  string
		fix  string
	}{
		{"world-writable root", func(h home.Home) string { return h.Root }, 0o777,
			"system can be written by users who are not administrators: it is world-writable (mode 0777); anyone could plant a go that every user runs, so govm ignores the machine-wide versions",
			"sudo chmod go-w"},
		{"group-writable versions", func(h home.Home) string { return h.Versions() }, 0o775,
			"versions can be written by users who are not administrators: it is group-writable (mode 0775)", "sudo chown root"},
		{"sticky world-writable bin", func(h home.Home) string { return h.Bin() }, os.ModeSticky | 0o777,
			"replace the machine-wide shims", "chmod go-w"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMachine(t)
			sys := m.systemHome()
			dir := tc.dir(sys)
			if err := os.Chmod(dir, tc.mode); err != nil {
				t.Fatal(err)
			}
			f := only(t, m.run(false, "GOVM-SYSTEM-PERMS"))
			expect(t, f, Error, tc.msg, tc.fix)
			if f.Details["path"] != dir {
				t.Errorf("details %v, want path %s", f.Details, dir)
			}
			if !strings.Contains(f.Fix, dir) {
				t.Errorf("fix %q does not name %s", f.Fix, dir)
			}
		})
	}
	t.Run("machine config writable", func(t *testing.T) {
		m := newMachine(t)
		file := filepath.Join(m.root, "machine.yaml")
		m.write(file, "blocked_versions: []\n")
		if err := os.Chmod(file, 0o666); err != nil {
			t.Fatal(err)
		}
		m.env["GOVM_MACHINE_CONFIG"] = file
		m.env["GOVM_SYSTEM_HOME"] = filepath.Join(m.root, "none")
		expect(t, only(t, m.run(false, "GOVM-SYSTEM-PERMS")), Error,
			"the machine config "+file+" can be changed by users who are not administrators (it is world-writable (mode 0666)), so govm ignores it", "sudo chmod go-w "+file)
		if err := os.Chmod(file, 0o644); err != nil {
			t.Fatal(err)
		}
		expect(t, only(t, m.run(false, "GOVM-SYSTEM-PERMS")), OK, "there is no machine-wide home", "")
	})
	t.Run("planted entries", func(t *testing.T) {
		m := newMachine(t)
		sys := m.systemHome()
		planted := filepath.Join(sys.Versions(), "go1.99.0")
		m.fakeGoroot(planted, "go1.99.0")
		if err := os.Chmod(planted, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(planted, filepath.Join(sys.Versions(), "go1.98.0")); err != nil {
			t.Fatal(err)
		}
		f := only(t, m.run(false, "GOVM-SYSTEM-PERMS"))
		expect(t, f, Error, "2 entries in "+sys.Versions()+" were not made by an administrator", "sudo rm -rf ")
		for _, want := range []string{"go1.99.0: it is world-writable", "go1.98.0: it is a link"} {
			if !strings.Contains(f.Message, want) {
				t.Errorf("message %q does not contain %q", f.Message, want)
			}
		}
		if os.Geteuid() != 0 {
			return
		}
		// Owned by another user, as a planted directory is.
		if err := os.Remove(filepath.Join(sys.Versions(), "go1.98.0")); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(planted, 0o555); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(planted, 4242, 4242); err != nil {
			t.Fatal(err)
		}
		expect(t, only(t, m.run(false, "GOVM-SYSTEM-PERMS")), Error,
			"1 entry in "+sys.Versions()+" was not made by an administrator, and every user's govm could run it: go1.99.0: it is owned by uid 4242, not root", "sudo rm -rf "+planted)
	})
}
