package store

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
)

// newTestStore returns a Store in a fresh directory whose host is
// linux/amd64 whatever machine runs the test.
func newTestStore(t *testing.T) *Store {
	t.Helper()
	return New(filepath.Join(tempdir.New(t), "versions")).WithHost("linux", "amd64")
}

func hostKey(v string) Key {
	return Key{Version: goversion.MustParse(v), OS: "linux", Arch: "amd64"}
}

// goroot is the content a fake fill extracts.
var goroot = map[string]string{
	"VERSION":                           "go1.22.5\ntime 2024-06-27\n",
	"bin/go":                            "#!fake go binary",
	"bin/gofmt":                         "#!fake gofmt binary",
	"pkg/tool/linux_amd64/compile":      "fake compiler",
	"src/fmt/print.go":                  "package fmt\n",
	"src/cmd/go/testdata/with space.go": "package p\n",
}

// fakeFill extracts files into the directory and counts its calls.
type fakeFill struct {
	files map[string]string
	calls atomic.Int32
}

func (f *fakeFill) fill(ctx context.Context, dir string) (Record, []FileRecord, error) {
	f.calls.Add(1)
	if err := writeTree(dir, f.files); err != nil {
		return Record{}, nil, err
	}
	files, err := ManifestOf(ctx, dir)
	if err != nil {
		return Record{}, nil, err
	}
	return Record{
		Source:        "test",
		URL:           "http://127.0.0.1/go1.22.5.linux-amd64.tar.gz",
		Hash:          Hash{Kind: "sha256", Value: "aa"},
		ArchiveSHA256: "aa",
		Bytes:         1234,
	}, files, nil
}

func writeTree(dir string, files map[string]string) error {
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			return err
		}
	}
	return nil
}

func install(t *testing.T, s *Store, key Key) Record {
	t.Helper()
	f := &fakeFill{files: goroot}
	rec, already, err := s.Install(context.Background(), key, false, f.fill)
	if err != nil {
		t.Fatalf("Install %s: %v", key, err)
	}
	if already {
		t.Fatalf("Install %s: already installed", key)
	}
	return rec
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
