package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/govm-dev/govm/internal/fsx"
)

// FillFunc extracts a toolchain into dir, an empty directory that becomes
// the GOROOT, and returns the record to store (the store sets its Version,
// OS, Arch, Files and Size itself) and the manifest of what it wrote.
type FillFunc func(ctx context.Context, dir string) (Record, []FileRecord, error)

// Install installs key by calling fill, unless it is already installed.
//
// It holds key's lock for the whole operation, waiting for it until ctx is
// done, so concurrent installers of one version (goroutines or processes)
// run fill once: the first installs, the others find its record and return
// it with already = true. With force the existing installation is removed
// first (its record before its tree, so it is never half-installed).
//
// A directory of key's name without a record is what a crashed install
// leaves; it is removed before fill runs. If fill fails, or ctx ends, the
// tree is removed and the error returned. On success the manifest is
// written, the tree made read-only, and then the record written atomically:
// the moment the record exists, the version is installed.
func (s *Store) Install(ctx context.Context, key Key, force bool, fill FillFunc) (rec Record, already bool, err error) {
	key, err = s.normalize(key)
	if err != nil {
		return Record{}, false, err
	}
	lock, err := fsx.Lock(ctx, s.lockPath(s.name(key)))
	if err != nil {
		return Record{}, false, fmt.Errorf("install %s: %w", key, err)
	}
	defer func() {
		if uerr := lock.Unlock(); uerr != nil && err == nil {
			err = fmt.Errorf("install %s: %w", key, uerr)
		}
	}()
	start := time.Now()

	if !force {
		rec, err := s.readRecord(key)
		if err == nil {
			return rec, true, nil
		}
		// A corrupt record vouches for nothing: reinstall over it.
		if !errors.Is(err, ErrNotInstalled) && !errors.Is(err, ErrCorruptRecord) {
			return Record{}, false, fmt.Errorf("install %s: %w", key, err)
		}
	}
	if _, err := s.removeLocked(key); err != nil {
		return Record{}, false, fmt.Errorf("install %s: %w", key, err)
	}

	root := s.Root(key)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return Record{}, false, fmt.Errorf("install %s: %w", key, err)
	}
	rec, files, err := fill(ctx, root)
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		rec, err = s.commit(key, rec, files, start)
	}
	if err != nil {
		// Best effort: a leftover tree has no record, so it is stale and
		// the next Install or CleanStale removes it.
		_ = fsx.RemoveAll(root)
		_ = os.Remove(s.manifestPath(key))
		return Record{}, false, fmt.Errorf("install %s: %w", key, err)
	}
	return rec, false, nil
}

// commit writes the manifest, makes the tree read-only and writes the
// record, in that order: the record is the commit point.
func (s *Store) commit(key Key, rec Record, files []FileRecord, start time.Time) (Record, error) {
	var buf bytes.Buffer
	if err := WriteManifest(&buf, files); err != nil {
		return Record{}, fmt.Errorf("manifest: %w", err)
	}
	if err := fsx.WriteFileAtomic(s.manifestPath(key), buf.Bytes(), 0o644); err != nil {
		return Record{}, err
	}
	if err := fsx.SetReadOnly(s.Root(key)); err != nil {
		return Record{}, err
	}
	rec.Version, rec.OS, rec.Arch = key.Version, key.OS, key.Arch
	rec.Files, rec.Size = len(files), 0
	for _, f := range files {
		rec.Size += f.Size
	}
	if rec.InstalledAt.IsZero() {
		rec.InstalledAt = time.Now().UTC()
	}
	if rec.Seconds == 0 {
		rec.Seconds = time.Since(start).Seconds()
	}
	if err := s.writeRecord(rec); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// removeLocked removes key's record, then its tree, then its manifest, and
// reports whether any of them existed. The caller holds key's lock. The
// record's removal is made durable before the tree goes: otherwise a power
// loss could bring back a record over a half-removed tree.
func (s *Store) removeLocked(key Key) (existed bool, err error) {
	for _, path := range []string{s.recordPath(key), s.Root(key), s.manifestPath(key)} {
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		existed = true
		if err := fsx.RemoveAll(path); err != nil {
			return existed, err
		}
		if path == s.recordPath(key) {
			if err := fsx.SyncDir(s.dir); err != nil {
				return existed, err
			}
		}
	}
	return existed, nil
}
