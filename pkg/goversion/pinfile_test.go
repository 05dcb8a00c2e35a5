package goversion

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestParsePinFile(t *testing.T) {
	tests := []struct {
		name, content string
		raw, req      string
		line          int
	}{
		{".go-version", "1.22.5\n", "1.22.5", "go1.22.5", 1},
		{".go-version", "go1.22.5", "go1.22.5", "go1.22.5", 1},
		{".go-version", "\uFEFF  1.22.5  \r\n", "1.22.5", "go1.22.5", 1},
		{".go-version", "# pinned for the release branch\n\n  \n1.21\r\n1.20\n", "1.21", "1.21", 4},
		{".go-version", "1.23rc2 # trying the candidate", "1.23rc2", "go1.23rc2", 1},
		{".go-version", "latest\n", "latest", "latest", 1},
		{".go-version", "1.22.x\n", "1.22.x", "1.22", 1},
		{".go-version", "\r\n\r\n1.22\r\n", "1.22", "1.22", 3},
		{".tool-versions", "nodejs 20.1.0\ngolang 1.22.5 1.21.0\n", "1.22.5", "go1.22.5", 2},
		{".tool-versions", "# tools\ngo 1.23.1 # mise name\n", "1.23.1", "go1.23.1", 2},
		{".tool-versions", "golang   1.22.5\ngo 1.20\n", "1.22.5", "go1.22.5", 1},
		{".tool-versions", "\uFEFFgolang 1.21\r\n", "1.21", "1.21", 1},
		{"go.mod", "module example.com/m\n\ngo 1.22.3\n", "go 1.22.3", "go 1.22.3", 3},
		{"go.mod", "module m\ngo 1.22\ntoolchain go1.22.5\n", "toolchain go1.22.5", "toolchain go1.22.5", 3},
		{"go.mod", "module m\ngo 1.23.0\ntoolchain go1.22.5\n", "go 1.23.0", "go 1.23.0", 2}, // newer go line decides
		{"go.mod", "module m\ngo 1.22\ntoolchain default\n", "go 1.22", "go 1.22", 2},
		{"go.mod", "module m\r\ngo 1.21 // minimum\r\ntoolchain go1.21.0-custom\r\n", "toolchain go1.21.0-custom", "toolchain go1.21.0-custom", 3},
		{"go.mod", "module m\ngo 1.20\nrequire (\n\tbad line here\n)\n", "go 1.20", "go 1.20", 2}, // unrelated errors do not hide the pin
		{"go.work", "go 1.23.2\n\nuse ./a\n", "go 1.23.2", "go 1.23.2", 1},
		{"go.work", "go 1.22\ntoolchain go1.23.0\nuse .\n", "toolchain go1.23.0", "toolchain go1.23.0", 2},
	}
	for _, tt := range tests {
		path := filepath.Join("/repo", tt.name)
		pin, err := ParsePinFile(path, []byte(tt.content))
		if err != nil {
			t.Errorf("%s %q: %v", tt.name, tt.content, err)
			continue
		}
		if pin.Raw != tt.raw || pin.Request.String() != tt.req || pin.Line != tt.line || pin.File != path || string(pin.Kind) != tt.name {
			t.Errorf("%s %q = raw %q req %q line %d file %s kind %s; want raw %q req %q line %d",
				tt.name, tt.content, pin.Raw, pin.Request, pin.Line, pin.File, pin.Kind, tt.raw, tt.req, tt.line)
		}
	}
}

func TestParsePinFileNothingPinned(t *testing.T) {
	tests := []struct{ name, content string }{
		{".go-version", ""},
		{".go-version", "\n  \n# only a comment\n"},
		{".tool-versions", "nodejs 20.1.0\npython 3.12.0\n"},
		{".tool-versions", "golangci-lint 1.55.0\n"},
		{"go.mod", "module m\n"},
		{"go.mod", "module m\ntoolchain default\n"},
		{"go.work", "use ./a\n"},
	}
	for _, tt := range tests {
		if _, err := ParsePinFile(filepath.Join("/repo", tt.name), []byte(tt.content)); !errors.Is(err, ErrNoPin) {
			t.Errorf("%s %q: error %v, want ErrNoPin", tt.name, tt.content, err)
		}
	}
}

func TestParsePinFileMalformed(t *testing.T) {
	tests := []struct {
		name, content string
		want          string // the whole message, with /repo/ for the directory
	}{
		{".go-version", "1.x\n", `/repo/.go-version:1: "1.x" is not a Go version; write e.g. 1.22.5`},
		{".go-version", "# c\r\ngolang 1.22.5\r\n", `/repo/.go-version:2: "golang 1.22.5" is not a Go version; write e.g. 1.22.5`},
		{".go-version", "v1.22.5", `/repo/.go-version:1: "v1.22.5" is not a Go version; write e.g. 1.22.5`},
		{".go-version", "~1.21\n", `/repo/.go-version:1: "~1.21" is not a Go version; write e.g. 1.22.5`},
		{".go-version", "go 1.22\n", `/repo/.go-version:1: "go 1.22" is not a Go version; write e.g. 1.22.5`},
		{".tool-versions", "golang ref:master\n", `/repo/.tool-versions:1: "ref:master" is not a Go version; write e.g. 1.22.5`},
		{".tool-versions", "nodejs 20\ngolang\n", `/repo/.tool-versions:2: "golang" names no version; write e.g. golang 1.22.5`},
		{"go.mod", "module m\ngo 1.22.x\n", `/repo/go.mod:2: "1.22.x" is not a Go version; write e.g. go 1.22.5`},
		{"go.mod", "module m\ngo 2.0\n", `/repo/go.mod:2: "2.0" is not a Go version; write e.g. go 1.22.5`},
		{"go.mod", "module m\ngo 1.22\ntoolchain 1.22.5\n", `/repo/go.mod:3: "1.22.5" is not a toolchain name; write e.g. toolchain go1.22.5`},
		{"go.work", "go 1.22\ntoolchain go2\n", `/repo/go.work:2: "go2" is not a toolchain name; write e.g. toolchain go1.22.5`},
	}
	for _, tt := range tests {
		_, err := ParsePinFile(filepath.Join("/repo", tt.name), []byte(tt.content))
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s %q: error %v, want ErrInvalid", tt.name, tt.content, err)
			continue
		}
		if got := filepath.ToSlash(err.Error()); !strings.HasSuffix(got, strings.TrimPrefix(tt.want, "/repo")) {
			t.Errorf("%s %q:\n got  %s\n want %s", tt.name, tt.content, got, tt.want)
		}
	}
	if _, err := ParsePinFile("/repo/Makefile", []byte("go 1.22")); err == nil || !strings.Contains(err.Error(), "unknown pin file") {
		t.Errorf("Makefile as a pin file: %v", err)
	}
}

func TestReadPinFile(t *testing.T) {
	dir := tempdir.New(t)
	write(t, dir, "go.mod", "module m\ngo 1.22.3\n")
	pin, err := ReadPinFile(filepath.Join(dir, "go.mod"))
	if err != nil || pin.Request.String() != "go 1.22.3" || pin.File != filepath.Join(dir, "go.mod") {
		t.Errorf("ReadPinFile(go.mod) = %+v, %v", pin, err)
	}
	if _, err := ReadPinFile(filepath.Join(dir, ".go-version")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadPinFile of a missing file: %v, want ErrNotExist", err)
	}
}
