package store

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/govm-dev/govm/internal/fsx"
)

func TestRemoveReadOnlyInstall(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, key)
	other := hostKey("1.21.0")
	install(t, s, other)
	// Installed trees may also hold read-only directories (module caches
	// inside GOROOT, for instance).
	if err := os.Chmod(s.Root(key)+"/bin", 0o555); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(context.Background(), key); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	for _, p := range []string{s.recordPath(key), s.Root(key), s.manifestPath(key)} {
		if exists(p) {
			t.Errorf("%s left after Remove", p)
		}
	}
	if !s.Has(other) {
		t.Error("Remove took another version with it")
	}
	if err := s.Remove(context.Background(), key); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("second Remove = %v, want ErrNotInstalled", err)
	}
}

func TestRemoveStaleTree(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	simulateCrash(t, s, key)
	if err := s.Remove(context.Background(), key); err != nil {
		t.Fatalf("Remove of a stale tree: %v", err)
	}
	if exists(s.Root(key)) {
		t.Error("stale tree still present")
	}
}

func TestRemoveWaitsForLock(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	install(t, s, key)
	l, err := fsx.Lock(context.Background(), s.lockPath("go1.22.5"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Remove(ctx, key); !errors.Is(err, context.Canceled) {
		t.Errorf("Remove while locked = %v, want context.Canceled", err)
	}
	l.Unlock()
	if !s.Has(key) {
		t.Error("Remove changed the version without its lock")
	}
}
