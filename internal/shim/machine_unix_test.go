//go:build !windows

package shim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/activate"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/store"
)

func installFake(t *testing.T, h home.Home, version string) string {
	t.Helper()
	st := store.New(h.Versions())
	key := store.Key{Version: goversion.MustParse(version), OS: runtime.GOOS, Arch: runtime.GOARCH}
	_, _, err := st.Install(context.Background(), key, false, func(ctx context.Context, dir string) (store.Record, []store.FileRecord, error) {
		if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
			return store.Record{}, nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "bin", "go"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			return store.Record{}, nil, err
		}
		files, err := store.ManifestOf(ctx, dir)
		return store.Record{Source: "test"}, files, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st.Root(key)
}

// A machine-wide home that users can write is not read: neither its
// versions nor its current link. Modes are asserted, not write failures:
// the tests run as root, which ignores permission bits.
func TestMachineUntrusted(t *testing.T) {
	root := tempdir.New(t)
	user, _ := home.New(filepath.Join(root, "user"))
	sys, _ := home.New(filepath.Join(root, "system"))
	if err := os.MkdirAll(user.Versions(), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := installFake(t, sys, "go1.22.5")
	if err := activate.SetCurrent(sys.Current(), dir); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{root, sys.Root, sys.Versions()} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	getenv := func(k string) string {
		if k == "GOVM_SYSTEM_HOME" {
			return sys.Root
		}
		return ""
	}
	pinned := filepath.Join(root, "work")
	if err := os.MkdirAll(pinned, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pinned, ".go-version"), []byte("1.22.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	trusted := func(want bool, wantWhy string) {
		t.Helper()
		_, ok, why := Machine(user, getenv)
		if ok != want || !strings.Contains(why, wantWhy) || (wantWhy == "") != (why == "") {
			t.Fatalf("Machine: ok %t, ignored %q; want %t, %q", ok, why, want, wantWhy)
		}
		if n := len(Stores(user, getenv)); n != map[bool]int{true: 2, false: 1}[want] {
			t.Errorf("%d stores", n)
		}
		d, err := Decide(user, pinned, goversion.Version{}, getenv)
		if want != (err == nil) {
			t.Errorf("Decide with a pin: %+v, %v", d, err)
		}
		d, err = Decide(user, root, goversion.Version{}, getenv)
		if want != (err == nil && strings.HasPrefix(d.Reason, "machine-wide")) {
			t.Errorf("Decide from the machine's current link: %+v, %v", d, err)
		}
	}
	trusted(true, "")

	for _, tc := range []struct {
		dir  string
		mode os.FileMode
		why  string
	}{
		{sys.Versions(), 0o777, "versions can be written by users who are not administrators: it is world-writable (mode 0777)"},
		{sys.Versions(), 0o775, "group-writable"},
		{sys.Root, 0o777, "system can be written by users who are not administrators: it is world-writable"},
		{sys.Root, os.ModeSticky | 0o777, "world-writable"},
	} {
		if err := os.Chmod(tc.dir, tc.mode); err != nil {
			t.Fatal(err)
		}
		trusted(false, tc.why)
		if err := os.Chmod(tc.dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	trusted(true, "")

	if os.Geteuid() == 0 {
		if err := os.Chown(sys.Versions(), 4242, 4242); err != nil {
			t.Fatal(err)
		}
		trusted(false, "owned by uid 4242, not root")
		if err := os.Chown(sys.Versions(), 0, 0); err != nil {
			t.Fatal(err)
		}
	}

	// A current link leading out of the machine's store is not followed.
	elsewhere := filepath.Join(root, "elsewhere", "go1.22.5")
	if err := os.MkdirAll(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := activate.SetCurrent(sys.Current(), elsewhere); err != nil {
		t.Fatal(err)
	}
	if v, d := MachineActive(sys); !v.IsZero() || d != "" {
		t.Errorf("MachineActive followed a link out of the store: %s %s", v, d)
	}
	var nt *NotInstalledError
	if d, err := Decide(user, root, goversion.Version{}, getenv); err == nil || errors.As(err, &nt) {
		t.Errorf("Decide with the machine's link pointing elsewhere: %+v, %v", d, err)
	}
}
