// Package faketoolchain builds small but real Go toolchain trees for tests:
// a compiled program named go (and gofmt) that answers `go version` the way
// the real one does, a VERSION file, some source files and a pkg/tool entry,
// packed the way go.dev archives and golang.org/toolchain module zips are.
//
// The program is compiled once per platform per test process and cached under
// the OS temp dir, keyed by its source, so test binaries share it.
package faketoolchain

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// File is one file of a toolchain tree.
type File struct {
	Data []byte
	Mode fs.FileMode
}

// Files maps slash-separated paths relative to GOROOT to their content.
type Files map[string]File

// Paths returns the file paths in sorted order.
func (f Files) Paths() []string {
	ps := make([]string, 0, len(f))
	for p := range f {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// program is the fake go command. It finds GOROOT from its own location,
// like the real one, and reads the version from $GOROOT/VERSION.
const program = `package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

func main() {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake go:", err)
		os.Exit(2)
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	root := filepath.Dir(filepath.Dir(exe))
	version := "unknown"
	if f, err := os.Open(filepath.Join(root, "VERSION")); err == nil {
		s := bufio.NewScanner(f)
		if s.Scan() {
			version = strings.TrimSpace(s.Text())
		}
		f.Close()
	}
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	args := os.Args[1:]
	if name == "gofmt" {
		fmt.Printf("gofmt from %s\n", version)
		return
	}
	if len(args) == 0 {
		fmt.Println("Go is a tool for managing Go source code. (fake " + version + ")")
		return
	}
	switch args[0] {
	case "version":
		fmt.Printf("go version %s %s/%s\n", version, runtime.GOOS, runtime.GOARCH)
	case "env":
		for _, k := range args[1:] {
			switch k {
			case "GOROOT":
				fmt.Println(root)
			case "GOVERSION":
				fmt.Println(version)
			default:
				fmt.Println(os.Getenv(k))
			}
		}
	case "exit":
		n, _ := strconv.Atoi(args[1])
		os.Exit(n)
	case "cat":
		io.Copy(os.Stdout, os.Stdin)
	case "getenv":
		for _, k := range args[1:] {
			v, ok := os.LookupEnv(k)
			if !ok {
				v = "<unset>"
			}
			fmt.Printf("%s=%s\n", k, v)
		}
	case "wait-signal":
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt)
		fmt.Println("ready")
		<-c
		fmt.Println("got interrupt")
		os.Exit(130)
	default:
		fmt.Printf("fake %s: %s\n", version, strings.Join(args, " "))
	}
}
`

var (
	buildMu sync.Mutex
	built   = map[string][]byte{}
)

// Binary returns the fake go program compiled for goos/goarch.
func Binary(t testing.TB, goos, goarch string) []byte {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := goos + "/" + goarch
	if b, ok := built[key]; ok {
		return b
	}
	sum := sha256.Sum256([]byte(program))
	dir := filepath.Join(os.TempDir(), "govm-faketoolchain-"+hex.EncodeToString(sum[:8]))
	out := filepath.Join(dir, goos+"-"+goarch, "go")
	if b, err := os.ReadFile(out); err == nil {
		built[key] = b
		return b
	}
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module fakego\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(program), 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("faketoolchain needs the go command on PATH: %v", err)
	}
	tmp := fmt.Sprintf("%s.%d.tmp", out, os.Getpid())
	cmd := exec.Command(goCmd, "build", "-trimpath", "-ldflags=-s -w", "-o", tmp, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build fake go for %s: %v\n%s", key, err, b)
	}
	// Rename so concurrent test processes never read a half-written binary.
	if err := os.Rename(tmp, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	built[key] = b
	return b
}

// Tree returns the files of a fake toolchain for version ("go1.22.5").
func Tree(t testing.TB, version, goos, goarch string) Files {
	t.Helper()
	exe := ""
	if goos == "windows" {
		exe = ".exe"
	}
	bin := Binary(t, goos, goarch)
	return Files{
		"VERSION":         {Data: []byte(version + "\ntime 2024-07-02T22:00:00Z\n"), Mode: 0o644},
		"bin/go" + exe:    {Data: bin, Mode: 0o755},
		"bin/gofmt" + exe: {Data: bin, Mode: 0o755},
		"pkg/tool/" + goos + "_" + goarch + "/compile" + exe: {Data: []byte("fake compiler for " + version), Mode: 0o755},
		"src/fmt/print.go":      {Data: []byte("package fmt\n\n// fake " + version + "\n"), Mode: 0o644},
		"src/runtime/extern.go": {Data: []byte("package runtime\n"), Mode: 0o644},
		"misc/README.md":        {Data: []byte("fake toolchain " + version + " " + goos + "/" + goarch + "\n"), Mode: 0o644},
		"go.env":                {Data: []byte("GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=sum.golang.org\nGOTOOLCHAIN=auto\n"), Mode: 0o644},
	}
}

// modTime is fixed so archives are byte-for-byte reproducible.
var modTime = time.Date(2024, 7, 2, 22, 0, 0, 0, time.UTC)

// TarGz packs files under prefix ("go/") as go.dev's .tar.gz archives are.
func TarGz(t testing.TB, files Files, prefix string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	dirs := map[string]bool{}
	for _, p := range files.Paths() {
		for d := filepath.ToSlash(filepath.Dir(p)); d != "." && !dirs[d]; d = filepath.ToSlash(filepath.Dir(d)) {
			dirs[d] = true
		}
	}
	var dirList []string
	for d := range dirs {
		dirList = append(dirList, d)
	}
	sort.Strings(dirList)
	for _, d := range dirList {
		must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: prefix + d + "/", Mode: 0o755, ModTime: modTime}))
	}
	for _, p := range files.Paths() {
		f := files[p]
		must(t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: prefix + p, Mode: int64(f.Mode.Perm()), Size: int64(len(f.Data)), ModTime: modTime}))
		_, err := tw.Write(f.Data)
		must(t, err)
	}
	must(t, tw.Close())
	must(t, gz.Close())
	return buf.Bytes()
}

// Zip packs files under prefix. go.dev's Windows archives carry modes
// (withModes); golang.org/toolchain module zips carry none and no directory
// entries.
func Zip(t testing.TB, files Files, prefix string, withModes bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range files.Paths() {
		f := files[p]
		h := &zip.FileHeader{Name: prefix + p, Method: zip.Deflate, Modified: modTime}
		if withModes {
			h.SetMode(f.Mode)
		}
		w, err := zw.CreateHeader(h)
		must(t, err)
		_, err = w.Write(f.Data)
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// ModulePrefix is the directory every entry of a toolchain module zip sits under.
func ModulePrefix(version, goos, goarch string) string {
	return "golang.org/toolchain@" + ModuleVersion(version, goos, goarch) + "/"
}

// ModuleVersion is the golang.org/toolchain module version of a release.
func ModuleVersion(version, goos, goarch string) string {
	return "v0.0.1-" + version + "." + goos + "-" + goarch
}

// ModuleZip returns the golang.org/toolchain module zip of a fake release.
func ModuleZip(t testing.TB, version, goos, goarch string) []byte {
	t.Helper()
	return Zip(t, Tree(t, version, goos, goarch), ModulePrefix(version, goos, goarch), false)
}

// GoDevArchive returns the go.dev file name and bytes of a fake release:
// tar.gz with prefix go/, or zip for windows.
func GoDevArchive(t testing.TB, version, goos, goarch string) (string, []byte) {
	t.Helper()
	name := version + "." + goos + "-" + goarch
	tree := Tree(t, version, goos, goarch)
	if goos == "windows" {
		return name + ".zip", Zip(t, tree, "go/", true)
	}
	return name + ".tar.gz", TarGz(t, tree, "go/")
}

// SHA256 returns the hex SHA-256 of b.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
