package doctor

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/pathenv"
)

// govmMachine has go1.22.5 installed and active, with current/bin on PATH.
func govmMachine(t *testing.T) *machine {
	m := newMachine(t)
	m.install("go1.22.5")
	m.use("go1.22.5")
	m.appendPath(m.home.CurrentBin())
	return m
}

func TestPathGo(t *testing.T) {
	t.Run("govm first, another shadowed", func(t *testing.T) {
		m := govmMachine(t)
		other := filepath.Join(m.root, "opt", "go")
		m.fakeGoroot(other, "go1.19.1")
		m.appendPath(filepath.Join(other, "bin"))
		rep := m.run(false, "PATH-GO")
		if len(rep.Checks) != 2 {
			t.Fatalf("findings %+v", rep.Checks)
		}
		expect(t, rep.Checks[0], OK, "govm's active toolchain", "")
		expect(t, rep.Checks[1], Info, filepath.Join(other, "bin", exeName("go"))+" (installed outside govm) is also on PATH, shadowed", "remove")
	})
	t.Run("another go comes first", func(t *testing.T) {
		m := govmMachine(t)
		other := filepath.Join(m.root, "opt", "go")
		m.fakeGoroot(other, "go1.19.1")
		m.prependPath(filepath.Join(other, "bin"))
		f := only(t, m.run(false, "PATH-GO"))
		expect(t, f, Error, "comes before govm's", "remove "+filepath.Join(other, "bin")+" from PATH")
	})
	t.Run("no govm on PATH", func(t *testing.T) {
		m := newMachine(t)
		other := filepath.Join(m.root, "opt", "go")
		m.fakeGoroot(other, "go1.19.1")
		m.appendPath(filepath.Join(other, "bin"))
		expect(t, only(t, m.run(false, "PATH-GO")), Error, "not govm's", "govm setup")
	})
	t.Run("no go at all", func(t *testing.T) {
		m := newMachine(t)
		m.appendPath(filepath.Join(m.root, "empty"))
		expect(t, only(t, m.run(false, "PATH-GO")), Error, "no go is on PATH", "govm setup")
	})
	t.Run("gofmt from elsewhere", func(t *testing.T) {
		m := newMachine(t)
		m.install("go1.22.5")
		m.use("go1.22.5")
		tools := filepath.Join(m.root, "tools")
		m.exe(filepath.Join(tools, exeName("gofmt")))
		m.appendPath(tools)
		m.appendPath(m.home.CurrentBin())
		rep := m.run(false, "PATH-GO")
		if len(rep.Checks) != 2 {
			t.Fatalf("findings %+v", rep.Checks)
		}
		expect(t, rep.Checks[1], Warning, "gofmt runs from "+filepath.Join(tools, exeName("gofmt")), "")
	})
}

func TestPathGoWindowsSystemFirst(t *testing.T) {
	m := newMachine(t)
	msi := filepath.Join(m.root, "Program Files", "Go", "bin")
	m.write(filepath.Join(msi, "go.exe"), "")
	m.write(filepath.Join(m.home.CurrentBin(), "go.exe"), "") // what Windows would find
	env := m.Env()
	getenv := env.Getenv
	env.GOOS = "windows"
	env.Getenv = func(k string) string {
		if k == "PATH" {
			return msi + ";" + m.home.CurrentBin()
		}
		return getenv(k)
	}
	checks, _ := Select([]string{"PATH-GO"})
	rep := Run(t.Context(), env, Options{Checks: checks})
	f := rep.Checks[0]
	expect(t, f, Error, "(the Go MSI installer) comes before govm's", "Settings > Apps")
	if !strings.Contains(f.Message, "system PATH before the user PATH") || !strings.Contains(f.Fix, "govm setup --system") {
		t.Errorf("finding %+v does not explain the system PATH order", f)
	}
}

func TestOwnerOf(t *testing.T) {
	h := home.Home{Root: "/home/u/.local/share/govm"}
	tests := []struct {
		exe     string
		windows bool
		kind    ownerKind
	}{
		{"/home/u/.local/share/govm/current/bin/go", false, ownerCurrent},
		{"/home/u/.local/share/govm/bin/go", false, ownerShim},
		{"/home/u/.local/share/govm/versions/go1.22.5/bin/go", false, ownerOther},
		{"/usr/local/go/bin/go", false, ownerTarball},
		{"/usr/bin/go", false, ownerDistro},
		{"/usr/lib/go-1.19/bin/go", false, ownerDistro},
		{"/opt/homebrew/bin/go", false, ownerHomebrew},
		{"/home/u/go/bin/go1.21.13", false, ownerGoDL},
		{"/home/u/sdk/go1.21.13/bin/go", false, ownerGoDL},
		{`C:\Program Files\Go\bin\go.exe`, true, ownerMSI},
		{`C:\Users\u\scoop\shims\go.exe`, true, ownerScoop},
		{`C:\ProgramData\chocolatey\bin\go.exe`, true, ownerChocolatey},
		{`C:\tools\go\bin\go.exe`, true, ownerOther},
	}
	for _, tt := range tests {
		e := &Env{Home: h}
		if tt.windows {
			e.GOOS = "windows"
			e.Home = home.Home{Root: `C:\Users\u\AppData\Local\govm`}
		}
		if got := e.ownerOf(tt.exe); got.Kind != tt.kind || got.Name == "" {
			t.Errorf("ownerOf(%s) = %+v, want %s", tt.exe, got, tt.kind)
		}
	}
	if runtime.GOOS != "windows" {
		e := &Env{Home: home.Home{Root: `C:\Users\u\AppData\Local\govm`}, GOOS: "windows"}
		if got := e.ownerOf(`c:\users\U\appdata\local\GOVM\current\bin\go.exe`); got.Kind != ownerCurrent {
			t.Errorf("Windows paths compare case-insensitively: %+v", got)
		}
	}
}

func TestPathSetup(t *testing.T) {
	tests := []struct {
		name    string
		status  pathenv.Status
		sev     Severity
		msg     string
		fix     string
		fixable bool
	}{
		{"ok", pathenv.Status{Persistent: true, Process: true}, OK, "persistent PATH and this shell's", "", false},
		{"not set up", pathenv.Status{Unconfigured: []string{"/home/u/.bashrc"}}, Warning, "not on the persistent PATH of /home/u/.bashrc", "govm setup", true},
		{"stale shell", pathenv.Status{Persistent: true, Entries: []string{"/h/current/bin"}}, Warning, "not on this shell's PATH", "open a new shell", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMachine(t)
			m.status = tt.status
			f := only(t, m.run(false, "PATH-SETUP"))
			expect(t, f, tt.sev, tt.msg, tt.fix)
			if f.Fixable != tt.fixable {
				t.Errorf("Fixable = %v", f.Fixable)
			}
		})
	}
	t.Run("fix runs setup", func(t *testing.T) {
		m := newMachine(t)
		m.status = pathenv.Status{Unconfigured: []string{"/home/u/.bashrc"}}
		rep := m.run(true, "PATH-SETUP")
		if m.setupCalls != 1 || len(rep.Fixed) != 1 || !strings.Contains(rep.Fixed[0].Changed, "updated /home/u/.bashrc") {
			t.Errorf("setup calls %d, Fixed %+v", m.setupCalls, rep.Fixed)
		}
		// New shells get it; this one still needs a restart, and says so.
		expect(t, only(t, rep), Warning, "not on this shell's PATH", "open a new shell")
	})
	t.Run("system PATH shadowing", func(t *testing.T) {
		m := newMachine(t)
		m.status = pathenv.Status{Persistent: true, Process: true, Shadowing: []string{`C:\Program Files\Go\bin\go.exe`}}
		expect(t, only(t, m.run(false, "PATH-SETUP")), Error, "searches before the user PATH", "govm setup --system")
	})
	t.Run("status error", func(t *testing.T) {
		m := newMachine(t)
		env := m.Env()
		env.PathStatus = func() (pathenv.Status, error) { return pathenv.Status{}, errors.New("rc unreadable") }
		checks, _ := Select([]string{"PATH-SETUP"})
		expect(t, only(t, Run(t.Context(), env, Options{Checks: checks})), Error, "rc unreadable", "govm setup --print")
	})
	t.Run("shims after current/bin", func(t *testing.T) {
		m := newMachine(t)
		m.exe(filepath.Join(m.home.Bin(), exeName("go")))
		m.appendPath(m.home.CurrentBin())
		m.appendPath(m.home.Bin())
		expect(t, only(t, m.run(false, "PATH-SETUP")), Warning, "the shims (and the pins they honour) never run", "govm setup --shims")
	})
}

func TestPathHygiene(t *testing.T) {
	m := newMachine(t)
	a := filepath.Join(m.root, "a")
	m.mkdir(a)
	m.appendPath(a)
	expect(t, only(t, m.run(false, "PATH-HYGIENE")), OK, "1 entry, all present", "")
	m.appendPath(a)
	m.appendPath(filepath.Join(m.root, "gone"))
	rep := m.run(false, "PATH-HYGIENE")
	if len(rep.Checks) != 2 {
		t.Fatalf("findings %+v", rep.Checks)
	}
	expect(t, rep.Checks[0], Info, "1 directory is on PATH more than once: "+a, "remove the repeats")
	expect(t, rep.Checks[1], Info, "1 PATH entry does not exist: "+filepath.Join(m.root, "gone"), "")

	long := strings.Repeat(`C:\x;`, 1500) // 7500 characters
	e := &Env{GOOS: "windows", Getenv: func(k string) string { return map[string]string{"PATH": long}[k] }}
	fs := checkPathHygiene(t.Context(), e)
	expect(t, fs[0], Warning, "near cmd.exe's 8191-character line limit", "")
}

func TestPathGoBin(t *testing.T) {
	t.Run("default GOPATH not on PATH, empty", func(t *testing.T) {
		m := newMachine(t)
		bin := filepath.Join(m.env["HOME"], "go", "bin")
		expect(t, only(t, m.run(false, "PATH-GOBIN")), Info, "nothing is installed there yet", bin)
	})
	t.Run("default GOPATH with tools", func(t *testing.T) {
		m := newMachine(t)
		bin := filepath.Join(m.env["HOME"], "go", "bin")
		m.exe(filepath.Join(bin, "gopls"))
		expect(t, only(t, m.run(false, "PATH-GOBIN")), Warning, fmt.Sprintf("%s (the default GOPATH) holds 1 program but is not on PATH", bin), bin)
	})
	t.Run("GOBIN on PATH", func(t *testing.T) {
		m := newMachine(t)
		bin := filepath.Join(m.root, "mybin")
		m.mkdir(bin)
		m.env["GOBIN"] = bin
		m.appendPath(bin)
		expect(t, only(t, m.run(false, "PATH-GOBIN")), OK, "GOBIN from environment", "")
	})
	t.Run("GOPATH list uses the first entry", func(t *testing.T) {
		m := newMachine(t)
		first := filepath.Join(m.root, "gp1")
		m.env["GOPATH"] = first + string(filepathListSep()) + filepath.Join(m.root, "gp2")
		m.appendPath(filepath.Join(first, "bin"))
		m.mkdir(filepath.Join(first, "bin"))
		expect(t, only(t, m.run(false, "PATH-GOBIN")), OK, filepath.Join(first, "bin"), "")
	})
}

func filepathListSep() rune {
	if runtime.GOOS == "windows" {
		return ';'
	}
	return ':'
}
