package store

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/govm-dev/govm/pkg/goversion"
)

// Installed is one complete installation.
type Installed struct {
	Key    Key    `json:"key"`
	Record Record `json:"record"`
	Dir    string `json:"dir"` // the GOROOT
}

// ProblemKind classifies what is wrong with an entry of the versions
// directory.
type ProblemKind string

const (
	// StaleTree: a toolchain directory without a record, left by a crashed
	// or interrupted install or removal (or one in progress right now).
	StaleTree ProblemKind = "stale-tree"
	// OrphanManifest: a manifest without a record.
	OrphanManifest ProblemKind = "orphan-manifest"
	// TempFile: a temporary file of an interrupted atomic write.
	TempFile ProblemKind = "temp-file"
	// CorruptRecord: a record that cannot be read or names another version.
	CorruptRecord ProblemKind = "corrupt-record"
	// MissingTree: a record whose GOROOT directory is gone.
	MissingTree ProblemKind = "missing-tree"
)

// Problem is an entry of the versions directory that is not part of a
// complete installation, for `govm doctor`.
type Problem struct {
	Kind   ProblemKind `json:"kind"`
	Path   string      `json:"path"`
	Detail string      `json:"detail"`
}

// inventory is one pass over the versions directory.
type inventory struct {
	installed []Installed
	problems  []Problem
}

// List returns the complete installations, newest version first (for one
// version, the host platform first). Entries that are not complete
// installations are skipped, never reported as an error; Problems lists
// them. The error is only for a versions directory that cannot be read; a
// missing one means nothing is installed.
func (s *Store) List() ([]Installed, error) {
	inv, err := s.scan()
	return inv.installed, err
}

// Problems returns the entries List skipped and why, in name order.
func (s *Store) Problems() ([]Problem, error) {
	inv, err := s.scan()
	return inv.problems, err
}

// Get returns key's installation. The error wraps ErrNotInstalled when key
// has no record, ErrCorruptRecord for an unreadable one.
func (s *Store) Get(key Key) (Installed, error) {
	key, err := s.normalize(key)
	if err != nil {
		return Installed{}, err
	}
	rec, err := s.readRecord(key)
	if err != nil {
		return Installed{}, err
	}
	return Installed{Key: key, Record: rec, Dir: s.Root(key)}, nil
}

// Has reports whether key is installed. It costs one stat of the record
// file and reads nothing, because it sits on `govm ensure`'s hot path.
func (s *Store) Has(key Key) bool {
	key, err := s.normalize(key)
	if err != nil {
		return false
	}
	_, err = os.Stat(s.recordPath(key))
	return err == nil
}

func (s *Store) scan() (inventory, error) {
	var inv inventory
	// Stat first: under Wine, reading a regular file as a directory
	// "succeeds" with no entries.
	fi, err := os.Stat(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return inv, nil
	}
	if err == nil && !fi.IsDir() {
		err = errors.New("not a directory")
	}
	if err != nil {
		return inv, fmt.Errorf("list versions in %s: %w", s.dir, err)
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return inv, fmt.Errorf("list versions in %s: %w", s.dir, err)
	}
	present := make(map[string]bool, len(entries))
	for _, e := range entries {
		present[e.Name()] = true
	}
	problem := func(kind ProblemKind, name, detail string) {
		inv.problems = append(inv.problems, Problem{Kind: kind, Path: filepath.Join(s.dir, name), Detail: detail})
	}
	for _, e := range entries {
		name := e.Name()
		if _, ok := s.tempOwner(name); ok {
			problem(TempFile, name, "left by an interrupted write")
			continue
		}
		base, ext := splitExt(name)
		key, ok := parseDirName(base, s.hostOS, s.hostArch)
		if !ok {
			continue // not ours: leave it alone
		}
		switch {
		case ext == recordExt:
			rec, err := s.readRecord(key)
			if err != nil {
				problem(CorruptRecord, name, err.Error())
				continue
			}
			if fi, err := os.Stat(s.Root(key)); err != nil || !fi.IsDir() {
				problem(MissingTree, name, "the record's GOROOT "+s.Root(key)+" is missing")
				continue
			}
			inv.installed = append(inv.installed, Installed{Key: key, Record: rec, Dir: s.Root(key)})
		case ext == manifestExt && !present[base+recordExt]:
			problem(OrphanManifest, name, "manifest without an install record")
		case ext == "" && e.IsDir() && !present[base+recordExt]:
			problem(StaleTree, name, "directory without an install record (interrupted install or removal)")
		}
	}
	slices.SortFunc(inv.installed, func(a, b Installed) int {
		if c := goversion.Compare(b.Key.Version, a.Key.Version); c != 0 {
			return c
		}
		if ah, bh := s.isHost(a.Key), s.isHost(b.Key); ah != bh {
			if ah {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Key.OS, b.Key.OS), cmp.Compare(a.Key.Arch, b.Key.Arch))
	})
	return inv, nil
}

// splitExt splits off the record or manifest extension, if name has one.
func splitExt(name string) (base, ext string) {
	for _, x := range []string{recordExt, manifestExt} {
		if b, ok := strings.CutSuffix(name, x); ok {
			return b, x
		}
	}
	return name, ""
}

// tempOwner reports whether name is a temporary file of an atomic write of
// a version's record or manifest, and that version's directory name (whose
// lock guards the write).
func (s *Store) tempOwner(name string) (string, bool) {
	target, ok := tempTarget(name)
	if !ok {
		return "", false
	}
	base, ext := splitExt(target)
	if ext == "" {
		return "", false
	}
	if _, ok := parseDirName(base, s.hostOS, s.hostArch); !ok {
		return "", false
	}
	return base, true
}
