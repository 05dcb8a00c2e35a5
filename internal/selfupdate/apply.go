package selfupdate

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

const (
	// maxArchiveBytes bounds a release archive (govm's are ~10 MB).
	maxArchiveBytes = 256 << 20
	// maxBinaryBytes bounds the extracted executable.
	maxBinaryBytes = 256 << 20
)

// Apply downloads u's archive, checks it against u.SHA256, and replaces
// the executable at exe with the govm binary inside. Every temporary file
// is made beside exe, so the final step is a rename on one volume: a crash
// leaves the old binary or the new one, never a torn file.
func Apply(ctx context.Context, opts Options, u Update, exe string) error {
	dir := filepath.Dir(exe)
	archive, err := os.CreateTemp(dir, ".govm-download-*")
	if err != nil {
		return fmt.Errorf("update %s: %w", exe, err)
	}
	defer os.Remove(archive.Name())
	defer archive.Close()

	if err := download(ctx, opts, u, archive); err != nil {
		return err
	}
	newExe, err := extractBinary(archive, u.Asset, exeName(opts.GOOS), dir)
	if err != nil {
		return fmt.Errorf("update %s from %s: %w", exe, u.URL, err)
	}
	defer os.Remove(newExe) // gone after a successful replace; cleans up otherwise
	if err := replace(exe, newExe); err != nil {
		return fmt.Errorf("update %s: %w", exe, err)
	}
	return nil
}

// download copies u's archive into f while hashing it, and checks the hash.
func download(ctx context.Context, opts Options, u Update, f *os.File) error {
	body, err := open(ctx, opts.Client, u.URL)
	if err != nil {
		return fmt.Errorf("download govm %s: %w", u.Latest, err)
	}
	defer body.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(body, maxArchiveBytes+1))
	if err != nil {
		return fmt.Errorf("download %s: %w", u.URL, err)
	}
	if n > maxArchiveBytes {
		return fmt.Errorf("download %s: larger than %d bytes", u.URL, maxArchiveBytes)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != strings.ToLower(u.SHA256) {
		return fmt.Errorf("download %s: sha256 %s, checksums.txt says %s: %w", u.URL, got, u.SHA256, ErrChecksumMismatch)
	}
	return nil
}

func exeName(goos string) string {
	if goos == "windows" {
		return "govm.exe"
	}
	return "govm"
}

// extractBinary finds the entry called want at the top of the archive (or
// one directory down) and writes it, executable, to a new file in dir.
func extractBinary(archive *os.File, asset, want, dir string) (string, error) {
	if _, err := archive.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	var src io.Reader
	if strings.HasSuffix(asset, ".zip") {
		fi, err := archive.Stat()
		if err != nil {
			return "", err
		}
		zr, err := zip.NewReader(archive, fi.Size())
		if err != nil {
			return "", fmt.Errorf("read zip %s: %w", asset, err)
		}
		for _, f := range zr.File {
			if isWanted(f.Name, want) && f.Mode().IsRegular() {
				rc, err := f.Open()
				if err != nil {
					return "", fmt.Errorf("read %s in %s: %w", f.Name, asset, err)
				}
				defer rc.Close()
				src = rc
				break
			}
		}
	} else {
		gz, err := gzip.NewReader(archive)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", asset, err)
		}
		tr := tar.NewReader(gz)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return "", fmt.Errorf("read %s: %w", asset, err)
			}
			if isWanted(hdr.Name, want) && hdr.Typeflag == tar.TypeReg {
				src = tr
				break
			}
		}
	}
	if src == nil {
		return "", fmt.Errorf("%s: %w (looked for %s)", asset, ErrNoBinary, want)
	}
	out, err := os.CreateTemp(dir, ".govm-new-*")
	if err != nil {
		return "", err
	}
	n, err := io.Copy(out, io.LimitReader(src, maxBinaryBytes+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxBinaryBytes {
		err = fmt.Errorf("%s in %s is larger than %d bytes", want, asset, maxBinaryBytes)
	}
	if err == nil {
		err = os.Chmod(out.Name(), 0o755)
	}
	if err != nil {
		os.Remove(out.Name())
		return "", fmt.Errorf("extract %s from %s: %w", want, asset, err)
	}
	return out.Name(), nil
}

// isWanted matches "govm" and "govm_1.2.3_linux_amd64/govm", not deeper paths.
func isWanted(name, want string) bool {
	name = strings.TrimPrefix(path.Clean(strings.ReplaceAll(name, `\`, "/")), "./")
	return name == want || path.Base(name) == want && strings.Count(name, "/") == 1
}
