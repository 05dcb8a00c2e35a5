// Package gobinary builds small Go executables at test time whose build
// information records published module versions, as a deployed binary's
// does, using the real go command and nothing from the network.
package gobinary

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/internal/testutil/fakeproxy"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// MainPath is the main module of every executable built here.
const MainPath = "example.com/app"

// Module is a module version the executable links in.
type Module struct {
	Path, Version string
	// Go is the go line of its go.mod; "" for none.
	Go string
	// Replace, when set, is a version replacement in the main go.mod: its
	// code is what gets linked in, and the binary records both.
	Replace *Module
}

// GoMod is the go.mod the module version is published with.
func (m Module) GoMod() []byte {
	s := "module " + m.Path + "\n"
	if m.Go != "" {
		s += "\ngo " + m.Go + "\n"
	}
	return []byte(s)
}

// Build is BuildIn in a temporary directory removed after the test. It
// skips the test when there is no go command.
func Build(t testing.TB, mods ...Module) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found: building a test binary needs it")
	}
	exe, err := BuildIn(tempdir.New(t), mods...)
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// BuildIn writes, under dir, a main module that imports one package of each
// module, publishes the modules (and replacements) on a file:// GOPROXY,
// and builds it with the go command on PATH into dir/app.exe. The download
// goes through a module cache (ModCache), so the build information carries
// each version with its h1: sum as a release build's does. The build cache
// is the caller's: with a warm one this takes a fraction of a second.
func BuildIn(dir string, mods ...Module) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	proxyDir := filepath.Join(dir, "proxy")
	var gomod, imports, uses strings.Builder
	gomod.WriteString("module " + MainPath + "\n\ngo 1.21\n\n")
	for i, m := range mods {
		pkg := fmt.Sprintf("p%d", i)
		gomod.WriteString("require " + m.Path + " " + m.Version + "\n")
		imports.WriteString("\t" + pkg + " \"" + m.Path + "\"\n")
		uses.WriteString("\tprintln(" + pkg + ".Name)\n")
		code := m
		if m.Replace != nil {
			gomod.WriteString("replace " + m.Path + " " + m.Version + " => " + m.Replace.Path + " " + m.Replace.Version + "\n")
			code = *m.Replace
		}
		if err := publish(proxyDir, code, m.Path); err != nil {
			return "", err
		}
	}
	src := "package main\n\nimport (\n" + imports.String() + ")\n\nfunc main() {\n" + uses.String() + "}\n"
	app := filepath.Join(dir, "app")
	if err := write(filepath.Join(app, "go.mod"), []byte(gomod.String())); err != nil {
		return "", err
	}
	if err := write(filepath.Join(app, "main.go"), []byte(src)); err != nil {
		return "", err
	}
	exe := filepath.Join(dir, "app.exe")
	cmd := exec.Command(goBin, "build", "-o", exe, ".")
	cmd.Dir = app
	cmd.Env = append(os.Environ(),
		"GOPROXY="+fileURL(proxyDir), "GOSUMDB=off", "GONOSUMDB=", "GONOSUMCHECK=", "GOPRIVATE=", "GONOPROXY=", "GOINSECURE=",
		"GOFLAGS=-mod=mod -modcacherw", "GOTOOLCHAIN=local", "GOWORK=off", "GOENV=off", "CGO_ENABLED=0",
		"GOMODCACHE="+ModCache(exe),
	)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return exe, nil
}

// ModCache is the module cache the build of exe filled: the go.mod files
// of every module linked in, as on the machine that built it.
func ModCache(exe string) string { return filepath.Join(filepath.Dir(exe), "modcache") }

// publish writes m to the file proxy in its layout: list, .info, .mod and a
// zip whose one package, named after importPath, declares Name.
func publish(dir string, m Module, importPath string) error {
	ep, err := module.EscapePath(m.Path)
	if err != nil {
		return err
	}
	ev, err := module.EscapeVersion(m.Version)
	if err != nil {
		return err
	}
	at := filepath.Join(dir, filepath.FromSlash(ep), "@v")
	list, _ := os.ReadFile(filepath.Join(at, "list"))
	info, _ := json.Marshal(map[string]string{"Version": m.Version, "Time": "2024-01-01T00:00:00Z"})
	code := "package " + path.Base(importPath) + "\n\nconst Name = \"" + m.Path + "@" + m.Version + "\"\n"
	zip, err := fakeproxy.ModuleZip(m.Path+"@"+m.Version+"/", map[string]fakeproxy.FileSpec{
		"go.mod": {Data: m.GoMod()}, "lib.go": {Data: []byte(code)},
	})
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		"list": append(list, m.Version+"\n"...), ev + ".info": info, ev + ".mod": m.GoMod(), ev + ".zip": zip,
	} {
		if err := write(filepath.Join(at, name), data); err != nil {
			return err
		}
	}
	return nil
}

// fileURL is dir as a GOPROXY entry: file:///tmp/x, or file:///C:/x.
func fileURL(dir string) string {
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return "file://" + p
}

func write(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}
