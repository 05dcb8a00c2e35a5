package store

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// FileRecord is one entry of a toolchain's manifest: a file of the tree,
// by slash-separated path relative to the GOROOT.
type FileRecord struct {
	Path   string      // "bin/go", relative, slash-separated
	Size   int64       // bytes
	Mode   fs.FileMode // as extracted, type bits included
	SHA256 string      // lower-case hex of the content; "" for non-regular entries
}

// noHash stands in the hash column for entries without content (links).
const noHash = "-"

// maxManifestLine bounds one manifest line: a hash, two numbers and a path.
const maxManifestLine = 64 << 10

// WriteManifest writes files in the manifest format, one line per file:
//
//	<sha256 hex> <size> <octal mode> <path>
//
// sorted by path. The path comes last so it may contain spaces. Paths must
// be valid relative slash-separated paths (io/fs.ValidPath) without line
// breaks, regular files need a 64-digit hex SHA-256, and paths must be
// unique; otherwise nothing is written and the error wraps ErrBadManifest.
func WriteManifest(w io.Writer, files []FileRecord) error {
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b FileRecord) int { return cmp.Compare(a.Path, b.Path) })
	var buf bytes.Buffer
	for i, f := range sorted {
		if err := f.check(); err != nil {
			return err
		}
		if i > 0 && sorted[i-1].Path == f.Path {
			return fmt.Errorf("%w: duplicate path %q", ErrBadManifest, f.Path)
		}
		hash := f.SHA256
		if hash == "" {
			hash = noHash
		}
		fmt.Fprintf(&buf, "%s %d %s %s\n", hash, f.Size, strconv.FormatUint(uint64(f.Mode), 8), f.Path)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ReadManifest parses a manifest written by WriteManifest. It is strict:
// any malformed line, unsorted or duplicate path, or path that would leave
// the tree is an error wrapping ErrBadManifest, naming the line number.
func ReadManifest(r io.Reader) ([]FileRecord, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxManifestLine)
	sc.Split(splitLF)
	var files []FileRecord
	for n := 1; sc.Scan(); n++ {
		f, err := parseManifestLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if len(files) > 0 && files[len(files)-1].Path >= f.Path {
			return nil, fmt.Errorf("line %d: %w: path %q is not after %q", n, ErrBadManifest, f.Path, files[len(files)-1].Path)
		}
		files = append(files, f)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadManifest, err)
	}
	return files, nil
}

// splitLF splits at '\n' only: bufio.ScanLines would also drop a '\r',
// accepting a file the writer never produces.
func splitLF(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

func parseManifestLine(line string) (FileRecord, error) {
	fields := strings.SplitN(line, " ", 4)
	if len(fields) != 4 {
		return FileRecord{}, fmt.Errorf("%w: want \"<sha256> <size> <mode> <path>\", got %q", ErrBadManifest, line)
	}
	hash, sizeText, modeText, path := fields[0], fields[1], fields[2], fields[3]
	switch hash {
	case "":
		return FileRecord{}, fmt.Errorf("%w: empty hash field (want 64 hex digits or %q)", ErrBadManifest, noHash)
	case noHash:
		hash = ""
	}
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != sizeText {
		return FileRecord{}, fmt.Errorf("%w: size %q is not a non-negative decimal number", ErrBadManifest, sizeText)
	}
	mode, err := strconv.ParseUint(modeText, 8, 32)
	if err != nil || strconv.FormatUint(mode, 8) != modeText {
		return FileRecord{}, fmt.Errorf("%w: mode %q is not an octal number", ErrBadManifest, modeText)
	}
	f := FileRecord{Path: path, Size: size, Mode: fs.FileMode(mode), SHA256: hash}
	if err := f.check(); err != nil {
		return FileRecord{}, err
	}
	return f, nil
}

// check enforces what both the writer and the reader require of an entry,
// so that everything written reads back and nothing read escapes the tree.
func (f FileRecord) check() error {
	if !fs.ValidPath(f.Path) || f.Path == "." || strings.ContainsAny(f.Path, "\r\n\\") {
		return fmt.Errorf("%w: path %q must be relative, slash-separated, without .. or line breaks", ErrBadManifest, f.Path)
	}
	if f.Size < 0 {
		return fmt.Errorf("%w: %s: negative size %d", ErrBadManifest, f.Path, f.Size)
	}
	if f.Mode.IsDir() {
		return fmt.Errorf("%w: %s: directories are not listed", ErrBadManifest, f.Path)
	}
	if f.Mode.IsRegular() && !isSHA256Hex(f.SHA256) {
		return fmt.Errorf("%w: %s: SHA-256 %q is not 64 lower-case hex digits", ErrBadManifest, f.Path, f.SHA256)
	}
	if !f.Mode.IsRegular() && f.SHA256 != "" {
		return fmt.Errorf("%w: %s: only regular files carry a SHA-256", ErrBadManifest, f.Path)
	}
	return nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
