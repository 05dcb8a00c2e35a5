package modproxy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// Origin says where a go environment value came from.
type Origin string

const (
	// FromEnv: the process environment.
	FromEnv Origin = "env"
	// FromFile: the `go env -w` file (Setting.File names it).
	FromFile Origin = "file"
	// FromGOROOT: $GOROOT/go.env, the defaults a Go distribution ships (Setting.File names it).
	FromGOROOT Origin = "goroot"
	// FromDefault: the go command's built-in default (or one derived from
	// another variable, such as GONOPROXY from GOPRIVATE).
	FromDefault Origin = "default"
)

// Setting is one go environment value and its origin.
type Setting struct {
	Value  string
	Origin Origin
	// File is the file the value was read from, for FromFile and FromGOROOT.
	File string
}

// GoEnvKeys are the variables GoEnv reports.
var GoEnvKeys = []string{
	"GOPROXY", "GONOPROXY", "GOPRIVATE", "GOSUMDB", "GONOSUMDB", "GONOSUMCHECK",
	"GOINSECURE", "GOFLAGS", "GOTOOLCHAIN", "GOROOT", "GOPATH", "GOENV",
}

// maxEnvFileBytes bounds the go env file; `go env -w` writes a few lines.
const maxEnvFileBytes = 1 << 20

// GoEnv returns the go command's view of the module-related variables in
// GoEnvKeys: a non-empty process variable wins, then the `go env -w` file
// ($GOENV, by default <user config dir>/go/env; GOENV=off disables it),
// then $GOROOT/go.env when GOROOT is known, then the go command's
// defaults. getenv is os.Getenv in production. A missing env file is not
// an error; an unreadable one is.
func GoEnv(getenv func(string) string) (map[string]Setting, error) {
	out := map[string]Setting{}
	envFile, envFileOrigin := goEnvFile(getenv, runtime.GOOS)
	out["GOENV"] = Setting{Value: envFile, Origin: envFileOrigin}
	var fileVars map[string]string
	if envFile != "" && envFile != "off" {
		var err error
		if fileVars, err = readEnvFile(envFile); err != nil {
			return nil, err
		}
	}
	lookup := func(key string) (Setting, bool) {
		if v := getenv(key); v != "" {
			return Setting{Value: v, Origin: FromEnv}, true
		}
		if v := fileVars[key]; v != "" {
			return Setting{Value: v, Origin: FromFile, File: envFile}, true
		}
		return Setting{}, false
	}
	for _, k := range []string{"GOROOT", "GOPATH", "GOPRIVATE", "GOPROXY", "GOSUMDB", "GONOSUMCHECK", "GOINSECURE", "GOFLAGS", "GOTOOLCHAIN"} {
		if s, ok := lookup(k); ok {
			out[k] = s
		}
	}
	if root, ok := out["GOROOT"]; ok {
		if err := applyGOROOTEnv(out, root.Value); err != nil {
			return nil, err
		}
	}
	setDefault := func(key, value string) {
		if _, ok := out[key]; !ok {
			out[key] = Setting{Value: value, Origin: FromDefault}
		}
	}
	setDefault("GOPROXY", DefaultGOPROXY)
	setDefault("GOSUMDB", DefaultGOSUMDB)
	setDefault("GOTOOLCHAIN", "auto")
	setDefault("GOPATH", defaultGOPATH(getenv, runtime.GOOS))
	for _, k := range []string{"GOROOT", "GOPRIVATE", "GONOSUMCHECK", "GOINSECURE", "GOFLAGS"} {
		setDefault(k, "")
	}
	// GONOPROXY and GONOSUMDB default to GOPRIVATE, wherever that came from.
	for _, k := range []string{"GONOPROXY", "GONOSUMDB"} {
		if s, ok := lookup(k); ok {
			out[k] = s
		} else {
			out[k] = Setting{Value: out["GOPRIVATE"].Value, Origin: FromDefault}
		}
	}
	return out, nil
}

// applyGOROOTEnv fills unset values from $GOROOT/go.env, which carries the
// GOPROXY, GOSUMDB and GOTOOLCHAIN defaults of a Go distribution.
func applyGOROOTEnv(out map[string]Setting, goroot string) error {
	p := filepath.Join(goroot, "go.env")
	vars, err := readEnvFile(p)
	if err != nil {
		return err
	}
	for _, k := range []string{"GOPROXY", "GOSUMDB", "GOTOOLCHAIN", "GOPRIVATE", "GONOSUMCHECK", "GOINSECURE", "GOFLAGS"} {
		if _, set := out[k]; !set && vars[k] != "" {
			out[k] = Setting{Value: vars[k], Origin: FromGOROOT, File: p}
		}
	}
	return nil
}

// goEnvFile returns the go env file in force and where that came from.
func goEnvFile(getenv func(string) string, goos string) (string, Origin) {
	if v := getenv("GOENV"); v != "" {
		return v, FromEnv
	}
	dir := userConfigDir(getenv, goos)
	if dir == "" {
		return "", FromDefault
	}
	return filepath.Join(dir, "go", "env"), FromDefault
}

// userConfigDir is os.UserConfigDir computed from getenv, so that tests
// and callers with a synthetic environment get the same answer. Paths for
// Unix-like systems are joined with slashes whatever the host, so the
// logic can be checked for every goos on one machine.
func userConfigDir(getenv func(string) string, goos string) string {
	switch goos {
	case "windows":
		return getenv("AppData")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return path.Join(h, "Library", "Application Support")
		}
		return ""
	case "plan9":
		if h := getenv("home"); h != "" {
			return path.Join(h, "lib")
		}
		return ""
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" && path.IsAbs(d) {
		return d
	}
	if h := getenv("HOME"); h != "" {
		return path.Join(h, ".config")
	}
	return ""
}

// defaultGOPATH is $HOME/go (%USERPROFILE%\go on Windows), as the go command computes it.
func defaultGOPATH(getenv func(string) string, goos string) string {
	home := getenv("HOME")
	if goos == "windows" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, "go")
}

// readEnvFile reads a go env file; a missing file is empty.
func readEnvFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read go env file %s: %w", path, err)
	}
	if len(data) > maxEnvFileBytes {
		return nil, fmt.Errorf("read go env file %s: larger than %d bytes", path, maxEnvFileBytes)
	}
	return ParseEnvFile(data), nil
}

// ParseEnvFile parses the format `go env -w` writes: KEY=VALUE lines, no
// quoting. As in the go command, lines whose key does not start with an
// upper-case letter (comments, blank lines) are skipped, a trailing \r is
// dropped, and a later line for the same key wins.
func ParseEnvFile(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		key, val, ok := strings.Cut(line, "=")
		if !ok || key == "" || key[0] < 'A' || key[0] > 'Z' || strings.ContainsAny(key, " \t") {
			continue
		}
		out[key] = val
	}
	return out
}
