package shim

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
)

// A missing pinned or named version is a NotInstalledError carrying what
// govm must install; nothing pinned and nothing active is not.
func TestDecideNotInstalled(t *testing.T) {
	root := tempdir.New(t)
	h, err := home.New(filepath.Join(root, "home"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(h.Versions(), 0o755); err != nil {
		t.Fatal(err)
	}
	pinned := filepath.Join(root, "pinned")
	if err := os.MkdirAll(pinned, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pinned, ".go-version"), []byte("1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "GOVM_SYSTEM_HOME" {
			return filepath.Join(root, "no-system")
		}
		return ""
	}

	for _, tc := range []struct {
		name    string
		wd      string
		exact   string
		request string
		reason  string
	}{
		{"pin", pinned, "", "1.22", "pinned by " + filepath.Join(pinned, ".go-version")},
		{"go1.X.Y name", root, "go1.20", "go1.20.0", "invoked as go1.20"},
	} {
		var exact goversion.Version
		if tc.exact != "" {
			exact = goversion.MustParse(tc.exact)
		}
		_, err := Decide(h, tc.wd, exact, env)
		var missing *NotInstalledError
		if !errors.As(err, &missing) || !errors.Is(err, ErrNoToolchain) {
			t.Fatalf("%s: %v, want a NotInstalledError", tc.name, err)
		}
		if missing.Request.String() != tc.request || missing.Reason != tc.reason {
			t.Errorf("%s: request %q, reason %q; want %q, %q", tc.name, missing.Request, missing.Reason, tc.request, tc.reason)
		}
		if !strings.Contains(err.Error(), "govm install") {
			t.Errorf("%s: %q does not name the way out", tc.name, err)
		}
	}

	// Nothing pinned, nothing active: not something an install would fix.
	_, err = Decide(h, root, goversion.Version{}, env)
	var missing *NotInstalledError
	if !errors.Is(err, ErrNoToolchain) || errors.As(err, &missing) {
		t.Fatalf("nothing pinned: %v, want ErrNoToolchain but no NotInstalledError", err)
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"/home/u/.local/share/govm/bin/go": "go",
		"/govm/bin/go.exe":                 "go",
		"gofmt.EXE":                        "gofmt",
		"go1.22.5":                         "go1.22.5",
	} {
		if got := Name(filepath.FromSlash(in)); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}
