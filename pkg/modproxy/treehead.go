package modproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/govm-dev/govm/internal/fsx"
	"golang.org/x/mod/sumdb"
)

// treeHeads stores the latest signed tree head seen from each checksum
// database. It is what makes the database's log append-only from our point
// of view: every later answer must prove it extends this head, so it must
// outlive the process (a directory) and be updated compare-and-swap.
type treeHeads interface {
	read(ctx context.Context, name string) ([]byte, error)
	swap(ctx context.Context, name string, old, new []byte) error
}

// dirTreeHeads keeps <dir>/<db name>/latest, guarded by a lock file so
// that concurrent govm processes merge their views instead of losing one.
type dirTreeHeads string

func (d dirTreeHeads) file(name string) (string, error) {
	if err := checkSumDBName(name); err != nil {
		return "", err
	}
	return filepath.Join(string(d), filepath.FromSlash(name), "latest"), nil
}

func (d dirTreeHeads) read(_ context.Context, name string) ([]byte, error) {
	p, err := d.file(name)
	if err != nil {
		return nil, err
	}
	data, err := fsx.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checksum database state %s: %w", p, err)
	}
	return data, nil
}

func (d dirTreeHeads) swap(ctx context.Context, name string, old, new []byte) error {
	p, err := d.file(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("write checksum database state %s: %w", p, err)
	}
	lock, err := fsx.Lock(ctx, p+".lock")
	if err != nil {
		return fmt.Errorf("write checksum database state %s: %w", p, err)
	}
	defer lock.Unlock()
	cur, err := d.read(ctx, name)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, old) {
		return sumdb.ErrWriteConflict
	}
	return fsx.WriteFileAtomic(p, new, 0o644)
}

// memTreeHeads is used when no directory is configured.
type memTreeHeads struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (m *memTreeHeads) read(_ context.Context, name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[name], nil
}

func (m *memTreeHeads) swap(_ context.Context, name string, old, new []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !bytes.Equal(m.m[name], old) {
		return sumdb.ErrWriteConflict
	}
	if m.m == nil {
		m.m = map[string][]byte{}
	}
	m.m[name] = append([]byte(nil), new...)
	return nil
}
