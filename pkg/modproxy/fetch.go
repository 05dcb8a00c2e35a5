package modproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/govm-dev/govm/pkg/httperr"
)

// maxResponseBytes bounds every metadata answer (version list, .info, .mod,
// checksum database lookup or tile). The go command caps go.mod files at a
// few MiB and a full tile is 8 KiB; anything larger is a broken or hostile
// server, not data.
const maxResponseBytes = 16 << 20

// get fetches one small document from an http(s):// or file:// URL.
// Transport failures wrap ErrUnavailable, non-200 answers are
// *httperr.StatusError, a missing local file is a 404 StatusError so file://
// proxies fall through like remote ones.
func get(ctx context.Context, client *http.Client, rawURL string) ([]byte, error) {
	if strings.HasPrefix(rawURL, "file://") {
		return getFile(rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w: %v", rawURL, ErrConfig, err)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("GET %s: %w", rawURL, ctx.Err())
		}
		return nil, fmt.Errorf("GET %s: %w: %v", rawURL, ErrUnavailable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Drain a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return nil, &httperr.StatusError{URL: rawURL, Code: resp.StatusCode}
	}
	return readLimited(rawURL, resp.Body)
}

func readLimited(name string, r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w: %v", name, ErrUnavailable, err)
	}
	if len(body) > maxResponseBytes {
		return nil, fmt.Errorf("GET %s: %w: answer larger than %d bytes", name, ErrMalformed, maxResponseBytes)
	}
	return body, nil
}

func getFile(rawURL string) ([]byte, error) {
	p, err := filePath(rawURL)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &httperr.StatusError{URL: rawURL, Code: http.StatusNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w: %v", rawURL, ErrUnavailable, err)
	}
	defer f.Close()
	return readLimited(rawURL, f)
}

// filePath turns file:///dir/x (or file:///C:/dir/x on Windows) into a local path.
func filePath(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") {
		return "", fmt.Errorf("%w: %q is not a local file:// URL", ErrConfig, rawURL)
	}
	p := u.Path
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:]
	}
	return filepath.FromSlash(p), nil
}

// joinURL appends a slash-separated relative path to a base URL.
func joinURL(base, rel string) string {
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(rel, "/")
}
