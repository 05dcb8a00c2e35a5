package scan

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/pkg/modproxy"
)

func modV(path, version string) module.Version { return module.Version{Path: path, Version: version} }

// memSource is an in-memory ModSource keyed by module version.
type memSource map[module.Version][]byte

func (s memSource) GoMod(_ context.Context, path, version string) ([]byte, error) {
	if data, ok := s[module.Version{Path: path, Version: version}]; ok {
		return data, nil
	}
	return nil, fmt.Errorf("%s@%s: %w", path, version, ErrNotFound)
}

func (s memSource) Versions(_ context.Context, path string) ([]string, error) {
	var out []string
	for m := range s {
		if m.Path == path {
			out = append(out, m.Version)
		}
	}
	if out == nil {
		return nil, fmt.Errorf("%s: %w", path, ErrNotFound)
	}
	return out, nil
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// proxySource is the production ModSource pointed at a test proxy. The
// fixtures' proxies have no checksum database, so go.mod files are checked
// only against go.sum, as with GOSUMDB=off.
func proxySource(t testing.TB, url string) *ModProxySource {
	t.Helper()
	c, err := modproxy.New(modproxy.Config{GOPROXY: url, GOSUMDB: "off"})
	if err != nil {
		t.Fatal(err)
	}
	return &ModProxySource{Client: c}
}
