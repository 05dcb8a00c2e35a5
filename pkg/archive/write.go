package archive

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// copyBufferSize is the chunk in which file data is hashed and written:
// large enough that a 30 MB binary takes few system calls, small enough to
// keep one buffer per worker cheap.
const copyBufferSize = 256 << 10

// emptySHA256 is the hash recorded for directories.
var emptySHA256 = sha256.Sum256(nil)

// writer performs every filesystem change of one extraction through a
// single os.Root, so that nothing (not even a symlink planted by a racing
// process) can redirect a write outside the extraction directory.
type writer struct {
	root *os.Root
	o    *Options
	made map[string]bool // directories known to exist; sequential phases only
}

// mkdirAll creates rel and its parents.
func (w *writer) mkdirAll(name, rel string) error {
	if rel == "." || w.made[rel] {
		return nil
	}
	for _, d := range append(parentDirs(rel), rel) {
		if w.made[d] {
			continue
		}
		if err := w.root.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("extract %s: %w", name, err)
		}
		w.made[d] = true
	}
	return nil
}

// mkdirParents creates the directories rel sits in.
func (w *writer) mkdirParents(name, rel string) error {
	dirs := parentDirs(rel)
	if len(dirs) == 0 {
		return nil
	}
	return w.mkdirAll(name, dirs[len(dirs)-1])
}

// writeFile creates rel (which must not exist) with mode and copies exactly
// size bytes from r into it, hashing them on the way. name is the entry's
// name in the archive, for errors.
func (w *writer) writeFile(ctx context.Context, name, rel string, r io.Reader, size int64, mode fs.FileMode, buf []byte) (Entry, error) {
	f, err := w.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return Entry{}, fmt.Errorf("extract %s: %w", name, err)
	}
	h := sha256.New()
	var written int64
	for {
		if err := ctx.Err(); err != nil {
			f.Close()
			return Entry{}, err
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			if written+int64(n) > size {
				f.Close()
				return Entry{}, unsafeEntry(name, "data longer than its declared size %d", size)
			}
			h.Write(buf[:n])
			if err := w.write(f, name, buf[:n]); err != nil {
				f.Close()
				return Entry{}, err
			}
			written += int64(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			f.Close()
			return Entry{}, readError(name, size, written, rerr)
		}
	}
	if written != size {
		f.Close()
		return Entry{}, unsafeEntry(name, "data shorter (%d bytes) than its declared size %d", written, size)
	}
	if err := f.Close(); err != nil {
		return Entry{}, fmt.Errorf("extract %s: %w", name, err)
	}
	e := Entry{Path: rel, Size: size, Mode: mode}
	h.Sum(e.SHA256[:0])
	return e, nil
}

func (w *writer) write(f *os.File, name string, p []byte) error {
	if w.o.beforeWrite != nil {
		if err := w.o.beforeWrite(name); err != nil {
			return fmt.Errorf("extract %s: %w", name, err)
		}
	}
	if _, err := f.Write(p); err != nil {
		return fmt.Errorf("extract %s: %w", name, err)
	}
	return nil
}

// readError turns a failure reading an entry's data into an error naming
// the entry. Data that ends early or runs past its declared size means the
// header lies about the entry, which is how zip bombs and smuggled bytes
// look.
func readError(name string, size, written int64, err error) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &UnsafeEntryError{Entry: name, Reason: fmt.Sprintf("data shorter (%d bytes) than its declared size %d", written, size), Err: err}
	case errors.Is(err, zip.ErrFormat):
		return &UnsafeEntryError{Entry: name, Reason: fmt.Sprintf("data longer than its declared size %d", size), Err: err}
	case errors.Is(err, zip.ErrChecksum):
		return &UnsafeEntryError{Entry: name, Reason: "CRC-32 does not match its data", Err: err}
	}
	return fmt.Errorf("extract %s: read data: %w", name, err)
}

// symlink creates rel pointing at target (already checked to stay inside).
func (w *writer) symlink(name, rel, target string) error {
	if err := w.root.Symlink(filepath.FromSlash(target), rel); err != nil {
		return fmt.Errorf("extract %s: %w", name, err)
	}
	return nil
}

// link makes rel a hard link to the earlier file target, or a copy where
// the filesystem has no hard links (FAT, some network shares).
func (w *writer) link(ctx context.Context, name, rel string, target Entry, buf []byte) error {
	if err := w.root.Link(target.Path, rel); err == nil {
		return nil
	}
	src, err := w.root.Open(target.Path)
	if err != nil {
		return fmt.Errorf("extract %s: %w", name, err)
	}
	defer src.Close()
	e, err := w.writeFile(ctx, name, rel, src, target.Size, target.Mode, buf)
	if err != nil {
		return err
	}
	if e.SHA256 != target.SHA256 {
		return fmt.Errorf("extract %s: copy of %s changed while copying", name, target.Path)
	}
	return nil
}
