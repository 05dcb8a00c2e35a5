package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// readLocal reads a small metadata file; a missing file wraps ErrNotFound so
// that a Sources chain falls through to the next source.
func readLocal(name string) ([]byte, error) {
	data, err := os.ReadFile(filepath.FromSlash(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}
