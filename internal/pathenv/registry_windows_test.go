package pathenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// scratchStore is a Path value under HKCU\Software\govm-test, so tests never
// touch the prefix's (or a developer's) real Environment key.
func scratchStore(t *testing.T, name string) regStore {
	t.Helper()
	parent := fmt.Sprintf(`Software\govm-test\%d-%s`, os.Getpid(), name)
	s := regStore{registry.CURRENT_USER, "HKCU", parent + `\Environment`}
	t.Cleanup(func() {
		_ = registry.DeleteKey(registry.CURRENT_USER, s.path)
		_ = registry.DeleteKey(registry.CURRENT_USER, parent)
	})
	return s
}

// rawType reads the value's registry type directly, not through regStore.
func rawType(t *testing.T, s regStore) (string, uint32) {
	t.Helper()
	k, err := registry.OpenKey(s.root, s.path, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	v, typ, err := k.GetStringValue("Path")
	if err != nil {
		t.Fatal(err)
	}
	return v, typ
}

func defaultHome(t *testing.T) string {
	local := os.Getenv("LOCALAPPDATA")
	if local == "" {
		t.Skip("LOCALAPPDATA is not set")
	}
	return filepath.Join(local, "govm")
}

func TestRegistryMissingValue(t *testing.T) {
	s := scratchStore(t, "missing")
	v, kind, err := s.Read()
	if err != nil || v != "" || kind != KindMissing {
		t.Fatalf("Read of a missing key = %q, %v, %v", v, kind, err)
	}
	sys := scratchStore(t, "missing-sys")
	rep, err := Setup(Options{Home: defaultHome(t), Store: s, SystemStore: sys})
	if err != nil {
		t.Fatal(err)
	}
	v, typ := rawType(t, s)
	if typ != registry.EXPAND_SZ || v != `%LOCALAPPDATA%\govm\current\bin;%LOCALAPPDATA%\govm\bin` {
		t.Errorf("created %q with type %d", v, typ)
	}
	if rep.Targets[0].Action != Created || !rep.Broadcast {
		t.Errorf("report = %+v", rep)
	}
}

func TestRegistryKeepsTypeAndBytes(t *testing.T) {
	long := func(n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, `%%USERPROFILE%%\tools\t%04d\bin;`, i)
		}
		return b.String()
	}
	tests := []struct {
		name  string
		value string
		typ   uint32
	}{
		{"expand_sz", `%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;;C:\tools;`, registry.EXPAND_SZ},
		{"sz", `C:\tools;C:\other`, registry.SZ},
		{"expand_sz 8 KB", long(8 << 10), registry.EXPAND_SZ},
		{"expand_sz 40 KB", long(40 << 10), registry.EXPAND_SZ},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scratchStore(t, strings.ReplaceAll(tt.name, " ", "-"))
			k, _, err := registry.CreateKey(s.root, s.path, registry.SET_VALUE)
			if err != nil {
				t.Fatal(err)
			}
			if tt.typ == registry.EXPAND_SZ {
				err = k.SetExpandStringValue("Path", tt.value)
			} else {
				err = k.SetStringValue("Path", tt.value)
			}
			k.Close()
			if err != nil {
				t.Fatal(err)
			}
			o := Options{Home: defaultHome(t), Store: s, SystemStore: scratchStore(t, "sys-"+strings.ReplaceAll(tt.name, " ", "-"))}

			if _, err := Setup(o); err != nil {
				t.Fatal(err)
			}
			v, typ := rawType(t, s)
			if typ != tt.typ {
				t.Errorf("setup changed the type from %d to %d", tt.typ, typ)
			}
			if !strings.HasSuffix(v, ";"+tt.value) {
				t.Errorf("setup did not keep the old value after govm's entries (len %d -> %d)", len(tt.value), len(v))
			}
			st, err := Check(o)
			if err != nil || !st.Persistent {
				t.Errorf("status after setup = %+v, %v", st, err)
			}
			rep, err := Setup(o)
			if err != nil || rep.Changed() {
				t.Errorf("second setup changed something: %+v, %v", rep, err)
			}
			if _, err := Undo(o); err != nil {
				t.Fatal(err)
			}
			v, typ = rawType(t, s)
			if typ != tt.typ || v != tt.value {
				t.Errorf("undo left type %d, value equal: %v (len %d, want %d)", typ, v == tt.value, len(v), len(tt.value))
			}
		})
	}
}

func TestRegistryUnsupportedType(t *testing.T) {
	s := scratchStore(t, "dword")
	k, _, err := registry.CreateKey(s.root, s.path, registry.SET_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	err = k.SetDWordValue("Path", 1)
	k.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Setup(Options{Home: defaultHome(t), Store: s, SystemStore: scratchStore(t, "dword-sys")})
	if !errors.Is(err, ErrUnsupportedKind) || !strings.Contains(err.Error(), s.Name()) {
		t.Errorf("error = %v, want ErrUnsupportedKind naming %s", err, s.Name())
	}
}

func TestShadowingGoOnDisk(t *testing.T) {
	dir := tempdir.New(t)
	goExe := filepath.Join(dir, "go.exe")
	if err := os.WriteFile(goExe, []byte("MZ"), 0o755); err != nil {
		t.Fatal(err)
	}
	sys := scratchStore(t, "shadow-sys")
	if err := sys.Write(`C:\windows\system32;`+dir+`\`, KindExpandString); err != nil {
		t.Fatal(err)
	}
	rep, err := Print(Options{Home: defaultHome(t), Store: scratchStore(t, "shadow"), SystemStore: sys})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rep.Shadowing, func(p string) bool { return strings.EqualFold(p, goExe) }) {
		t.Errorf("Shadowing = %q, want %s", rep.Shadowing, goExe)
	}
}

func TestBroadcastReturns(t *testing.T) {
	start := time.Now()
	if err := broadcastEnvironmentChange(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*broadcastTimeout {
		t.Errorf("broadcast took %v", d)
	}
}

// The one test on the real HKCU\Environment: the default store is the one
// Setup edits, and the value comes back exactly, type included.
func TestRealUserEnvironmentRestored(t *testing.T) {
	user := userStore()
	orig, origKind, err := user.Read()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if origKind == KindMissing {
			if k, err := registry.OpenKey(user.root, user.path, registry.SET_VALUE); err == nil {
				_ = k.DeleteValue("Path")
				k.Close()
			}
			return
		}
		if err := user.Write(orig, origKind); err != nil {
			t.Errorf("restore %s: %v", user.Name(), err)
		}
	})
	o := Options{Home: defaultHome(t), SystemStore: scratchStore(t, "real-sys")}
	rep, err := Setup(o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Targets[0].Path != `HKCU\Environment\Path` {
		t.Errorf("default target = %s", rep.Targets[0].Path)
	}
	v, kind, err := user.Read()
	if err != nil || !strings.Contains(v, `%LOCALAPPDATA%\govm\current\bin`) {
		t.Fatalf("after setup %q (%v), %v", v, kind, err)
	}
	if origKind != KindMissing && kind != origKind {
		t.Errorf("type changed from %v to %v", origKind, kind)
	}
	if _, err := Undo(o); err != nil {
		t.Fatal(err)
	}
	v, kind, err = user.Read()
	if err != nil || v != orig || (origKind != KindMissing && kind != origKind) {
		t.Errorf("after undo %q (%v), want %q (%v); %v", v, kind, orig, origKind, err)
	}
}

func TestAccessDeniedSaysToElevate(t *testing.T) {
	err := machineStore().explain(windows.ERROR_ACCESS_DENIED)
	if !errors.Is(err, ErrNeedsElevation) || !errors.Is(err, windows.ERROR_ACCESS_DENIED) ||
		!strings.Contains(err.Error(), "elevated") || !strings.Contains(err.Error(), `HKLM\`) {
		t.Errorf("error = %v", err)
	}
	if err := machineStore().explain(windows.ERROR_FILE_NOT_FOUND); errors.Is(err, ErrNeedsElevation) {
		t.Errorf("not-found reported as needing elevation: %v", err)
	}
}
