package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/govm-dev/govm/internal/fsx"
)

// Remove uninstalls key: under key's lock (waiting until ctx is done) it
// removes the record first, so the version stops being installed at once,
// then the read-only tree, then the manifest. Removing a stale tree of
// key's name is also a Remove; the error wraps ErrNotInstalled only when
// nothing of key existed.
func (s *Store) Remove(ctx context.Context, key Key) (err error) {
	key, err = s.normalize(key)
	if err != nil {
		return err
	}
	lock, err := fsx.Lock(ctx, s.lockPath(s.name(key)))
	if err != nil {
		return fmt.Errorf("remove %s: %w", key, err)
	}
	defer func() {
		if uerr := lock.Unlock(); uerr != nil && err == nil {
			err = fmt.Errorf("remove %s: %w", key, uerr)
		}
	}()
	existed, err := s.removeLocked(key)
	if err != nil {
		return fmt.Errorf("remove %s: %w", key, err)
	}
	if !existed {
		return fmt.Errorf("remove %s: %w", key, ErrNotInstalled)
	}
	return nil
}

// Stale returns the leftovers CleanStale would remove now: toolchain
// directories and manifests without a record, and temporary files of
// interrupted writes, whose version lock is free. Entries of a version
// another process is installing right now are not listed.
func (s *Store) Stale() ([]string, error) {
	return s.stale(context.Background(), false)
}

// CleanStale removes what Stale lists and returns the removed paths. Each
// entry is removed under its version's lock, taken without waiting, and
// only after checking again that the version still has no record, so a
// concurrent install is never disturbed. It stops early when ctx is done.
func (s *Store) CleanStale(ctx context.Context) ([]string, error) {
	return s.stale(ctx, true)
}

func (s *Store) stale(ctx context.Context, clean bool) ([]string, error) {
	inv, err := s.scan()
	if err != nil {
		return nil, err
	}
	var paths []string
	var errs []error
	for _, p := range inv.problems {
		if err := ctx.Err(); err != nil {
			return paths, errors.Join(append(errs, err)...)
		}
		name, ok := s.staleOwner(p)
		if !ok {
			continue
		}
		lock, free, err := fsx.TryLock(s.lockPath(name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !free {
			continue // being installed or removed right now
		}
		done, err := s.cleanOne(p, name, clean)
		if uerr := lock.Unlock(); uerr != nil {
			errs = append(errs, uerr)
		}
		if err != nil {
			errs = append(errs, err)
		}
		if done {
			paths = append(paths, p.Path)
		}
	}
	return paths, errors.Join(errs...)
}

// staleOwner returns the version directory name whose lock guards a stale
// entry, or false for problems that are not removable leftovers.
func (s *Store) staleOwner(p Problem) (string, bool) {
	name := p.Path[len(s.dir)+1:]
	switch p.Kind {
	case StaleTree:
		return name, true
	case OrphanManifest:
		base, _ := splitExt(name)
		return base, true
	case TempFile:
		return s.tempOwner(name)
	}
	return "", false
}

// cleanOne re-checks, under the lock, that p's version still has no record
// (temporary files are leftovers whatever the record says) and removes p
// when clean is set. It reports whether p is (or was) stale.
func (s *Store) cleanOne(p Problem, name string, clean bool) (bool, error) {
	if p.Kind != TempFile {
		if _, err := os.Lstat(s.dir + string(os.PathSeparator) + name + recordExt); !errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
	}
	if !clean {
		return true, nil
	}
	if err := fsx.RemoveAll(p.Path); err != nil {
		return false, fmt.Errorf("clean stale %s: %w", p.Path, err)
	}
	return true, nil
}
