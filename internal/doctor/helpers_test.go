package doctor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/activate"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/pathenv"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/store"
)

// machine is a fake computer in a temporary directory: a govm home, a
// working directory, an environment and a PATH built from its directories.
type machine struct {
	t    *testing.T
	root string
	home home.Home
	work string
	env  map[string]string
	path []string
	// status is what PathStatus answers.
	status pathenv.Status
	// setupCalls counts PathSetup calls (the fix of PATH-SETUP).
	setupCalls int
	free       uint64
}

func newMachine(t *testing.T) *machine {
	t.Helper()
	root := tempdir.New(t)
	h, err := home.New(filepath.Join(root, "govmhome"))
	if err != nil {
		t.Fatal(err)
	}
	m := &machine{t: t, root: root, home: h, work: filepath.Join(root, "work"),
		env: map[string]string{"HOME": filepath.Join(root, "userhome"), "USERPROFILE": filepath.Join(root, "userhome"),
			"GOENV": "off"},
		status: pathenv.Status{Persistent: true, Process: true},
		free:   100 << 30,
	}
	m.mkdir(m.work)
	m.mkdir(h.Root)
	return m
}

func (m *machine) mkdir(dir string) {
	m.t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		m.t.Fatal(err)
	}
}

func (m *machine) write(path, content string) {
	m.t.Helper()
	m.mkdir(filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		m.t.Fatal(err)
	}
}

// exeName is the file name of an executable on this OS.
func exeName(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

// fakeGoroot writes a GOROOT at dir for version: VERSION and bin/go, bin/gofmt.
func (m *machine) fakeGoroot(dir, version string) {
	m.t.Helper()
	m.write(filepath.Join(dir, "VERSION"), version+"\ntime 2024-07-02T22:00:00Z\n")
	for _, tool := range []string{"go", "gofmt"} {
		p := filepath.Join(dir, "bin", exeName(tool))
		m.write(p, "#!/bin/sh\necho fake "+tool+"\n")
		if err := os.Chmod(p, 0o755); err != nil {
			m.t.Fatal(err)
		}
	}
}

// exe writes an executable file (a go1.X.Y shim, a compiler) at path.
func (m *machine) exe(path string) {
	m.t.Helper()
	m.write(path, "#!/bin/sh\n")
	if err := os.Chmod(path, 0o755); err != nil {
		m.t.Fatal(err)
	}
}

// install installs version into the home's store.
func (m *machine) install(version string) string {
	m.t.Helper()
	return m.installIn(m.home, version)
}

// installIn installs version into h's store.
func (m *machine) installIn(h home.Home, version string) string {
	m.t.Helper()
	st := store.New(h.Versions())
	key := store.Key{Version: goversion.MustParse(version), OS: runtime.GOOS, Arch: runtime.GOARCH}
	_, _, err := st.Install(context.Background(), key, false, func(ctx context.Context, dir string) (store.Record, []store.FileRecord, error) {
		m.fakeGoroot(dir, version)
		files, err := store.ManifestOf(ctx, dir)
		return store.Record{Source: "test"}, files, err
	})
	if err != nil {
		m.t.Fatal(err)
	}
	return st.Root(key)
}

// use points the current link at an installed version. Where the volume
// has no junctions (Wine), the test skips: the logic it exercises runs on
// every other platform.
func (m *machine) use(version string) {
	m.t.Helper()
	err := activate.SetCurrent(m.home.Current(), filepath.Join(m.home.Versions(), version))
	if errors.Is(err, activate.ErrLinksUnsupported) {
		m.t.Skip("this volume has no junctions (Wine)")
	}
	if err != nil {
		m.t.Fatal(err)
	}
}

// needLinks skips the test where the current link cannot be created.
func (m *machine) needLinks() {
	m.t.Helper()
	probe := filepath.Join(m.root, "probe")
	m.mkdir(filepath.Join(probe, "target"))
	err := activate.SetCurrent(filepath.Join(probe, "link"), filepath.Join(probe, "target"))
	if errors.Is(err, activate.ErrLinksUnsupported) {
		m.t.Skip("this volume has no junctions (Wine)")
	}
	if err != nil {
		m.t.Fatal(err)
	}
}

// prependPath puts dir first on PATH.
func (m *machine) prependPath(dir string) { m.path = append([]string{dir}, m.path...) }

// appendPath puts dir last on PATH.
func (m *machine) appendPath(dir string) { m.path = append(m.path, dir) }

// Env is the doctor environment of the machine.
func (m *machine) Env() Env {
	env := map[string]string{}
	for k, v := range m.env {
		env[k] = v
	}
	env["PATH"] = strings.Join(m.path, string(os.PathListSeparator))
	return Env{
		Home:       m.home,
		WorkDir:    m.work,
		Getenv:     func(k string) string { return env[k] },
		PathStatus: func() (pathenv.Status, error) { return m.status, nil },
		PathSetup: func() (pathenv.Report, error) {
			m.setupCalls++
			m.status.Persistent = true
			return pathenv.Report{Targets: []pathenv.Target{{Shell: "bash", Path: "/home/u/.bashrc", Action: pathenv.Updated}}}, nil
		},
		DiskFree: func(string) (uint64, error) { return m.free, nil },
		Now:      time.Now,
	}
}

// run runs the checks with the given IDs on the machine.
func (m *machine) run(fix bool, ids ...string) Report {
	m.t.Helper()
	checks, err := Select(ids)
	if err != nil {
		m.t.Fatal(err)
	}
	return Run(context.Background(), m.Env(), Options{Checks: checks, Fix: fix})
}

// only returns the single finding of rep, failing unless there is exactly one.
func only(t *testing.T, rep Report) Finding {
	t.Helper()
	if len(rep.Checks) != 1 {
		t.Fatalf("got %d findings, want 1: %+v", len(rep.Checks), rep.Checks)
	}
	return rep.Checks[0]
}

// expect asserts a finding's severity and that its message and fix contain
// the given substrings.
func expect(t *testing.T, f Finding, sev Severity, msg, fix string) {
	t.Helper()
	if f.Severity != sev {
		t.Errorf("%s: severity %s, want %s (message %q)", f.ID, f.Severity, sev, f.Message)
	}
	if !strings.Contains(f.Message, msg) {
		t.Errorf("%s: message %q does not contain %q", f.ID, f.Message, msg)
	}
	if !strings.Contains(f.Fix, fix) {
		t.Errorf("%s: fix %q does not contain %q", f.ID, f.Fix, fix)
	}
}
