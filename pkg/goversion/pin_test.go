package goversion

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// write creates dir/rel with content, making parent directories.
func write(t testing.TB, dir, rel, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func env(kv ...string) func(string) string {
	return func(k string) string {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == k {
				return kv[i+1]
			}
		}
		return ""
	}
}

// requireNoOuterPin skips when something above the temporary directory
// already pins a version: the walk to the root would find it.
func requireNoOuterPin(t *testing.T) {
	t.Helper()
	if pin, err := FindPin(tempdir.New(t), env()); err == nil {
		t.Skipf("%s pins %s above the temporary directory", pin.File, pin.Request)
	}
}

func TestFindPin(t *testing.T) {
	requireNoOuterPin(t)
	tests := []struct {
		name   string
		files  map[string]string
		start  string   // directory to search from, relative
		env    []string // key, value pairs
		want   string   // Request.String()
		file   string   // relative path of the deciding file; "" for env
		kind   PinKind
		noPin  bool
		errHas string
	}{
		{
			name:  "env wins over every file",
			files: map[string]string{".go-version": "1.21.3"},
			env:   []string{"GOVM_GO_VERSION", "1.22"},
			want:  "1.22", kind: PinEnv,
		},
		{
			name:  ".go-version in the start directory",
			files: map[string]string{"a/b/.go-version": "1.22.5\n"},
			start: "a/b", want: "go1.22.5", file: "a/b/.go-version", kind: PinGoVersion,
		},
		{
			name:  "found in an ancestor",
			files: map[string]string{".go-version": "1.22.5\n", "a/b/c/README": "x"},
			start: "a/b/c", want: "go1.22.5", file: ".go-version", kind: PinGoVersion,
		},
		{
			name: "within one directory .go-version beats the rest",
			files: map[string]string{
				".go-version": "1.22.5", ".tool-versions": "golang 1.21.0", "go.work": "go 1.20", "go.mod": "module m\ngo 1.19\n",
			},
			want: "go1.22.5", file: ".go-version", kind: PinGoVersion,
		},
		{
			name: ".tool-versions beats go.work and go.mod",
			files: map[string]string{
				".tool-versions": "golang 1.21.0", "go.work": "go 1.20", "go.mod": "module m\ngo 1.19\n",
			},
			want: "go1.21.0", file: ".tool-versions", kind: PinToolVersions,
		},
		{
			name:  ".tool-versions without golang is passed over",
			files: map[string]string{".tool-versions": "nodejs 20.1.0", "go.mod": "module m\ngo 1.19\n"},
			want:  "go 1.19", file: "go.mod", kind: PinGoMod,
		},
		{
			name:  "go.work beats go.mod in the same directory",
			files: map[string]string{"go.work": "go 1.23.1\nuse .\n", "go.mod": "module m\ngo 1.19\n"},
			want:  "go 1.23.1", file: "go.work", kind: PinGoWork,
		},
		{
			name:  "nearest directory wins: module go.mod over a parent .go-version",
			files: map[string]string{".go-version": "1.20", "mod/go.mod": "module m\ngo 1.22.1\n"},
			start: "mod", want: "go 1.22.1", file: "mod/go.mod", kind: PinGoMod,
		},
		{
			name:  "nearest directory wins: .go-version in a module subdirectory",
			files: map[string]string{"go.mod": "module m\ngo 1.22.1\n", "cmd/tool/.go-version": "1.23.0"},
			start: "cmd/tool", want: "go1.23.0", file: "cmd/tool/.go-version", kind: PinGoVersion,
		},
		{
			name:  "a go.work above governs the module below",
			files: map[string]string{"go.work": "go 1.23.0\ntoolchain go1.23.4\nuse ./mod\n", "mod/go.mod": "module m\ngo 1.21\n", "mod/pkg/x.go": "package x"},
			start: "mod/pkg", want: "toolchain go1.23.4", file: "go.work", kind: PinGoWork,
		},
		{
			name:  "GOWORK=off: the go.mod decides",
			files: map[string]string{"go.work": "go 1.23.0\nuse ./mod\n", "mod/go.mod": "module m\ngo 1.21\n"},
			start: "mod", env: []string{"GOWORK", "off"}, want: "go 1.21", file: "mod/go.mod", kind: PinGoMod,
		},
		{
			name:  "GOWORK=off: a go.work in the walk is not read",
			files: map[string]string{"go.work": "go 1.23.0\n", "go.mod": "module m\ngo 1.21\n"},
			env:   []string{"GOWORK", "off"}, want: "go 1.21", file: "go.mod", kind: PinGoMod,
		},
		{
			name:  "GOWORK=auto is the default search",
			files: map[string]string{"go.work": "go 1.23.0\nuse ./mod\n", "mod/go.mod": "module m\ngo 1.21\n"},
			start: "mod", env: []string{"GOWORK", "auto"}, want: "go 1.23.0", file: "go.work", kind: PinGoWork,
		},
		{
			name:  "GOWORK names the workspace",
			files: map[string]string{"elsewhere/ws.work": "go 1.24.2\n", "go.work": "go 1.23.0\n", "mod/go.mod": "module m\ngo 1.21\n"},
			start: "mod", env: []string{"GOWORK", "@/elsewhere/ws.work"}, want: "go 1.24.2", file: "elsewhere/ws.work", kind: PinGoWork,
		},
		{
			name:  "GOWORK names the workspace even without a go.mod",
			files: map[string]string{"ws/go.work": "go 1.24.2\n", "src/x.go": "package x"},
			start: "src", env: []string{"GOWORK", "@/ws/go.work"}, want: "go 1.24.2", file: "ws/go.work", kind: PinGoWork,
		},
		{
			name:  "GOWORK naming a missing file falls back to go.mod",
			files: map[string]string{"mod/go.mod": "module m\ngo 1.21\n"},
			start: "mod", env: []string{"GOWORK", "@/missing/go.work"}, want: "go 1.21", file: "mod/go.mod", kind: PinGoMod,
		},
		{
			name:   "relative GOWORK is an error",
			files:  map[string]string{"go.mod": "module m\ngo 1.21\n"},
			env:    []string{"GOWORK", "go.work"},
			errHas: "not an absolute path",
		},
		{
			name:  "toolchain default falls through to the go line",
			files: map[string]string{"go.mod": "module m\ngo 1.22.0\ntoolchain default\n"},
			want:  "go 1.22.0", file: "go.mod", kind: PinGoMod,
		},
		{
			name:  "empty .go-version and go.mod without go line are passed over",
			files: map[string]string{".go-version": "1.21.5", "a/.go-version": "\n", "a/go.mod": "module m\n"},
			start: "a", want: "go1.21.5", file: ".go-version", kind: PinGoVersion,
		},
		{
			name:  "a directory named .go-version is not a pin",
			files: map[string]string{".go-version/keep": "", "go.mod": "module m\ngo 1.22.2\n"},
			want:  "go 1.22.2", file: "go.mod", kind: PinGoMod,
		},
		{
			name:   "malformed .go-version names file and line",
			files:  map[string]string{".go-version": "# pin\n1.x\n"},
			errHas: `.go-version:2: "1.x" is not a Go version; write e.g. 1.22.5`,
		},
		{
			name:   "malformed GOVM_GO_VERSION",
			env:    []string{"GOVM_GO_VERSION", "1.x.3"},
			errHas: `GOVM_GO_VERSION="1.x.3" is not a Go version`,
		},
		{
			name:  "nothing pins",
			files: map[string]string{"a/b/README": "x", ".tool-versions": "nodejs 20"},
			start: "a/b", noPin: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := tempdir.New(t)
			for rel, content := range tt.files {
				write(t, root, rel, content)
			}
			envs := slices.Clone(tt.env)
			for i, v := range envs {
				if strings.HasPrefix(v, "@/") {
					envs[i] = filepath.Join(root, filepath.FromSlash(v[2:]))
				}
			}
			start := filepath.Join(root, filepath.FromSlash(tt.start))
			if err := os.MkdirAll(start, 0o755); err != nil {
				t.Fatal(err)
			}
			pin, err := FindPin(start, env(envs...))
			switch {
			case tt.noPin:
				if !errors.Is(err, ErrNoPin) {
					t.Fatalf("FindPin = %+v, %v; want ErrNoPin", pin, err)
				}
				return
			case tt.errHas != "":
				if err == nil || !strings.Contains(filepath.ToSlash(err.Error()), tt.errHas) {
					t.Fatalf("FindPin error = %v; want it to contain %q", err, tt.errHas)
				}
				return
			case err != nil:
				t.Fatalf("FindPin: %v", err)
			}
			wantFile := ""
			if tt.file != "" {
				wantFile = filepath.Join(root, filepath.FromSlash(tt.file))
			}
			if pin.Request.String() != tt.want || pin.File != wantFile || pin.Kind != tt.kind {
				t.Errorf("FindPin = %q from %q (%s); want %q from %q (%s)", pin.Request, pin.File, pin.Kind, tt.want, wantFile, tt.kind)
			}
			if wantSource := wantFile; tt.kind == PinEnv && pin.Source() != EnvVar || tt.kind != PinEnv && pin.Source() != wantSource {
				t.Errorf("Source() = %q", pin.Source())
			}
		})
	}
}

func TestFindPinRelativeDir(t *testing.T) {
	requireNoOuterPin(t)
	root := tempdir.New(t)
	write(t, root, "a/.go-version", "1.22.5")
	t.Chdir(root)
	pin, err := FindPin("a", env())
	if err != nil || pin.File != filepath.Join(root, "a", ".go-version") {
		t.Errorf("FindPin(relative) = %+v, %v; want an absolute File", pin, err)
	}
}

// BenchmarkFindPin measures the shim's per-invocation cost: a lookup from the
// bottom of a six-level tree whose pin is a go.mod at the top.
func BenchmarkFindPin(b *testing.B) {
	root := tempdir.New(b)
	write(b, root, "go.mod", "module example.com/m\n\ngo 1.22.3\n\nrequire golang.org/x/mod v0.20.0\n")
	deep := filepath.Join(root, "a", "b", "c", "d", "e", "f")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		b.Fatal(err)
	}
	getenv := env()
	b.ReportAllocs()
	for b.Loop() {
		pin, err := FindPin(deep, getenv)
		if err != nil || pin.Kind != PinGoMod {
			b.Fatalf("FindPin = %+v, %v", pin, err)
		}
	}
}
