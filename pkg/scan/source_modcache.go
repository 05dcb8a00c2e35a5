package scan

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/mod/module"
)

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
