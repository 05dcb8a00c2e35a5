package doctor

import (
	"io"
	"os"
	"path/filepath"

	"github.com/govm-dev/govm/pkg/modproxy"
)

// goEnvValue is one go command setting and where it came from, in the go
// command's own order: the environment, then the file `go env -w` writes,
// then $GOROOT/go.env of the running toolchain.
type goEnvValue struct {
	Value string
	// Origin is "environment", "go env -w (<file>)", "<file>" for
	// $GOROOT/go.env, or "" when the key is set nowhere.
	Origin string
	// File is the file the value came from, when one did.
	File string
}

// set reports whether the key was found anywhere.
func (v goEnvValue) set() bool { return v.Origin != "" }

// maxGoEnvFile bounds what is read of a go env file: real ones are a few
// hundred bytes, and doctor must not be slowed by a huge file.
const maxGoEnvFile = 1 << 20

// readGoEnvFile parses path, returning nil when it cannot be read.
func readGoEnvFile(path string) map[string]string {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxGoEnvFile))
	if err != nil {
		return nil
	}
	// One parser for the format across govm, the one modproxy uses.
	return modproxy.ParseEnvFile(data)
}

// userGoEnvFile is the file `go env -w` writes: $GOENV, else
// <user config dir>/go/env, derived from the injected environment the way
// os.UserConfigDir does. "" when GOENV=off or nothing locates it.
func (e *Env) userGoEnvFile() string {
	if p := e.Getenv("GOENV"); p != "" {
		if p == "off" {
			return ""
		}
		return p
	}
	var dir string
	switch e.GOOS {
	case "windows":
		dir = e.Getenv("APPDATA")
	case "darwin", "ios":
		if h := e.Getenv("HOME"); h != "" {
			dir = filepath.Join(h, "Library", "Application Support")
		}
	case "plan9":
		if h := e.Getenv("home"); h != "" {
			dir = filepath.Join(h, "lib")
		}
	default:
		dir = e.Getenv("XDG_CONFIG_HOME")
		if dir == "" || !filepath.IsAbs(dir) {
			if h := e.Getenv("HOME"); h != "" {
				dir = filepath.Join(h, ".config")
			} else {
				dir = ""
			}
		}
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "go", "env")
}

// goEnv looks key up the way the running go command would. The GOROOT
// whose go.env counts is the running toolchain's (GOROOT itself is never
// read from go.env).
func (e *Env) goEnv(key string) goEnvValue {
	if v := e.Getenv(key); v != "" {
		return goEnvValue{Value: v, Origin: "environment"}
	}
	if f := e.userGoEnvFile(); f != "" {
		if v, ok := readGoEnvFile(f)[key]; ok && v != "" {
			return goEnvValue{Value: v, Origin: "go env -w (" + f + ")", File: f}
		}
	}
	if key == "GOROOT" {
		return goEnvValue{}
	}
	if root := e.running().Root; root != "" {
		f := filepath.Join(root, "go.env")
		if v, ok := readGoEnvFile(f)[key]; ok && v != "" {
			return goEnvValue{Value: v, Origin: f, File: f}
		}
	}
	return goEnvValue{}
}
