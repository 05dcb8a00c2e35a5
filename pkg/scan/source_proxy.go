package scan

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/mod/module"
)

// maxGoModBytes bounds one go.mod or version list; the go command itself
// refuses go.mod files beyond a few megabytes.
const maxGoModBytes = 16 << 20

// ProxySource reads module metadata from a GOPROXY-protocol server
// (https://go.dev/ref/mod#goproxy-protocol). It is deliberately minimal:
// only the @v/list and @v/<version>.mod endpoints are used, and it exists
// until pkg/modproxy offers the same behind ModSource.
type ProxySource struct {
	// BaseURL is the proxy root, e.g. "https://proxy.golang.org".
	BaseURL string
	// Client is the HTTP client; nil means http.DefaultClient.
	Client *http.Client
}

// ProxySourcesFromEnv turns a GOPROXY value into sources tried in order. Both
// "," and "|" separate entries; "direct" and "off" end the list because
// scanning never talks to version control systems.
func ProxySourcesFromEnv(goproxy string, client *http.Client) Sources {
	var out Sources
	for _, f := range strings.FieldsFunc(goproxy, func(r rune) bool { return r == ',' || r == '|' }) {
		f = strings.TrimSpace(f)
		if f == "direct" || f == "off" {
			break
		}
		if f != "" {
			out = append(out, &ProxySource{BaseURL: f, Client: client})
		}
	}
	return out
}

// GoMod implements ModSource.
func (p *ProxySource) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	ep, err := module.EscapePath(path)
	if err != nil {
		return nil, fmt.Errorf("go.mod of %s@%s: %w", path, version, err)
	}
	ev, err := module.EscapeVersion(version)
	if err != nil {
		return nil, fmt.Errorf("go.mod of %s@%s: %w", path, version, err)
	}
	return p.get(ctx, ep+"/@v/"+ev+".mod")
}

// Versions implements ModSource.
func (p *ProxySource) Versions(ctx context.Context, path string) ([]string, error) {
	ep, err := module.EscapePath(path)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", path, err)
	}
	data, err := p.get(ctx, ep+"/@v/list")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(data)), nil
}

func (p *ProxySource) get(ctx context.Context, rel string) ([]byte, error) {
	url := strings.TrimSuffix(p.BaseURL, "/") + "/" + rel
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	client := p.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("GET %s: %w: %v", url, ErrUnavailable, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("GET %s: %w (%d)", url, ErrNotFound, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("GET %s: %w (%d)", url, ErrUnavailable, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxGoModBytes+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w: %v", url, ErrUnavailable, err)
	}
	if len(data) > maxGoModBytes {
		return nil, fmt.Errorf("GET %s: answer larger than %d bytes", url, maxGoModBytes)
	}
	return data, nil
}

// ModCacheSource reads go.mod files and version lists from a local module
// cache ($GOMODCACHE), the way the go command does with GOPROXY=off. Only
// versions that were downloaded before are known, so it suits --offline.
type ModCacheSource struct {
	// Dir is the module cache root, `go env GOMODCACHE`.
	Dir string
}

// GoMod implements ModSource.
func (c ModCacheSource) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	dir, err := c.downloadDir(path)
	if err != nil {
		return nil, err
	}
	ev, err := module.EscapeVersion(version)
	if err != nil {
		return nil, fmt.Errorf("go.mod of %s@%s: %w", path, version, err)
	}
	return readLocal(dir + "/" + ev + ".mod")
}

// Versions implements ModSource. The list holds the versions present in the
// cache, which is usually a subset of what was published.
func (c ModCacheSource) Versions(ctx context.Context, path string) ([]string, error) {
	dir, err := c.downloadDir(path)
	if err != nil {
		return nil, err
	}
	data, err := readLocal(dir + "/list")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(data)), nil
}

func (c ModCacheSource) downloadDir(path string) (string, error) {
	ep, err := module.EscapePath(path)
	if err != nil {
		return "", fmt.Errorf("module cache lookup %s: %w", path, err)
	}
	return c.Dir + "/cache/download/" + ep + "/@v", nil
}
