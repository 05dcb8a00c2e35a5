package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/govm-dev/govm/internal/activate"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/pkg/goversion"
)

// facts are derived once per run and shared by the checks that need them;
// checks run in parallel, hence the Once.
type facts struct {
	runOnce sync.Once
	run     toolchain
}

// toolchain is the Go toolchain that `go` typed in a shell here runs before
// any GOTOOLCHAIN switch.
type toolchain struct {
	// Exe is the first go on PATH; empty when there is none.
	Exe string
	// Root is its GOROOT; empty when unknown.
	Root string
	// Version is read from Root/VERSION; zero when unknown.
	Version goversion.Version
	// Owner is who put Exe there (see ownerOf).
	Owner owner
	// Why explains how Exe leads to Version, for "go resolves to X because Y".
	Why string
}

// shimMode reports whether the home's bin holds go shims.
func shimMode(h home.Home) bool {
	for _, n := range []string{"go", "go.exe"} {
		if _, err := os.Lstat(filepath.Join(h.Bin(), n)); err == nil {
			return true
		}
	}
	return false
}

// dirs is the process PATH in search order.
func (e *Env) dirs() []string { return pathDirs(e.Getenv("PATH"), e.windows()) }

// look returns every executable named name on PATH, the one that runs first.
func (e *Env) look(name string) []string {
	return lookAll(name, e.dirs(), e.windows(), e.Getenv("PATHEXT"))
}

// active returns the version the current link points at, its target, and
// the link's error (wrapping activate's sentinels).
func (e *Env) active() (goversion.Version, string, error) {
	target, err := activate.ReadCurrent(e.Home.Current())
	if err != nil {
		return goversion.Version{}, "", err
	}
	v, _ := goversion.Parse(filepath.Base(target))
	return v, target, nil
}

// running finds the toolchain a shell here starts for `go`.
func (e *Env) running() toolchain {
	e.facts.runOnce.Do(func() { e.facts.run = e.findRunning() })
	return e.facts.run
}

func (e *Env) findRunning() toolchain {
	gos := e.look("go")
	if len(gos) == 0 {
		return toolchain{Why: "no go is on PATH"}
	}
	t := toolchain{Exe: gos[0], Owner: e.ownerOf(gos[0])}
	switch t.Owner.Kind {
	case ownerShim:
		d, err := e.decide()
		if err != nil {
			t.Why = "govm's shim " + t.Exe + " cannot choose: " + err.Error()
			return t
		}
		t.Root, t.Version = d.Dir, d.Version
		t.Why = "govm's shim " + t.Exe + " comes first on PATH and picks it: " + d.Reason
		return t
	case ownerCurrent:
		v, target, err := e.active()
		if err != nil {
			t.Why = "govm's " + e.Home.CurrentBin() + " comes first on PATH but " + err.Error()
			return t
		}
		t.Root, t.Version = target, v
		t.Why = e.Home.CurrentBin() + " comes first on PATH and the current link points at " + v.String()
		return t
	}
	t.Root = rootOfExe(t.Exe)
	t.Version = readVERSION(t.Root)
	t.Why = t.Exe + " comes first on PATH (" + t.Owner.Name + ")"
	return t
}

// rootOfExe is the GOROOT of a go binary: bin/go sits two levels below it,
// after following links (/usr/bin/go -> /usr/lib/go-1.22/bin/go).
func rootOfExe(exe string) string {
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return filepath.Dir(filepath.Dir(exe))
}

// readVERSION reads the release name from a GOROOT's VERSION file, or zero.
func readVERSION(root string) goversion.Version {
	data, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		return goversion.Version{}
	}
	first, _, _ := strings.Cut(string(data), "\n")
	v, err := goversion.Parse(strings.TrimSpace(first))
	if err != nil {
		return goversion.Version{}
	}
	return v
}

// samePath compares two paths after cleaning, following links when both
// exist, and case-insensitively under the Windows rules.
func (e *Env) samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ca, cb := filepath.Clean(a), filepath.Clean(b)
	if e.windows() {
		if strings.EqualFold(strings.ReplaceAll(ca, "/", `\`), strings.ReplaceAll(cb, "/", `\`)) {
			return true
		}
	} else if ca == cb {
		return true
	}
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	if err1 != nil || err2 != nil {
		return false
	}
	if e.windows() {
		return strings.EqualFold(ra, rb)
	}
	return ra == rb
}

// cleanEqual compares paths without following links.
func cleanEqual(a, b string, windows bool) bool {
	ca, cb := filepath.Clean(a), filepath.Clean(b)
	if windows {
		return strings.EqualFold(strings.ReplaceAll(ca, "/", `\`), strings.ReplaceAll(cb, "/", `\`))
	}
	return ca == cb
}
