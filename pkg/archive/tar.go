package archive

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// maxTrailingBytes bounds what may follow the end of the tar archive inside
// the gzip stream (tar pads to 10 KiB records); it is read so that gzip's
// CRC-32 and length check run.
const maxTrailingBytes = 1 << 20

// ExtractTarGz unpacks a gzip-compressed tar stream into dir, which must
// exist, in one pass: r can be a download still in progress. Entries are
// checked (see UnsafeEntryError) before anything of theirs is written;
// symlinks are created last, once every link is known and checked. On
// error, dir holds a partial result that the caller removes.
func ExtractTarGz(ctx context.Context, r io.Reader, dir string, o Options) (Manifest, error) {
	gz, err := gzip.NewReader(bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read gzip header: %w", err)
	}
	defer gz.Close()
	m, err := extractTar(ctx, gz, dir, &o)
	if err != nil {
		return nil, err
	}
	n, err := io.CopyN(io.Discard, gz, maxTrailingBytes+1)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read gzip stream after the tar archive: %w", err)
	}
	if n > maxTrailingBytes {
		return nil, fmt.Errorf("more than %d bytes follow the end of the tar archive", maxTrailingBytes)
	}
	return m, nil
}

// pendingLink is a symlink seen in the stream, created at the end.
type pendingLink struct {
	name, rel, target string
}

func extractTar(ctx context.Context, src io.Reader, dir string, o *Options) (Manifest, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open extraction directory: %w", err)
	}
	defer root.Close()
	w := &writer{root: root, o: o, made: make(map[string]bool)}
	ns := newNamespace(o)
	prefix := o.prefix()
	buf := make([]byte, copyBufferSize)
	var m Manifest
	var links []pendingLink
	tr := tar.NewReader(src)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read tar archive: %w", err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // metadata such as git archive's commit id
		}
		rel, uerr := entryPath(hdr.Name, prefix, o, true)
		if uerr != nil {
			return nil, uerr
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if uerr := ns.add(hdr.Name, rel, kindDir, 0); uerr != nil {
				return nil, uerr
			}
			if err := w.mkdirAll(hdr.Name, rel); err != nil {
				return nil, err
			}
			m = append(m, Entry{Path: rel, Mode: fs.ModeDir | 0o755, SHA256: emptySHA256})
		case tar.TypeReg:
			if uerr := ns.add(hdr.Name, rel, kindFile, hdr.Size); uerr != nil {
				return nil, uerr
			}
			if err := w.mkdirParents(hdr.Name, rel); err != nil {
				return nil, err
			}
			e, err := w.writeFile(ctx, hdr.Name, rel, tr, hdr.Size, ns.fileMode(rel, fs.FileMode(hdr.Mode)), buf)
			if err != nil {
				return nil, err
			}
			ns.files[rel] = e
			m = append(m, e)
		case tar.TypeLink:
			e, err := hardLink(ctx, w, ns, hdr, rel, prefix, buf)
			if err != nil {
				return nil, err
			}
			m = append(m, e)
		case tar.TypeSymlink:
			if uerr := ns.addSymlink(hdr.Name, rel, hdr.Linkname); uerr != nil {
				return nil, uerr
			}
			links = append(links, pendingLink{hdr.Name, rel, hdr.Linkname})
			m = append(m, symlinkEntry(rel, hdr.Linkname))
		case tar.TypeChar, tar.TypeBlock:
			return nil, unsafeEntry(hdr.Name, "device file")
		case tar.TypeFifo:
			return nil, unsafeEntry(hdr.Name, "named pipe (fifo)")
		default:
			return nil, unsafeEntry(hdr.Name, "unsupported tar entry type %q", hdr.Typeflag)
		}
	}
	if err := createSymlinks(w, ns, links); err != nil {
		return nil, err
	}
	return m, nil
}

// hardLink handles a tar hard link: its target must be a regular file
// unpacked earlier from the same archive.
func hardLink(ctx context.Context, w *writer, ns *namespace, hdr *tar.Header, rel, prefix string, buf []byte) (Entry, error) {
	trel, uerr := entryPath(hdr.Linkname, prefix, w.o, true)
	if uerr != nil {
		return Entry{}, unsafeEntry(hdr.Name, "hard link target %q: %s", hdr.Linkname, uerr.Reason)
	}
	target, ok := ns.files[trel]
	if !ok {
		return Entry{}, unsafeEntry(hdr.Name, "hard link to %q, which is not an earlier file of the archive", hdr.Linkname)
	}
	if uerr := ns.add(hdr.Name, rel, kindFile, 0); uerr != nil {
		return Entry{}, uerr
	}
	if err := w.mkdirParents(hdr.Name, rel); err != nil {
		return Entry{}, err
	}
	if err := w.link(ctx, hdr.Name, rel, target, buf); err != nil {
		return Entry{}, err
	}
	e := target
	e.Path = rel
	ns.files[rel] = e
	return e, nil
}

func symlinkEntry(rel, target string) Entry {
	return Entry{Path: rel, Mode: fs.ModeSymlink | 0o777, SHA256: sha256.Sum256([]byte(target)), LinkTarget: target}
}

// createSymlinks checks that every symlink resolves inside the directory,
// following the archive's other links, then creates them.
func createSymlinks(w *writer, ns *namespace, links []pendingLink) error {
	if len(links) == 0 {
		return nil
	}
	names := make(map[string]string, len(links))
	for _, l := range links {
		names[l.rel] = l.name
	}
	if uerr := ns.checkSymlinks(names); uerr != nil {
		return uerr
	}
	for _, l := range links {
		if err := w.mkdirParents(l.name, l.rel); err != nil {
			return err
		}
		if err := w.symlink(l.name, l.rel, l.target); err != nil {
			return err
		}
	}
	return nil
}
