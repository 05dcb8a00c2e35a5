package download

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/govm-dev/govm/pkg/httperr"
)

// FilePath turns a file:// URL into a path of this operating system:
// file:///srv/go/x.tar.gz is /srv/go/x.tar.gz, file:///C:/go/x.zip is
// C:\go\x.zip and file://server/share/x.zip is the UNC path
// \\server\share\x.zip (Windows only: other systems have no UNC paths).
func FilePath(rawURL string) (string, error) {
	return filePathFor(rawURL, runtime.GOOS)
}

// filePathFor is FilePath for a given GOOS, so that the Windows rules are
// tested on every platform.
func filePathFor(rawURL, goos string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("parse file URL %q: %w", rawURL, err)
	}
	if u.Scheme != "file" {
		return "", fmt.Errorf("parse file URL %q: scheme is not file", rawURL)
	}
	if u.Opaque != "" || u.Path == "" {
		return "", fmt.Errorf("parse file URL %q: want file:///absolute/path or file://host/share/path", rawURL)
	}
	p := u.Path
	host := u.Host
	if strings.EqualFold(host, "localhost") {
		host = ""
	}
	if goos != "windows" {
		if host != "" {
			return "", fmt.Errorf("parse file URL %q: host %q names a network share, which only Windows can open by URL (mount it and use file:///mount/point/x)", rawURL, u.Host)
		}
		return p, nil
	}
	if host != "" {
		return `\\` + host + strings.ReplaceAll(p, "/", `\`), nil
	}
	// "/C:/x.zip": the leading slash belongs to the URL, not the path.
	if len(p) >= 3 && p[0] == '/' && isLetter(p[1]) && p[2] == ':' {
		p = p[1:]
	}
	return strings.ReplaceAll(p, "/", `\`), nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// fetchLocal streams a local file into the writer: a mirror directory or a
// share is read in place, so no partial copy is kept.
func fetchLocal(ctx context.Context, rawURL string, f *fetcher) (Result, error) {
	path, err := FilePath(rawURL)
	if err != nil {
		return Result{}, err
	}
	if runtime.GOOS == "windows" {
		path = filepath.Clean(path)
	}
	file, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("fetch %s: %w", rawURL, notFoundIfMissing(err))
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return Result{}, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	if !fi.Mode().IsRegular() {
		return Result{}, fmt.Errorf("fetch %s: %s is not a regular file", rawURL, path)
	}
	res := Result{Local: true, Attempts: 1}
	if err := f.setTotal(fi.Size()); err != nil {
		return res, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	err = f.copyFrom(ctx, file, 0)
	res.Bytes = f.done
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return res, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	return res, nil
}

func notFoundIfMissing(err error) error {
	if os.IsNotExist(err) {
		return fmt.Errorf("%w: %v", httperr.ErrNotFound, err)
	}
	return err
}
