// Package store manages the versions directory: one GOROOT per installed
// toolchain, its install record and manifest, and the per-version locks.
//
//	versions/go1.22.5/                 GOROOT for the host platform, read-only once installed
//	versions/go1.22.5.windows-amd64/   GOROOT staged for another platform (--os/--arch)
//	versions/go1.22.5.json             install record, written last: the commit point
//	versions/go1.22.5.files            manifest: SHA-256, size and mode of every file
//	versions/.locks/go1.22.5.lock      held while the version is installed or removed
//
// A version is installed exactly when its record exists. The record is
// written atomically after the tree and manifest are complete, and removed
// first when a version is uninstalled, so a crash at any instant leaves
// either no record (the tree, if any, is stale and cleaned up later) or a
// complete installation.
package store

import (
	"errors"
	"path/filepath"
	"runtime"

	"github.com/govm-dev/govm/internal/fsx"
)

// Sentinel errors callers branch on.
var (
	// ErrNotInstalled: the version has no install record.
	ErrNotInstalled = errors.New("not installed")
	// ErrCorruptRecord: an install record exists but cannot be read or
	// does not describe the version its name says.
	ErrCorruptRecord = errors.New("corrupt install record")
	// ErrBadManifest: a manifest file or entry does not follow the format.
	ErrBadManifest = errors.New("malformed manifest")
	// ErrInvalidKey: a Key has no version or an unusable platform name.
	ErrInvalidKey = errors.New("invalid version key")
)

const (
	recordExt   = ".json"
	manifestExt = ".files"
	locksDir    = ".locks"
	lockExt     = ".lock"
)

// Store is the versions directory. Its methods are safe for concurrent use
// by goroutines and processes: every change happens under the version's
// file lock.
type Store struct {
	dir      string
	hostOS   string
	hostArch string
}

// New returns the Store over dir (home.Home.Versions()), for the platform
// this program runs on. dir is created on the first install.
func New(dir string) *Store {
	return &Store{dir: dir, hostOS: runtime.GOOS, hostArch: runtime.GOARCH}
}

// WithHost returns a copy of s that treats goos/goarch as the host
// platform, whose toolchains live in unsuffixed directories. Tests use it
// to exercise cross-platform naming on any machine.
func (s *Store) WithHost(goos, goarch string) *Store {
	c := *s
	c.hostOS, c.hostArch = goos, goarch
	return &c
}

// Dir returns the versions directory.
func (s *Store) Dir() string { return s.dir }

// Root returns the GOROOT directory of key, installed or not.
func (s *Store) Root(key Key) string { return filepath.Join(s.dir, s.name(key)) }

func (s *Store) name(key Key) string { return key.dirName(s.hostOS, s.hostArch) }

func (s *Store) recordPath(key Key) string   { return s.Root(key) + recordExt }
func (s *Store) manifestPath(key Key) string { return s.Root(key) + manifestExt }
func (s *Store) lockPath(name string) string {
	return filepath.Join(s.dir, locksDir, name+lockExt)
}

// normalize fills a Key's empty platform with the host's and validates it.
func (s *Store) normalize(key Key) (Key, error) {
	if key.OS == "" && key.Arch == "" {
		key.OS, key.Arch = s.hostOS, s.hostArch
	}
	if err := key.validate(); err != nil {
		return Key{}, err
	}
	return key, nil
}

// isHost reports whether key is for the host platform.
func (s *Store) isHost(key Key) bool { return key.OS == s.hostOS && key.Arch == s.hostArch }

// tempTarget is fsx.TempTarget, named here so the store's cleanup rules
// read as one list.
var tempTarget = fsx.TempTarget
