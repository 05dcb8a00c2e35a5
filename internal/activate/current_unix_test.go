//go:build unix

package activate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestSymlinkSwitchRoundTrip(t *testing.T) {
	home := tempdir.New(t)
	dirs := mkdirs(t, home, "versions/go1.22.5", "versions/go1.23.1")
	link := filepath.Join(home, "current")

	if _, err := ReadCurrent(link); !errors.Is(err, ErrNoCurrent) {
		t.Fatalf("before any switch: err = %v, want ErrNoCurrent", err)
	}
	for _, target := range []string{dirs[0], dirs[1], dirs[0]} {
		if err := SetCurrent(link, target); err != nil {
			t.Fatalf("SetCurrent(%s): %v", target, err)
		}
		got, err := ReadCurrent(link)
		if err != nil || got != target {
			t.Fatalf("ReadCurrent = %q, %v; want %q", got, err, target)
		}
		// What the shell sees through PATH: a file inside the target.
		if err := os.WriteFile(filepath.Join(target, "marker"), []byte(target), 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(link, "marker"))
		if err != nil || string(b) != target {
			t.Fatalf("through the link: %q, %v", b, err)
		}
	}
	entries, err := os.ReadDir(home)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary link left behind: %s", e.Name())
		}
	}
}

func TestSymlinkInsideHomeIsRelativeAndSurvivesAMove(t *testing.T) {
	parent := tempdir.New(t)
	home := filepath.Join(parent, "govm")
	dirs := mkdirs(t, home, "versions/go1.22.5")
	link := filepath.Join(home, "current")
	if err := SetCurrent(link, dirs[0]); err != nil {
		t.Fatal(err)
	}
	raw, err := os.Readlink(link)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("versions", "go1.22.5"); raw != want {
		t.Fatalf("stored target %q, want %q", raw, want)
	}
	moved := filepath.Join(parent, "moved")
	if err := os.Rename(home, moved); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCurrent(filepath.Join(moved, "current"))
	if want := filepath.Join(moved, "versions", "go1.22.5"); err != nil || got != want {
		t.Fatalf("after moving the home: %q, %v; want %q", got, err, want)
	}
}

func TestSymlinkOutsideHomeIsAbsolute(t *testing.T) {
	home := tempdir.New(t)
	elsewhere := tempdir.New(t)
	link := filepath.Join(home, "current")
	if err := SetCurrent(link, elsewhere); err != nil {
		t.Fatal(err)
	}
	raw, err := os.Readlink(link)
	if err != nil || raw != elsewhere {
		t.Fatalf("stored %q, %v; want the absolute %q", raw, err, elsewhere)
	}
}

func TestSymlinkBrokenAndNotALink(t *testing.T) {
	home := tempdir.New(t)
	dirs := mkdirs(t, home, "versions/go1.22.5", "realdir")
	link := filepath.Join(home, "current")
	if err := SetCurrent(link, dirs[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(dirs[0]); err != nil {
		t.Fatal(err)
	}
	_, err := ReadCurrent(link)
	var le *LinkError
	if !errors.Is(err, ErrBrokenLink) || !errors.As(err, &le) || le.Target != dirs[0] {
		t.Fatalf("after removing the target: %v (%+v), want ErrBrokenLink with target %s", err, le, dirs[0])
	}
	// A broken link can still be repointed.
	if err := SetCurrent(link, dirs[1]); err != nil {
		t.Fatalf("repoint broken link: %v", err)
	}

	realDir := filepath.Join(home, "current2")
	mkdirs(t, home, "current2/keep")
	if _, err := ReadCurrent(realDir); !errors.Is(err, ErrNotALink) {
		t.Fatalf("ReadCurrent(real dir) = %v, want ErrNotALink", err)
	}
	if err := SetCurrent(realDir, dirs[1]); !errors.Is(err, ErrNotALink) {
		t.Fatalf("SetCurrent over a real dir = %v, want ErrNotALink", err)
	}
	if _, err := os.Stat(filepath.Join(realDir, "keep")); err != nil {
		t.Fatalf("the real directory was touched: %v", err)
	}

	file := filepath.Join(home, "current3")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadCurrent(file); !errors.Is(err, ErrNotALink) || !strings.Contains(err.Error(), "file") {
		t.Fatalf("ReadCurrent(file) = %v, want ErrNotALink naming a file", err)
	}
}

func TestSetCurrentMissingParentNamesTheLink(t *testing.T) {
	home := tempdir.New(t)
	dirs := mkdirs(t, home, "v")
	link := filepath.Join(home, "no", "such", "current")
	err := SetCurrent(link, dirs[0])
	if err == nil || !strings.Contains(err.Error(), link) {
		t.Fatalf("err = %v, want an error naming %s", err, link)
	}
}
