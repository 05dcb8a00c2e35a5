package store

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestListOrderAndPlatforms(t *testing.T) {
	s := newTestStore(t)
	darwin := hostKey("1.22.5")
	darwin.OS, darwin.Arch = "darwin", "arm64"
	windows := hostKey("1.22.5")
	windows.OS = "windows"
	for _, k := range []Key{hostKey("1.21.0"), windows, hostKey("1.22.5"), darwin, hostKey("1.9"), hostKey("1.22rc1")} {
		install(t, s, k)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range list {
		got = append(got, filepath.Base(in.Dir))
	}
	want := "go1.22.5 go1.22.5.darwin-arm64 go1.22.5.windows-amd64 go1.22rc1 go1.21.0 go1.9"
	if strings.Join(got, " ") != want {
		t.Errorf("List order = %q, want %q", strings.Join(got, " "), want)
	}
}

func TestListSkipsAndReportsBrokenEntries(t *testing.T) {
	s := newTestStore(t)
	good := hostKey("1.22.5")
	install(t, s, good)
	corrupt := hostKey("1.21.0")
	install(t, s, corrupt)
	if err := os.WriteFile(s.recordPath(corrupt), []byte(`{"version": "go1.21.0", "os": `), 0o644); err != nil {
		t.Fatal(err)
	}
	misnamed := hostKey("1.20.1")
	install(t, s, misnamed)
	data, _ := os.ReadFile(s.recordPath(good))
	if err := os.WriteFile(s.recordPath(misnamed), data, 0o644); err != nil { // says go1.22.5
		t.Fatal(err)
	}
	treeless := hostKey("1.19.1")
	install(t, s, treeless)
	if err := fsx.RemoveAll(s.Root(treeless)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(s.Dir(), "unrelated"), 0o755); err != nil {
		t.Fatal(err)
	}

	list, err := s.List()
	if err != nil {
		t.Fatalf("List with broken entries: %v", err)
	}
	if len(list) != 1 || list[0].Key != good {
		t.Errorf("List = %+v, want only %s", list, good)
	}
	problems, err := s.Problems()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ProblemKind{}
	for _, p := range problems {
		got[filepath.Base(p.Path)] = p.Kind
	}
	want := map[string]ProblemKind{
		"go1.21.0.json": CorruptRecord,
		"go1.20.1.json": CorruptRecord,
		"go1.19.1.json": MissingTree,
	}
	if len(got) != len(want) {
		t.Errorf("Problems = %+v, want %v", problems, want)
	}
	for name, kind := range want {
		if got[name] != kind {
			t.Errorf("problem for %s = %q, want %q", name, got[name], kind)
		}
	}
	if _, err := s.Get(corrupt); !errors.Is(err, ErrCorruptRecord) {
		t.Errorf("Get of a corrupt record = %v, want ErrCorruptRecord", err)
	}
	if _, err := s.Get(misnamed); !errors.Is(err, ErrCorruptRecord) {
		t.Errorf("Get of a record naming another version = %v, want ErrCorruptRecord", err)
	}
}

func TestListMissingDirectory(t *testing.T) {
	s := New(filepath.Join(tempdir.New(t), "never-created"))
	list, err := s.List()
	if err != nil || len(list) != 0 {
		t.Errorf("List of a missing versions dir = %v, %v; want empty, nil", list, err)
	}
}

func TestListUnreadableDirectory(t *testing.T) {
	dir := tempdir.New(t)
	file := filepath.Join(dir, "versions")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(file).List(); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("List of a file = %v, want an error naming it", err)
	}
}

func TestGetNotInstalled(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.Get(hostKey("1.22.5")); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Get = %v, want ErrNotInstalled", err)
	}
	if s.Has(Key{}) {
		t.Error("Has of the zero Key")
	}
}

func TestRecordJSON(t *testing.T) {
	rec := Record{
		Version: hostKey("1.22.5").Version, OS: "linux", Arch: "amd64",
		Source: "go.dev", URL: "https://go.dev/dl/go1.22.5.linux-amd64.tar.gz",
		Hash:          Hash{Kind: "sha256", Value: hashA},
		ArchiveSHA256: hashA, Bytes: 68_000_000, Files: 13_000, Size: 230_000_000,
		InstalledAt: time.Date(2024, 7, 2, 10, 0, 0, 0, time.UTC), Seconds: 4.5,
		FromCache: true, GoVersionOutput: "go version go1.22.5 linux/amd64",
	}
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"version":"go1.22.5"`, `"archive_sha256":`, `"hash":{"kind":"sha256"`, `"installed_at":"2024-07-02T10:00:00Z"`, `"from_cache":true`} {
		if !strings.Contains(string(data), field) {
			t.Errorf("record JSON %s lacks %s", data, field)
		}
	}
	var back Record
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back != rec {
		t.Errorf("round trip: %+v\nwant %+v", back, rec)
	}
	if err := json.Unmarshal([]byte(`{"version":"banana"}`), &back); err == nil {
		t.Error("a record with an invalid version parsed")
	}
}

func TestInstalledJSON(t *testing.T) {
	s := newTestStore(t)
	install(t, s, hostKey("1.22.5"))
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(list[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"key":{"version":"go1.22.5","os":"linux","arch":"amd64"}`) {
		t.Errorf("Installed JSON %s lacks the key", data)
	}
	var back Installed
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Key != list[0].Key || back.Dir != list[0].Dir || back.Record.Version != list[0].Record.Version {
		t.Errorf("round trip = %+v, want %+v", back, list[0])
	}
	if err := json.Unmarshal([]byte(`{"version":"nope"}`), &back.Key); err == nil {
		t.Error("a key with an invalid version parsed")
	}
}
