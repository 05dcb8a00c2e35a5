package modproxy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/govm-dev/govm/internal/fsx"
)

// Cache keeps immutable answers that were verified before being stored:
// checksum database records and tiles, and go.mod files. Names are
// slash-separated relative paths such as
// "sumdb/sum.golang.org/tile/8/0/001" or "mod/golang.org/x/mod/@v/v0.1.0.mod".
// Implementations must be safe for concurrent use.
type Cache interface {
	// Get returns the stored data; any error counts as a miss.
	Get(name string) ([]byte, error)
	// Put stores data under name. Failures only cost a later re-download.
	Put(name string, data []byte) error
}

// DirCache stores entries as files under dir, written atomically so that
// concurrent govm processes never read half an entry.
type DirCache string

// Get implements Cache.
func (d DirCache) Get(name string) ([]byte, error) {
	p, err := d.path(name)
	if err != nil {
		return nil, err
	}
	return fsx.ReadFile(p)
}

// Put implements Cache. The file is written under a temporary name and
// renamed into place, so that no reader sees half of it, but it is not
// synced to disk: every entry is checked again whenever it is read (a
// go.mod against its hash, records and tiles by ReadCache and then by the
// checksum database client), so a file a crash left empty or short is a
// miss and no damaged file is ever taken for an answer; the go command
// writes its own module and checksum-database caches the same way. Syncing meant two flushes per
// entry: a scan starting from empty caches made about 290 fsync calls,
// 70 to 100 ms of system time on the benchmark machine. The tree heads,
// which are state rather than cache, are still synced (treehead.go).
func (d DirCache) Put(name string, data []byte) error {
	p, err := d.path(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cache %s: %w", name, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cache %s: %w", name, err)
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Chmod(0o644), f.Close())
	if err == nil {
		err = fsx.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache %s: %w", name, err)
	}
	return nil
}

// path maps name under the directory, refusing anything that could leave
// it or that Windows cannot store (a database name with a port, say).
func (d DirCache) path(name string) (string, error) {
	if d == "" {
		return "", errors.New("cache directory not set")
	}
	if !validCacheName(name) {
		return "", fmt.Errorf("cache name %q is not a plain relative path", name)
	}
	return filepath.Join(string(d), filepath.FromSlash(name)), nil
}

func validCacheName(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\:*?\"<>|\x00") {
		return false
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == "" || elem == "." || elem == ".." || strings.HasSuffix(elem, ".") || strings.HasSuffix(elem, " ") {
			return false
		}
	}
	return true
}

// memCache is the Cache used when no directory is configured: answers are
// still reused within one process.
type memCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func newMemCache() *memCache { return &memCache{m: map[string][]byte{}} }

func (c *memCache) Get(name string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	data, ok := c.m[name]
	if !ok {
		return nil, os.ErrNotExist
	}
	return data, nil
}

func (c *memCache) Put(name string, data []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[name] = append([]byte(nil), data...)
	return nil
}
