package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"

	"github.com/govm-dev/govm/pkg/goversion"
)

// modInfo is what the go command reads in a directory to decide whether
// the local toolchain is new enough: the go and toolchain lines of go.work
// when the directory is in a workspace, else of the nearest go.mod.
type modInfo struct {
	File      string
	Go        goversion.Version // the go line; zero when absent
	Toolchain goversion.Version // the toolchain line; zero when absent or "default"
}

// need is the release the file asks for: the toolchain line when it is at
// least the go line, else the go line, as a release name ("go 1.22" needs
// go1.22.0, as the go command reads it). Zero when the file names none.
func (m modInfo) need() goversion.Version {
	g := m.Go
	if g.IsLang() {
		g, _ = goversion.Parse(g.Number() + ".0")
	}
	if !m.Toolchain.IsZero() && (g.IsZero() || goversion.Compare(m.Toolchain, g) >= 0) {
		return m.Toolchain
	}
	return g
}

// findModInfo walks up from dir as the go command does. It honours GOWORK
// (off, or an explicit file) and GO111MODULE=off. found is false outside
// any module.
func (e *Env) findModInfo() (m modInfo, found bool, err error) {
	if e.Getenv("GO111MODULE") == "off" {
		return modInfo{}, false, nil
	}
	gowork := e.Getenv("GOWORK")
	if gowork != "" && gowork != "off" && gowork != "auto" {
		return readModInfo(gowork, true)
	}
	var gomod string
	for d := e.WorkDir; ; {
		if gowork != "off" {
			if m, ok, err := readModInfo(filepath.Join(d, "go.work"), true); ok || err != nil {
				return m, ok, err
			}
		}
		if gomod == "" {
			if fi, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !fi.IsDir() {
				gomod = filepath.Join(d, "go.mod")
				if gowork == "off" {
					break
				}
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if gomod == "" {
		return modInfo{}, false, nil
	}
	return readModInfo(gomod, false)
}

// readModInfo parses the go and toolchain lines of a go.mod or go.work.
func readModInfo(path string, work bool) (modInfo, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return modInfo{}, false, nil
	}
	if err != nil {
		return modInfo{}, false, fmt.Errorf("read %s: %w", path, err)
	}
	m, err := parseModInfo(path, data, work)
	return m, err == nil, err
}

// parseModInfo extracts the go and toolchain lines. The file is parsed as
// strictly as the go command parses a main module, so a file doctor cannot
// read is one the go command rejects too.
func parseModInfo(path string, data []byte, work bool) (modInfo, error) {
	m := modInfo{File: path}
	var goLine, tcLine string
	if work {
		f, err := modfile.ParseWork(path, data, nil)
		if err != nil {
			return m, fmt.Errorf("parse %s: %w", path, err)
		}
		if f.Go != nil {
			goLine = f.Go.Version
		}
		if f.Toolchain != nil {
			tcLine = f.Toolchain.Name
		}
	} else {
		f, err := modfile.Parse(path, data, nil)
		if err != nil {
			return m, fmt.Errorf("parse %s: %w", path, err)
		}
		if f.Go != nil {
			goLine = f.Go.Version
		}
		if f.Toolchain != nil {
			tcLine = f.Toolchain.Name
		}
	}
	if goLine != "" {
		v, err := goversion.Parse(goLine)
		if err != nil {
			return m, fmt.Errorf("%s: go line %q: %w", path, goLine, err)
		}
		m.Go = v
	}
	if tcLine != "" && tcLine != "default" {
		v, err := goversion.Parse(tcLine)
		if err != nil {
			return m, fmt.Errorf("%s: toolchain line %q: %w", path, tcLine, err)
		}
		m.Toolchain = v
	}
	return m, nil
}
