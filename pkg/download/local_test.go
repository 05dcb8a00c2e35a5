package download

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/httperr"
)

func TestFilePathFor(t *testing.T) {
	for _, tc := range []struct {
		url, goos, want string
		bad             bool
	}{
		{url: "file:///srv/go/go1.22.5.linux-amd64.tar.gz", goos: "linux", want: "/srv/go/go1.22.5.linux-amd64.tar.gz"},
		{url: "file://localhost/srv/go/x.tar.gz", goos: "linux", want: "/srv/go/x.tar.gz"},
		{url: "file:///srv/my%20mirror/x.zip", goos: "darwin", want: "/srv/my mirror/x.zip"},
		{url: "file://server/share/x.zip", goos: "linux", bad: true},
		{url: "file:///C:/go/x.zip", goos: "windows", want: `C:\go\x.zip`},
		{url: "file:///c:/Program%20Files/x.zip", goos: "windows", want: `c:\Program Files\x.zip`},
		{url: "file://server/share/dl/x.zip", goos: "windows", want: `\\server\share\dl\x.zip`},
		{url: "file://LOCALHOST/C:/x.zip", goos: "windows", want: `C:\x.zip`},
		{url: "file:relative/x.zip", goos: "linux", bad: true},
		{url: "http://host/x.zip", goos: "linux", bad: true},
		{url: "file://", goos: "windows", bad: true},
	} {
		got, err := filePathFor(tc.url, tc.goos)
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), tc.url) {
				t.Errorf("filePathFor(%q, %s) = %q, %v; want an error naming the URL", tc.url, tc.goos, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("filePathFor(%q, %s) = %q, %v; want %q", tc.url, tc.goos, got, err, tc.want)
		}
	}
}

// fileURL builds the file:// URL of a local path on this system.
func fileURL(p string) string {
	p = filepath.ToSlash(p)
	if runtime.GOOS == "windows" {
		return "file:///" + p
	}
	return "file://" + p
}

func TestFetchFileURL(t *testing.T) {
	dir := tempdir.New(t)
	data := testData(700 << 10)
	src := filepath.Join(dir, "go1.22.5.linux-amd64.tar.gz")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(dir, "cache.partial")
	var buf bytes.Buffer
	var calls int
	var last, total int64
	res, err := Fetch(context.Background(), fileURL(src), partial, &buf, Options{
		Progress: func(d, tot int64) { calls++; last, total = d, tot },
	})
	if err != nil {
		t.Fatal(err)
	}
	equalBytes(t, "writer", buf.Bytes(), data)
	if !res.Local || res.Bytes != int64(len(data)) {
		t.Errorf("result %+v, want Local with %d bytes", res, len(data))
	}
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Errorf("a local fetch created the partial file (stat: %v)", err)
	}
	if calls < 2 || last != int64(len(data)) || total != int64(len(data)) {
		t.Errorf("progress: %d calls, last %d/%d", calls, last, total)
	}

	_, err = Fetch(context.Background(), fileURL(src), "", &bytes.Buffer{}, Options{Size: 10})
	if !errors.Is(err, ErrSizeMismatch) {
		t.Errorf("size 10 vs %d on disk: %v, want ErrSizeMismatch", len(data), err)
	}
	missing := fileURL(filepath.Join(dir, "nope.zip"))
	_, err = Fetch(context.Background(), missing, "", &bytes.Buffer{}, Options{})
	if !errors.Is(err, httperr.ErrNotFound) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: %v, want ErrNotFound naming %s", err, missing)
	}
	_, err = Fetch(context.Background(), fileURL(dir), "", &bytes.Buffer{}, Options{})
	if err == nil {
		t.Error("fetching a directory succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fetch(ctx, fileURL(src), "", &bytes.Buffer{}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}
