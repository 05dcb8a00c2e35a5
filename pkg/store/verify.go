package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/govm-dev/govm/internal/fsx"
)

// VerifyReport is the result of comparing an installed tree with its
// manifest. Paths are slash-separated and relative to the GOROOT.
type VerifyReport struct {
	Key     Key      `json:"key"`
	Checked int      `json:"checked"` // manifest entries examined
	Missing []string `json:"missing"` // in the manifest, gone from the tree (quarantined go.exe)
	Changed []string `json:"changed"` // present, but of another size, content or type
	Extra   []string `json:"extra"`   // in the tree, not in the manifest
}

// OK reports whether the tree matches its manifest exactly.
func (r VerifyReport) OK() bool {
	return len(r.Missing) == 0 && len(r.Changed) == 0 && len(r.Extra) == 0
}

// Verify re-hashes every file of key's manifest and reports what is
// missing, changed or extra, under key's lock so no concurrent reinstall
// is mistaken for damage. Permission bits are not compared: Windows has
// none to compare, and they say nothing about the content. The error
// wraps ErrNotInstalled when key has no record and ErrBadManifest when its
// manifest is missing or unreadable; a damaged tree is not an error.
func (s *Store) Verify(ctx context.Context, key Key) (rep VerifyReport, err error) {
	key, err = s.normalize(key)
	if err != nil {
		return VerifyReport{}, err
	}
	lock, err := fsx.Lock(ctx, s.lockPath(s.name(key)))
	if err != nil {
		return VerifyReport{}, fmt.Errorf("verify %s: %w", key, err)
	}
	defer lock.Unlock()
	if _, err := s.readRecord(key); err != nil {
		return VerifyReport{}, fmt.Errorf("verify: %w", err)
	}
	files, err := s.readManifestFile(key)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("verify %s: %w", key, err)
	}
	rep, err = verifyTree(ctx, s.Root(key), files)
	rep.Key = key
	if err != nil {
		return rep, fmt.Errorf("verify %s: %w", key, err)
	}
	return rep, nil
}

func (s *Store) readManifestFile(key Key) ([]FileRecord, error) {
	path := s.manifestPath(key)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s is missing", ErrBadManifest, path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	files, err := ReadManifest(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return files, nil
}

// verifyTree compares root with files. Hashing runs on all CPUs: a GOROOT
// is some 15,000 files and verification is I/O and SHA-256 bound.
func verifyTree(ctx context.Context, root string, files []FileRecord) (VerifyReport, error) {
	rep := VerifyReport{Checked: len(files)}
	want := make(map[string]FileRecord, len(files))
	for _, f := range files {
		want[f.Path] = f
	}
	seen := make(map[string]bool, len(files))
	var toHash []FileRecord
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return ctx.Err()
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		w, listed := want[rel]
		if !listed {
			rep.Extra = append(rep.Extra, rel)
			return nil
		}
		seen[rel] = true
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case w.Mode.Type() != fi.Mode().Type():
			rep.Changed = append(rep.Changed, rel)
		case w.Mode.IsRegular() && fi.Size() != w.Size:
			rep.Changed = append(rep.Changed, rel)
		case w.Mode.IsRegular():
			toHash = append(toHash, w)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	for _, f := range files {
		if !seen[f.Path] {
			rep.Missing = append(rep.Missing, f.Path)
		}
	}
	changed, err := hashAll(ctx, root, toHash)
	if err != nil {
		return rep, err
	}
	rep.Changed = append(rep.Changed, changed...)
	slices.Sort(rep.Changed)
	return rep, nil
}

// hashAll returns the paths among files whose content does not match.
func hashAll(ctx context.Context, root string, files []FileRecord) ([]string, error) {
	mismatch := make([]bool, len(files))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, f := range files {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			sum, err := hashFile(filepath.Join(root, filepath.FromSlash(f.Path)))
			if errors.Is(err, fs.ErrNotExist) {
				mismatch[i] = true // deleted since the walk: as good as changed
				return nil
			}
			if err != nil {
				return err
			}
			mismatch[i] = sum != f.SHA256
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var changed []string
	for i, f := range files {
		if mismatch[i] {
			changed = append(changed, f.Path)
		}
	}
	return changed, nil
}

// hashFile returns the lower-case hex SHA-256 of a file's content.
func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ManifestOf hashes the tree under root and returns its manifest: every
// regular file and symbolic link, by slash-separated relative path. It is
// the manifest to install with when the extractor did not produce one, and
// what tests compare against.
func ManifestOf(ctx context.Context, root string) ([]FileRecord, error) {
	var files []FileRecord
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		f := FileRecord{Path: filepath.ToSlash(rel), Mode: fi.Mode()}
		if fi.Mode().IsRegular() {
			f.Size = fi.Size()
			if f.SHA256, err = hashFile(path); err != nil {
				return err
			}
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("manifest of %s: %w", root, err)
	}
	return files, nil
}
