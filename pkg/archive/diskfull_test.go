package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// failNthWrite returns a beforeWrite hook that fails the n-th write of the
// extraction with ENOSPC and records the entry it failed.
func failNthWrite(n int) (hook func(string) error, failed func() string) {
	var mu sync.Mutex
	count, entry := 0, ""
	hook = func(name string) error {
		mu.Lock()
		defer mu.Unlock()
		count++
		if count == n {
			entry = name
			return syscall.ENOSPC
		}
		return nil
	}
	return hook, func() string { mu.Lock(); defer mu.Unlock(); return entry }
}

// openFiles counts this process's open file descriptors (Linux only).
func openFiles(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

func diskFullArchive(t *testing.T) (tgz, zipData []byte) {
	var tes []tarEntry
	var zes []zipEntry
	for i := range 40 {
		name := fmt.Sprintf("go/src/pkg%02d/file.go", i)
		body := strings.Repeat(fmt.Sprintf("// line %d\n", i), 2000)
		tes = append(tes, file(name, body))
		zes = append(zes, zipEntry{name: name, body: body, deflate: true})
	}
	return makeTarGz(t, tes...), makeZip(t, zes...)
}

func TestDiskFullNamesEntry(t *testing.T) {
	tgz, z := diskFullArchive(t)
	for _, format := range []string{"tar.gz", "zip"} {
		t.Run(format, func(t *testing.T) {
			before := -1
			if runtime.GOOS == "linux" {
				before = openFiles(t)
			}
			out, parent := sandbox(t)
			hook, failed := failNthWrite(17)
			o := Options{Prefix: "go/", Workers: 3, beforeWrite: hook}
			var err error
			if format == "zip" {
				_, err = ExtractZip(context.Background(), bytes.NewReader(z), int64(len(z)), out, o)
			} else {
				_, err = ExtractTarGz(context.Background(), bytes.NewReader(tgz), out, o)
			}
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("error %v, want ENOSPC", err)
			}
			if failed() == "" || !strings.Contains(err.Error(), failed()) {
				t.Errorf("error %q does not name the entry that failed, %q", err, failed())
			}
			if before >= 0 {
				if after := openFiles(t); after > before {
					t.Errorf("%d files left open", after-before)
				}
			}
			assertConfined(t, parent, out)
		})
	}
}

// TestDiskFullTmpfs fills a real 1 MiB tmpfs, mounted in a user and mount
// namespace (unshare -rm), with a 3 MiB archive.
func TestDiskFullTmpfs(t *testing.T) {
	if dir := os.Getenv("GOVM_ARCHIVE_TMPFS"); dir != "" {
		diskFullChild(t, dir)
		return
	}
	if runtime.GOOS != "linux" || testing.Short() {
		t.Skip("needs Linux user namespaces")
	}
	if err := exec.Command("unshare", "-rm", "true").Run(); err != nil {
		t.Skipf("unshare -rm is not available here: %v", err)
	}
	mnt := tempdir.New(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("unshare", "-rm", "sh", "-c", `mount -t tmpfs -o size=1m tmpfs "$0" && exec "$1" -test.run='^TestDiskFullTmpfs$' -test.v`, mnt, exe)
	cmd.Env = append(os.Environ(), "GOVM_ARCHIVE_TMPFS="+mnt)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "mount") && !strings.Contains(string(out), "=== RUN") {
			t.Skipf("cannot mount tmpfs in a user namespace: %s", out)
		}
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestDiskFullTmpfs") {
		t.Fatalf("child did not pass:\n%s", out)
	}
	for line := range strings.Lines(string(out)) {
		if strings.Contains(line, "full disk reported as") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

func diskFullChild(t *testing.T, dir string) {
	_, z := diskFullArchive(t) // 40 files of 22 KB: fits in 1 MiB
	var zes []zipEntry
	for i := range 3 {
		zes = append(zes, zipEntry{name: fmt.Sprintf("go/bin/tool%d", i), body: strings.Repeat("\x7fELF binary ", 90_000), deflate: true})
	}
	big := makeZip(t, zes...)
	for i, data := range [][]byte{z, big} {
		out, err := os.MkdirTemp(dir, "out")
		if err != nil {
			t.Fatal(err)
		}
		_, err = ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, Options{Prefix: "go/"})
		if i == 0 {
			if err != nil {
				t.Fatalf("900 KB into 1 MiB tmpfs: %v", err)
			}
			fsx.RemoveAll(out)
			continue
		}
		var msgOK bool
		for i := range 3 {
			msgOK = msgOK || strings.Contains(fmt.Sprint(err), fmt.Sprintf("go/bin/tool%d", i))
		}
		if !errors.Is(err, syscall.ENOSPC) || !msgOK {
			t.Fatalf("3 MB into 1 MiB tmpfs: %v, want ENOSPC naming the entry", err)
		}
		t.Logf("full disk reported as: %v", err)
	}
}
