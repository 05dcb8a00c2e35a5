package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// writable undoes the install's read-only bits on one file so a test can
// play the part of antivirus or a careless user.
func writable(t *testing.T, path string) {
	t.Helper()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyFindsDamage(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, key)
	root := s.Root(key)

	rep, err := s.Verify(context.Background(), key)
	if err != nil || !rep.OK() || rep.Checked != len(goroot) {
		t.Fatalf("Verify of an intact install = %+v, %v", rep, err)
	}

	// Quarantined, modified in place (same size), truncated, and added.
	if err := os.Remove(filepath.Join(root, "bin", "go")); err != nil {
		t.Fatal(err)
	}
	gofmt := filepath.Join(root, "bin", "gofmt")
	writable(t, gofmt)
	if err := os.WriteFile(gofmt, []byte("#!FAKE gofmt binary"), 0o644); err != nil {
		t.Fatal(err)
	}
	version := filepath.Join(root, "VERSION")
	writable(t, version)
	if err := os.WriteFile(version, []byte("go1.22.5"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "src", "fmt", "virus.go"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	rep, err = s.Verify(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	want := VerifyReport{
		Key:     key,
		Checked: len(goroot),
		Missing: []string{"bin/go"},
		Changed: []string{"VERSION", "bin/gofmt"},
		Extra:   []string{"src/fmt/virus.go"},
	}
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("Verify = %+v\nwant     %+v", rep, want)
	}
	if rep.OK() {
		t.Error("OK() of a damaged tree")
	}
}

func TestVerifyErrors(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	if _, err := s.Verify(context.Background(), key); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Verify of a missing version = %v, want ErrNotInstalled", err)
	}
	install(t, s, key)
	if err := os.Remove(s.manifestPath(key)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(context.Background(), key); !errors.Is(err, ErrBadManifest) {
		t.Errorf("Verify without a manifest = %v, want ErrBadManifest", err)
	}
	if err := os.WriteFile(s.manifestPath(key), []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(context.Background(), key); !errors.Is(err, ErrBadManifest) {
		t.Errorf("Verify with a corrupt manifest = %v, want ErrBadManifest", err)
	}
}

func TestVerifyHonoursContext(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, key)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Verify(ctx, key); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify with a cancelled context = %v, want context.Canceled", err)
	}
}
