package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// RemoveAll removes path and everything below it, like os.RemoveAll, but
// also when the tree holds read-only files and directories (an installed
// GOROOT is read-only), and on Windows while a scanner briefly holds a file.
// It walks the tree itself (files first, then directories bottom-up) rather
// than calling os.RemoveAll, which fails under Wine. Symbolic links and
// Windows junctions are removed, never followed. A missing path is not an
// error. When some entries cannot be removed it still removes all the
// others and reports how many failed with the first error.
func RemoveAll(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	var r remover
	r.remove(path, fi)
	if r.failed > 0 {
		return fmt.Errorf("remove %s: %d entries could not be removed: %w", path, r.failed, r.first)
	}
	return nil
}

// remover accumulates failures so one stuck file does not stop the rest of
// the tree from being removed.
type remover struct {
	failed int
	first  error
}

func (r *remover) fail(err error) {
	if r.failed == 0 {
		r.first = err
	}
	r.failed++
}

// remove deletes path, described by fi (from Lstat), and its contents.
func (r *remover) remove(path string, fi fs.FileInfo) {
	if err := prepareRemoval(path, fi); err != nil {
		r.fail(err)
	}
	if fi.IsDir() {
		r.removeContents(path)
	}
	r.removeEntry(path)
}

func (r *remover) removeEntry(path string) {
	err := retry(retryBudget, isTransient, func() error { return os.Remove(path) })
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.fail(err)
	}
}

func (r *remover) removeContents(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		r.fail(err)
		return
	}
	for _, e := range entries {
		child := filepath.Join(dir, e.Name())
		// Most entries are plain files that go at the first attempt; only
		// directories and refusals need the Lstat and permission fix-up.
		if !e.IsDir() {
			err := os.Remove(child)
			if err == nil || errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		fi, err := os.Lstat(child)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			r.fail(err)
			continue
		}
		r.remove(child, fi)
	}
}
