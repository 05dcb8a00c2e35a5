package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/fsx"
)

func TestInstallHappyPath(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	if s.Has(key) {
		t.Fatal("Has before Install")
	}
	rec := install(t, s, key)

	if rec.Version != key.Version || rec.OS != "linux" || rec.Arch != "amd64" {
		t.Errorf("record identity = %v %s/%s", rec.Version, rec.OS, rec.Arch)
	}
	if rec.Files != len(goroot) {
		t.Errorf("record Files = %d, want %d", rec.Files, len(goroot))
	}
	var size int64
	for _, c := range goroot {
		size += int64(len(c))
	}
	if rec.Size != size {
		t.Errorf("record Size = %d, want %d", rec.Size, size)
	}
	if rec.InstalledAt.IsZero() || rec.Seconds <= 0 {
		t.Errorf("InstalledAt %v, Seconds %v: want both set", rec.InstalledAt, rec.Seconds)
	}
	if !s.Has(key) {
		t.Error("Has after Install = false")
	}
	got, err := s.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	if got.Dir != filepath.Join(s.Dir(), "go1.22.5") || got.Record.URL != rec.URL || got.Record.Hash != rec.Hash {
		t.Errorf("Get = %+v", got)
	}
	content, err := os.ReadFile(filepath.Join(got.Dir, "bin", "go"))
	if err != nil || string(content) != goroot["bin/go"] {
		t.Errorf("bin/go = %q, %v", content, err)
	}
	fi, err := os.Stat(filepath.Join(got.Dir, "bin", "go"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o222 != 0 {
		t.Errorf("installed file is writable: %v", fi.Mode())
	}
	files, err := s.readManifestFile(key)
	if err != nil || len(files) != len(goroot) {
		t.Errorf("manifest: %d entries, %v", len(files), err)
	}
	list, err := s.List()
	if err != nil || len(list) != 1 || list[0].Key != key {
		t.Errorf("List = %+v, %v", list, err)
	}
}

func TestInstallAlreadyInstalledDoesNotFill(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	first := install(t, s, key)
	f := &fakeFill{files: goroot}
	rec, already, err := s.Install(context.Background(), key, false, f.fill)
	if err != nil || !already {
		t.Fatalf("second Install = already %v, %v; want already", already, err)
	}
	if f.calls.Load() != 0 {
		t.Errorf("fill called %d times for an installed version", f.calls.Load())
	}
	if !rec.InstalledAt.Equal(first.InstalledAt) {
		t.Errorf("returned record installed at %v, want the existing %v", rec.InstalledAt, first.InstalledAt)
	}
}

func TestInstallEmptyPlatformMeansHost(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, Key{Version: key.Version})
	if !s.Has(key) || !s.Has(Key{Version: key.Version}) {
		t.Error("a key without platform and the host key name different installs")
	}
}

func TestInstallOtherPlatform(t *testing.T) {
	s := newTestStore(t)
	win := hostKey("1.22.5")
	win.OS = "windows"
	install(t, s, win)
	if !exists(filepath.Join(s.Dir(), "go1.22.5.windows-amd64.json")) {
		t.Error("record of a windows toolchain is not go1.22.5.windows-amd64.json")
	}
	if s.Has(hostKey("1.22.5")) {
		t.Error("a windows toolchain counts as the host's")
	}
	list, _ := s.List()
	if len(list) != 1 || list[0].Key != win {
		t.Errorf("List = %+v", list)
	}
}

func TestInstallFillErrorLeavesNothing(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	boom := errors.New("checksum mismatch")
	_, _, err := s.Install(context.Background(), key, false, func(ctx context.Context, dir string) (Record, []FileRecord, error) {
		if err := writeTree(dir, goroot); err != nil {
			return Record{}, nil, err
		}
		return Record{}, nil, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Install = %v, want the fill error", err)
	}
	if !strings.Contains(err.Error(), "go1.22.5") {
		t.Errorf("error %q does not name the version", err)
	}
	assertNothingOf(t, s, key)
}

func TestInstallBadManifestLeavesNothing(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	_, _, err := s.Install(context.Background(), key, false, func(ctx context.Context, dir string) (Record, []FileRecord, error) {
		return Record{}, []FileRecord{{Path: "../escape", Mode: 0o644, SHA256: hashA}}, writeTree(dir, goroot)
	})
	if !errors.Is(err, ErrBadManifest) {
		t.Fatalf("Install = %v, want ErrBadManifest", err)
	}
	assertNothingOf(t, s, key)
}

func TestInstallCancelledDuringFillLeavesNothing(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	ctx, cancel := context.WithCancel(context.Background())
	_, _, err := s.Install(ctx, key, false, func(ctx context.Context, dir string) (Record, []FileRecord, error) {
		f := &fakeFill{files: goroot}
		rec, files, err := f.fill(ctx, dir)
		cancel() // the user pressed Ctrl+C just as extraction finished
		return rec, files, err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Install = %v, want context.Canceled", err)
	}
	assertNothingOf(t, s, key)
}

func assertNothingOf(t *testing.T, s *Store, key Key) {
	t.Helper()
	if s.Has(key) {
		t.Error("version counts as installed")
	}
	for _, p := range []string{s.Root(key), s.recordPath(key), s.manifestPath(key)} {
		if exists(p) {
			t.Errorf("%s left behind", p)
		}
	}
	if stale, err := s.Stale(); err != nil || len(stale) != 0 {
		t.Errorf("Stale = %v, %v; want nothing", stale, err)
	}
}

// simulateCrash leaves what a process killed in the middle of extraction
// leaves: a partial tree, a temporary record file, and no record.
func simulateCrash(t *testing.T, s *Store, key Key) {
	t.Helper()
	root := s.Root(key)
	if err := writeTree(root, map[string]string{"VERSION": "go1.22.5", "bin/go": "half a bin"}); err != nil {
		t.Fatal(err)
	}
	if err := fsx.SetReadOnly(root); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(s.Dir(), "."+filepath.Base(s.recordPath(key))+".tmp-4242")
	if err := os.WriteFile(tmp, []byte(`{"version":`), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCrashedInstallIsNotListedAndIsReplaced(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	simulateCrash(t, s, key)
	if s.Has(key) {
		t.Fatal("a tree without a record counts as installed")
	}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Fatalf("List = %+v, %v; want nothing", list, err)
	}
	problems, err := s.Problems()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[ProblemKind]bool{}
	for _, p := range problems {
		kinds[p.Kind] = true
	}
	if !kinds[StaleTree] || !kinds[TempFile] {
		t.Errorf("Problems = %+v, want a stale tree and a temp file", problems)
	}

	var sawEmpty bool
	_, _, err = s.Install(context.Background(), key, false, func(ctx context.Context, dir string) (Record, []FileRecord, error) {
		entries, _ := os.ReadDir(dir)
		sawEmpty = len(entries) == 0
		return (&fakeFill{files: goroot}).fill(ctx, dir)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sawEmpty {
		t.Error("fill was given the crashed install's partial tree instead of an empty directory")
	}
	got, err := os.ReadFile(filepath.Join(s.Root(key), "bin", "go"))
	if err != nil || string(got) != goroot["bin/go"] {
		t.Errorf("bin/go = %q, %v", got, err)
	}
}

func TestCleanStale(t *testing.T) {
	s := newTestStore(t)
	crashed := hostKey("1.22.5")
	simulateCrash(t, s, crashed)
	installed := hostKey("1.21.0")
	install(t, s, installed)
	orphan := filepath.Join(s.Dir(), "go1.20.1.files")
	if err := os.WriteFile(orphan, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(s.Dir(), "notes")
	if err := os.Mkdir(foreign, 0o755); err != nil {
		t.Fatal(err)
	}

	want := []string{
		filepath.Join(s.Dir(), ".go1.22.5.json.tmp-4242"),
		orphan,
		s.Root(crashed),
	}
	stale, err := s.Stale()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(stale, "\n") != strings.Join(want, "\n") {
		t.Errorf("Stale = %q, want %q", stale, want)
	}
	removed, err := s.CleanStale(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(removed, "\n") != strings.Join(want, "\n") {
		t.Errorf("CleanStale = %q, want %q", removed, want)
	}
	for _, p := range want {
		if exists(p) {
			t.Errorf("%s still present", p)
		}
	}
	if !s.Has(installed) || !exists(s.Root(installed)) || !exists(foreign) {
		t.Error("CleanStale removed something that was not stale")
	}
	if problems, _ := s.Problems(); len(problems) != 0 {
		t.Errorf("Problems after CleanStale = %+v", problems)
	}
}

func TestCleanStaleSkipsVersionBeingInstalled(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	simulateCrash(t, s, key)
	// Another installer holds the version's lock: its tree is not stale.
	l, err := fsx.Lock(context.Background(), s.lockPath("go1.22.5"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	for name, f := range map[string]func() ([]string, error){
		"Stale":      s.Stale,
		"CleanStale": func() ([]string, error) { return s.CleanStale(context.Background()) },
	} {
		if got, err := f(); err != nil || len(got) != 0 {
			t.Errorf("%s = %q, %v; want nothing while the version is locked", name, got, err)
		}
	}
	if !exists(s.Root(key)) {
		t.Error("tree of a version being installed was removed")
	}
}

func TestForceReinstall(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, key)
	// A file that the new toolchain does not have must not survive.
	f := &fakeFill{files: map[string]string{"VERSION": "go1.22.5 rebuilt", "bin/go": "new go"}}
	rec, already, err := s.Install(context.Background(), key, true, f.fill)
	if err != nil || already {
		t.Fatalf("forced Install = already %v, %v", already, err)
	}
	if f.calls.Load() != 1 || rec.Files != 2 {
		t.Errorf("fill calls %d, record Files %d; want 1 and 2", f.calls.Load(), rec.Files)
	}
	if exists(filepath.Join(s.Root(key), "bin", "gofmt")) {
		t.Error("file of the old tree survived a forced reinstall")
	}
	rep, err := s.Verify(context.Background(), key)
	if err != nil || !rep.OK() {
		t.Errorf("Verify after forced reinstall = %+v, %v", rep, err)
	}
}

func TestForceReinstallFailureLeavesVersionUninstalled(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, key)
	_, _, err := s.Install(context.Background(), key, true, func(context.Context, string) (Record, []FileRecord, error) {
		return Record{}, nil, errors.New("network down")
	})
	if err == nil {
		t.Fatal("forced Install with a failing fill succeeded")
	}
	assertNothingOf(t, s, key)
}

func TestInstallOverCorruptRecord(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, key)
	if err := os.WriteFile(s.recordPath(key), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &fakeFill{files: goroot}
	if _, already, err := s.Install(context.Background(), key, false, f.fill); err != nil || already {
		t.Fatalf("Install over a corrupt record = already %v, %v; want a fresh install", already, err)
	}
	if _, err := s.Get(key); err != nil {
		t.Errorf("Get after reinstall: %v", err)
	}
}

func TestInstallInvalidKey(t *testing.T) {
	s := newTestStore(t)
	f := &fakeFill{files: goroot}
	if _, _, err := s.Install(context.Background(), Key{}, false, f.fill); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Install of the zero Key = %v, want ErrInvalidKey", err)
	}
	if f.calls.Load() != 0 {
		t.Error("fill called for an invalid key")
	}
}

func TestInstallWaitsForLockAndHonoursContext(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	l, err := fsx.Lock(context.Background(), s.lockPath("go1.22.5"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := &fakeFill{files: goroot}
	if _, _, err := s.Install(ctx, key, false, f.fill); !errors.Is(err, context.Canceled) {
		t.Errorf("Install while locked with a cancelled context = %v, want context.Canceled", err)
	}
	if f.calls.Load() != 0 {
		t.Error("fill ran without the lock")
	}
}

func TestInstalledFilesCannotBeOverwritten(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs a non-root Unix user: root ignores permission bits, and Wine run as root ignores the read-only attribute")
	}
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, key)
	if err := os.WriteFile(filepath.Join(s.Root(key), "VERSION"), []byte("x"), 0o644); err == nil {
		t.Error("an installed file could be overwritten")
	}
}
