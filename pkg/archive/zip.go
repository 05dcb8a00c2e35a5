package archive

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// maxSymlinkTarget bounds a zip symlink's stored target (its data).
const maxSymlinkTarget = 4096

// zipJob is one regular file to write.
type zipJob struct {
	index int
	file  *zip.File
	rel   string
	mode  fs.FileMode
}

// ExtractZip unpacks the zip archive in ra (size bytes) into dir, which
// must exist. The whole central directory is checked first (names, types,
// duplicates, declared sizes against Limits) so that a hostile archive is
// refused before any file is written; then files are written by
// o.Workers goroutines at once. Each file's data is cut off as soon as it
// runs past its declared size. On error, every worker has stopped and no
// file is open; dir holds a partial result that the caller removes.
func ExtractZip(ctx context.Context, ra io.ReaderAt, size int64, dir string, o Options) (Manifest, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// ErrInsecurePath (GODEBUG=zipinsecurepath=0) comes with a usable
		// reader; our own name checks are stricter and name the entry.
		return nil, fmt.Errorf("read zip directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open extraction directory: %w", err)
	}
	defer root.Close()
	w := &writer{root: root, o: &o, made: make(map[string]bool)}
	ns := newNamespace(&o)
	prefix := o.prefix()
	m := make(Manifest, len(zr.File))
	var jobs []zipJob
	var dirs []string
	var links []pendingLink
	for i, f := range zr.File {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rel, uerr := entryPath(f.Name, prefix, &o, false)
		if uerr != nil {
			return nil, uerr
		}
		mode := f.Mode()
		isDirName := f.Name[len(f.Name)-1] == '/'
		switch {
		case isDirName:
			if f.UncompressedSize64 != 0 {
				return nil, unsafeEntry(f.Name, "directory entry with data")
			}
			if uerr := ns.add(f.Name, rel, kindDir, 0); uerr != nil {
				return nil, uerr
			}
			dirs = append(dirs, rel)
			m[i] = Entry{Path: rel, Mode: fs.ModeDir | 0o755, SHA256: emptySHA256}
		case mode.IsDir():
			return nil, unsafeEntry(f.Name, "directory attributes on a name without a trailing slash")
		case mode&fs.ModeSymlink != 0:
			target, err := readSymlinkTarget(f)
			if err != nil {
				return nil, err
			}
			if uerr := ns.addSymlink(f.Name, rel, target); uerr != nil {
				return nil, uerr
			}
			links = append(links, pendingLink{f.Name, rel, target})
			m[i] = symlinkEntry(rel, target)
		case mode&(fs.ModeDevice|fs.ModeCharDevice) != 0:
			return nil, unsafeEntry(f.Name, "device file")
		case mode&fs.ModeNamedPipe != 0:
			return nil, unsafeEntry(f.Name, "named pipe (fifo)")
		case mode&fs.ModeSocket != 0:
			return nil, unsafeEntry(f.Name, "socket")
		case !mode.IsRegular():
			return nil, unsafeEntry(f.Name, "unsupported file type %v", mode.Type())
		default:
			if f.UncompressedSize64 > math.MaxInt64 {
				return nil, &UnsafeEntryError{Entry: f.Name, Reason: "file larger than MaxFileBytes", Err: ErrLimit}
			}
			if uerr := ns.add(f.Name, rel, kindFile, int64(f.UncompressedSize64)); uerr != nil {
				return nil, uerr
			}
			jobs = append(jobs, zipJob{index: i, file: f, rel: rel, mode: ns.fileMode(rel, mode)})
		}
	}
	if len(links) > 0 {
		names := make(map[string]string, len(links))
		for _, l := range links {
			names[l.rel] = l.name
		}
		if uerr := ns.checkSymlinks(names); uerr != nil {
			return nil, uerr
		}
	}
	for _, d := range dirs {
		if err := w.mkdirAll(d, d); err != nil {
			return nil, err
		}
	}
	for _, j := range jobs {
		if err := w.mkdirParents(j.file.Name, j.rel); err != nil {
			return nil, err
		}
	}
	if err := w.writeZipFiles(ctx, jobs, m, o.workers()); err != nil {
		return nil, err
	}
	for _, l := range links {
		if err := w.mkdirParents(l.name, l.rel); err != nil {
			return nil, err
		}
		if err := w.symlink(l.name, l.rel, l.target); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// readSymlinkTarget reads a zip symlink's data, which is its target.
func readSymlinkTarget(f *zip.File) (string, error) {
	if f.UncompressedSize64 > maxSymlinkTarget {
		return "", unsafeEntry(f.Name, "symlink target longer than %d bytes", maxSymlinkTarget)
	}
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("extract %s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxSymlinkTarget+1))
	if err != nil {
		return "", readError(f.Name, int64(f.UncompressedSize64), int64(len(b)), err)
	}
	return string(b), nil
}

// writeZipFiles writes jobs with n workers, biggest files first so that a
// few large binaries do not end up last on one worker. The first error
// stops every worker; it returns once all have stopped.
func (w *writer) writeZipFiles(ctx context.Context, jobs []zipJob, m Manifest, n int) error {
	slices.SortStableFunc(jobs, func(a, b zipJob) int {
		switch {
		case a.file.UncompressedSize64 > b.file.UncompressedSize64:
			return -1
		case a.file.UncompressedSize64 < b.file.UncompressedSize64:
			return 1
		}
		return 0
	})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}
	for range min(n, len(jobs)) {
		wg.Go(func() {
			buf := make([]byte, copyBufferSize)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				j := jobs[i]
				e, err := w.writeZipFile(ctx, j, buf)
				if err != nil {
					fail(err)
					return
				}
				m[j.index] = e
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (w *writer) writeZipFile(ctx context.Context, j zipJob, buf []byte) (Entry, error) {
	rc, err := j.file.Open()
	if err != nil {
		return Entry{}, fmt.Errorf("extract %s: %w", j.file.Name, err)
	}
	defer rc.Close()
	return w.writeFile(ctx, j.file.Name, j.rel, rc, int64(j.file.UncompressedSize64), j.mode, buf)
}
