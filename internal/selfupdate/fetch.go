package selfupdate

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/govm-dev/govm/pkg/httperr"
	"github.com/govm-dev/govm/pkg/release"
)

// open returns the body at rawURL: http(s) through client, file:// URLs and
// plain paths from disk, so a mirror on a file share works like a web one.
func open(ctx context.Context, client *http.Client, rawURL string) (io.ReadCloser, error) {
	switch {
	case strings.HasPrefix(rawURL, "http://"), strings.HasPrefix(rawURL, "https://"):
		if client == nil {
			client = http.DefaultClient
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", rawURL, err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("get %s: %w: %w", rawURL, release.ErrUnavailable, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, &httperr.StatusError{URL: rawURL, Code: resp.StatusCode}
		}
		return resp.Body, nil
	default:
		p := rawURL
		if strings.HasPrefix(rawURL, "file:") {
			var err error
			if p, err = release.FilePath(rawURL); err != nil {
				return nil, fmt.Errorf("open %s: %w", rawURL, err)
			}
		}
		f, err := os.Open(filepath.FromSlash(p))
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("open %s: %w", rawURL, release.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", rawURL, err)
		}
		return f, nil
	}
}

// fetch reads a small document whole, refusing one beyond limit bytes.
func fetch(ctx context.Context, client *http.Client, rawURL string, limit int64) ([]byte, error) {
	body, err := open(ctx, client, rawURL)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rawURL, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("read %s: larger than %d bytes", rawURL, limit)
	}
	return data, nil
}
