//go:build windows

package activate

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// junctionsSupported probes dir's volume. Wine answers ERROR_NOT_SUPPORTED
// for every junction, so there the tests below that need real junctions
// skip; the switching rules themselves are covered on every platform by
// TestSetCurrentLogic through a fake linker.
func junctionsSupported(t *testing.T, dir string) bool {
	t.Helper()
	target := mkdirs(t, dir, "probe-target")[0]
	link := filepath.Join(dir, "probe-link")
	err := SetCurrent(link, target)
	if errors.Is(err, ErrLinksUnsupported) {
		return false
	}
	if err != nil {
		t.Fatalf("probe junction: %v", err)
	}
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	return true
}

func noTempLeft(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary junction left behind: %s", e.Name())
		}
	}
}

func TestJunctionUnsupportedIsExplained(t *testing.T) {
	home := tempdir.New(t)
	if junctionsSupported(t, home) {
		t.Skip("this volume supports junctions; the unsupported path needs FAT, exFAT or Wine")
	}
	target := mkdirs(t, home, `versions\go1.22.5`)[0]
	link := filepath.Join(home, "current")
	err := SetCurrent(link, target)
	if !errors.Is(err, ErrLinksUnsupported) {
		t.Fatalf("err = %v, want ErrLinksUnsupported", err)
	}
	for _, want := range []string{link, "does not support junctions", "govm setup --shims"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if _, err := os.Lstat(link); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("something was left at %s: %v", link, err)
	}
	noTempLeft(t, home)
}

func TestJunctionReadStates(t *testing.T) {
	home := tempdir.New(t)
	link := filepath.Join(home, "current")
	if _, err := ReadCurrent(link); !errors.Is(err, ErrNoCurrent) {
		t.Fatalf("nothing there: %v, want ErrNoCurrent", err)
	}
	mkdirs(t, home, `current\keep`)
	if _, err := ReadCurrent(link); !errors.Is(err, ErrNotALink) || !strings.Contains(err.Error(), "directory") {
		t.Fatalf("real directory: %v, want ErrNotALink naming a directory", err)
	}
	target := mkdirs(t, home, "v")[0]
	if err := SetCurrent(link, target); !errors.Is(err, ErrNotALink) {
		t.Fatalf("SetCurrent over a real directory: %v, want ErrNotALink", err)
	}
	if _, err := os.Stat(filepath.Join(link, "keep")); err != nil {
		t.Fatalf("the real directory was touched: %v", err)
	}
	file := filepath.Join(home, "current-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadCurrent(file); !errors.Is(err, ErrNotALink) || !strings.Contains(err.Error(), "file") {
		t.Fatalf("file: %v, want ErrNotALink naming a file", err)
	}
}

func TestJunctionSwitchRoundTrip(t *testing.T) {
	home := tempdir.New(t)
	if !junctionsSupported(t, home) {
		t.Skip("no junctions on this volume (Wine); switching rules are covered by TestSetCurrentLogic")
	}
	dirs := mkdirs(t, home, `versions\go1.22.5`, `versions\go1.23.1`)
	link := filepath.Join(home, "current")
	if err := SetCurrent(link, dirs[0]); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&(fs.ModeIrregular|fs.ModeSymlink) == 0 {
		t.Errorf("Lstat mode %v: not reported as a link", fi.Mode())
	}
	if raw, err := os.Readlink(link); err != nil || !strings.EqualFold(raw, dirs[0]) {
		t.Errorf("os.Readlink = %q, %v; want %q", raw, err, dirs[0])
	}
	before := fileIndex(t, link)
	for _, target := range []string{dirs[1], dirs[0], dirs[1]} {
		if err := SetCurrent(link, target); err != nil {
			t.Fatalf("SetCurrent(%s): %v", target, err)
		}
		got, err := ReadCurrent(link)
		if err != nil || !strings.EqualFold(got, target) {
			t.Fatalf("ReadCurrent = %q, %v; want %q", got, err, target)
		}
		if err := os.WriteFile(filepath.Join(target, "marker"), []byte(target), 0o644); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(link, "marker")); err != nil || string(b) != target {
			t.Fatalf("through the junction: %q, %v", b, err)
		}
	}
	if after := fileIndex(t, link); after != before {
		t.Errorf("the junction was recreated (file index %x -> %x), want its data rewritten in place", before, after)
	}
	noTempLeft(t, home)

	// Remove the active version behind govm's back.
	if err := os.Remove(filepath.Join(dirs[1], "marker")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(dirs[1]); err != nil {
		t.Fatal(err)
	}
	_, err = ReadCurrent(link)
	var le *LinkError
	if !errors.Is(err, ErrBrokenLink) || !errors.As(err, &le) || !strings.EqualFold(le.Target, dirs[1]) {
		t.Fatalf("broken junction: %v, want ErrBrokenLink with target %s", err, dirs[1])
	}
	if err := SetCurrent(link, dirs[0]); err != nil {
		t.Fatalf("repoint a broken junction: %v", err)
	}
	// Removing the junction must leave the version it pointed at intact.
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dirs[0], "marker")); err != nil {
		t.Fatalf("removing the junction touched its target: %v", err)
	}
}

// fileIndex identifies the directory entry at path itself (not its target).
func fileIndex(t *testing.T, path string) uint64 {
	t.Helper()
	h, err := openReparse(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(h)
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &info); err != nil {
		t.Fatal(err)
	}
	return uint64(info.FileIndexHigh)<<32 | uint64(info.FileIndexLow)
}
