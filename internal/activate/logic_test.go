package activate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// fakeLinker keeps links in memory so the switching rules can be tested
// on any platform, including Windows under Wine where junctions fail. Targets
// are real directories, because readCurrent checks them on disk.
type fakeLinker struct {
	links     map[string]string // link -> stored target
	realPaths map[string]bool   // paths holding a real file or directory
	// injected failures
	createErr, retargetErr, removeErr error
	// createRace makes the next create find the link already made by
	// "another process" pointing at raceTarget.
	createRace bool
	raceTarget string
	calls      []string
}

func newFake() *fakeLinker {
	return &fakeLinker{links: map[string]string{}, realPaths: map[string]bool{}}
}

func (f *fakeLinker) read(link string) (string, error) {
	f.calls = append(f.calls, "read")
	if f.realPaths[link] {
		return "", fmt.Errorf("%w: %s is a directory", ErrNotALink, link)
	}
	t, ok := f.links[link]
	if !ok {
		return "", &fs.PathError{Op: "readlink", Path: link, Err: fs.ErrNotExist}
	}
	return t, nil
}

func (f *fakeLinker) create(link, target string) error {
	f.calls = append(f.calls, "create")
	if f.createRace {
		f.createRace = false
		f.links[link] = f.raceTarget
		return &fs.PathError{Op: "rename", Path: link, Err: fs.ErrExist}
	}
	if f.createErr != nil {
		return f.createErr
	}
	f.links[link] = target
	return nil
}

func (f *fakeLinker) retarget(link, target string) error {
	f.calls = append(f.calls, "retarget")
	if f.retargetErr != nil {
		return f.retargetErr
	}
	f.links[link] = target
	return nil
}

func (f *fakeLinker) remove(link string) error {
	f.calls = append(f.calls, "remove")
	if f.removeErr != nil {
		return f.removeErr
	}
	delete(f.links, link)
	return nil
}

func TestReadCurrentStates(t *testing.T) {
	root := tempdir.New(t)
	dirs := mkdirs(t, root, "versions/go1.22.5")
	file := filepath.Join(root, "afile")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "current")
	gone := filepath.Join(root, "versions", "go1.21.0")
	tests := []struct {
		name       string
		stored     string // "" = no link
		real       bool
		want       string
		wantErr    error
		wantTarget string
	}{
		{name: "absolute target", stored: dirs[0], want: dirs[0]},
		{name: "relative target resolves against the link's directory", stored: filepath.Join("versions", "go1.22.5"), want: dirs[0]},
		{name: "unclean target is cleaned", stored: filepath.Join(root, "versions", ".", "go1.22.5") + string(filepath.Separator), want: dirs[0]},
		{name: "no link", wantErr: ErrNoCurrent},
		{name: "real directory", real: true, wantErr: ErrNotALink},
		{name: "missing target", stored: gone, wantErr: ErrBrokenLink, wantTarget: gone},
		{name: "missing relative target", stored: filepath.Join("versions", "go1.21.0"), wantErr: ErrBrokenLink, wantTarget: gone},
		{name: "target is a file", stored: file, wantErr: ErrBrokenLink, wantTarget: file},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.stored != "" {
				f.links[link] = tt.stored
			}
			f.realPaths[link] = tt.real
			got, err := readCurrent(f, link)
			if tt.wantErr == nil {
				if err != nil || got != tt.want {
					t.Fatalf("readCurrent = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("readCurrent err = %v, want %v", err, tt.wantErr)
			}
			var le *LinkError
			if !errors.As(err, &le) || le.Link != link || le.Target != tt.wantTarget {
				t.Fatalf("LinkError = %+v, want link %q target %q", le, link, tt.wantTarget)
			}
			if !strings.Contains(err.Error(), link) {
				t.Errorf("error %q does not name the link", err)
			}
		})
	}
}

func TestSetCurrentLogic(t *testing.T) {
	root := tempdir.New(t)
	dirs := mkdirs(t, root, "versions/go1.22.5", "versions/go1.23.1")
	a, b := dirs[0], dirs[1]
	link := filepath.Join(root, "current")
	boom := errors.New("boom")
	tests := []struct {
		name      string
		setup     func(f *fakeLinker)
		target    string
		wantCalls string
		want      string // stored target after the call
		wantErr   error
	}{
		{name: "creates a missing link", target: a, wantCalls: "read create", want: a},
		{name: "retargets an existing link in place",
			setup: func(f *fakeLinker) { f.links[link] = a }, target: b, wantCalls: "read retarget", want: b},
		{name: "retargets a dangling link",
			setup: func(f *fakeLinker) { f.links[link] = filepath.Join(root, "gone") }, target: b, wantCalls: "read retarget", want: b},
		{name: "falls back to delete and create when the rewrite fails",
			setup: func(f *fakeLinker) { f.links[link] = a; f.retargetErr = boom }, target: b, wantCalls: "read retarget remove create", want: b},
		{name: "a link created by a racing process is retargeted",
			setup: func(f *fakeLinker) { f.createRace = true; f.raceTarget = a }, target: b, wantCalls: "read create retarget", want: b},
		{name: "refuses to replace a real directory",
			setup: func(f *fakeLinker) { f.realPaths[link] = true }, target: a, wantCalls: "read", wantErr: ErrNotALink},
		{name: "unsupported volume is reported, not worked around",
			setup: func(f *fakeLinker) { f.createErr = unsupportedError(link, boom) }, target: a, wantCalls: "read create", wantErr: ErrLinksUnsupported},
		{name: "unsupported on retarget does not delete the old link",
			setup: func(f *fakeLinker) { f.links[link] = a; f.retargetErr = unsupportedError(link, boom) }, target: b, wantCalls: "read retarget", want: a, wantErr: ErrLinksUnsupported},
		{name: "failed removal keeps the old link and reports both",
			setup:  func(f *fakeLinker) { f.links[link] = a; f.retargetErr = boom; f.removeErr = errors.New("denied") },
			target: b, wantCalls: "read retarget remove", want: a, wantErr: boom},
		{name: "missing target is refused before touching the link",
			setup: func(f *fakeLinker) { f.links[link] = a }, target: filepath.Join(root, "versions", "go9"), wantCalls: "", want: a, wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			if tt.setup != nil {
				tt.setup(f)
			}
			err := setCurrent(f, link, tt.target)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("setCurrent: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("setCurrent err = %v, want %v", err, tt.wantErr)
			}
			if got := strings.Join(f.calls, " "); got != tt.wantCalls {
				t.Errorf("calls = %q, want %q", got, tt.wantCalls)
			}
			if tt.want != "" && f.links[link] != tt.want {
				t.Errorf("link -> %q, want %q", f.links[link], tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), link) {
				t.Errorf("error %q does not name the link", err)
			}
		})
	}
}

func TestSetCurrentTargetNotADirectory(t *testing.T) {
	root := tempdir.New(t)
	file := filepath.Join(root, "go")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f := newFake()
	err := setCurrent(f, filepath.Join(root, "current"), file)
	if err == nil || !strings.Contains(err.Error(), "not a directory") || !strings.Contains(err.Error(), file) {
		t.Fatalf("err = %v, want a not-a-directory error naming %s", err, file)
	}
	if len(f.links) != 0 {
		t.Errorf("a link was made: %v", f.links)
	}
}

func TestUnsupportedErrorOffersShims(t *testing.T) {
	err := unsupportedError(`E:\govm\current`, errors.New("The request is not supported."))
	if !errors.Is(err, ErrLinksUnsupported) {
		t.Fatal("does not wrap ErrLinksUnsupported")
	}
	for _, want := range []string{`E:\govm\current`, "does not support junctions", "govm setup --shims"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}
