// Package home knows govm's data layout. Every path govm reads or writes is
// derived here, so the layout is defined in one place:
//
//	versions/go1.22.5/          a complete GOROOT, read-only once installed
//	versions/go1.22.5.json      install record, written last: the version exists only when it does
//	versions/go1.22.5.files     manifest of the tree (path, size, mode, SHA-256), for `govm verify`
//	versions/.locks/            one lock file per version
//	current                     junction (Windows) or symlink (Unix) -> versions/goX.Y.Z
//	bin/                        govm itself when installed by setup, and shims
//	cache/                      downloads (*.partial while in flight), release index cache
//	state.json                  active version history (rollback), last operation
//	logs/govm.log               JSON lines, one per state-changing operation
package home

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// Home is the root of one govm data directory.
type Home struct {
	Root string
}

// Default returns the per-user home: $GOVM_HOME when set, else
// %LOCALAPPDATA%\govm on Windows and ${XDG_DATA_HOME:-~/.local/share}/govm elsewhere.
func Default(getenv func(string) string) (Home, error) {
	if h := getenv("GOVM_HOME"); h != "" {
		return New(h)
	}
	if runtime.GOOS == "windows" {
		if d := getenv("LOCALAPPDATA"); d != "" {
			return New(filepath.Join(d, "govm"))
		}
		return Home{}, errors.New("cannot locate the govm home: LOCALAPPDATA is not set; set GOVM_HOME or pass --home")
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return New(filepath.Join(d, "govm"))
	}
	if d := getenv("HOME"); d != "" {
		return New(filepath.Join(d, ".local", "share", "govm"))
	}
	return Home{}, errors.New("cannot locate the govm home: HOME is not set; set GOVM_HOME or pass --home")
}

// System returns the machine-wide home: $GOVM_SYSTEM_HOME when set (tests,
// unusual layouts), else %ProgramData%\govm on Windows and /opt/govm elsewhere.
func System(getenv func(string) string) (Home, error) {
	if d := getenv("GOVM_SYSTEM_HOME"); d != "" {
		return New(d)
	}
	if runtime.GOOS == "windows" {
		return New(filepath.Join(ProgramData(), "govm"))
	}
	return New("/opt/govm")
}

// ProgramData is the machine's ProgramData folder on Windows
// (C:\ProgramData), as the system records it: not the ProgramData
// variable, which any user can point elsewhere. It is "" on other systems.
func ProgramData() string { return programDataOnce() }

// programDataOnce reads the folder once per process: a shim asks for it
// several times a run (machine config, machine-wide home), and it does not
// move while a process runs.
var programDataOnce = sync.OnceValue(programData)

// New returns the Home rooted at dir, made absolute.
func New(dir string) (Home, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Home{}, err
	}
	return Home{Root: abs}, nil
}

// Versions is the directory that holds installed toolchains.
func (h Home) Versions() string { return filepath.Join(h.Root, "versions") }

// Current is the link that PATH points at (through Current()/bin).
func (h Home) Current() string { return filepath.Join(h.Root, "current") }

// CurrentBin is the directory added to PATH once by `govm setup`.
func (h Home) CurrentBin() string { return filepath.Join(h.Root, "current", "bin") }

// Bin holds govm itself when installed by setup, and the shims.
func (h Home) Bin() string { return filepath.Join(h.Root, "bin") }

// Cache holds downloads and the release index cache.
func (h Home) Cache() string { return filepath.Join(h.Root, "cache") }

// Downloads holds archives, complete or *.partial.
func (h Home) Downloads() string { return filepath.Join(h.Root, "cache", "downloads") }

// IndexCache holds cached release indexes and checksum-database tiles.
func (h Home) IndexCache() string { return filepath.Join(h.Root, "cache", "index") }

// State is the JSON file with the activation history.
func (h Home) State() string { return filepath.Join(h.Root, "state.json") }

// Logs is the directory of govm.log.
func (h Home) Logs() string { return filepath.Join(h.Root, "logs") }

// Log is the operation log file.
func (h Home) Log() string { return filepath.Join(h.Root, "logs", "govm.log") }

// Locks holds lock files that are not per version (current, state).
func (h Home) Locks() string { return filepath.Join(h.Root, "locks") }

// Config is the per-home configuration file path used by --system homes.
func (h Home) Config() string { return filepath.Join(h.Root, "config.yaml") }

// Exists reports whether the home directory exists.
func (h Home) Exists() bool {
	fi, err := os.Stat(h.Root)
	return err == nil && fi.IsDir()
}
