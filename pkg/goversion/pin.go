package goversion

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// FindPin returns the version that governs dir, and where that came from.
//
// The rule, first match wins:
//
//  1. GOVM_GO_VERSION, when set and not blank (any ParseRequest form).
//  2. Walking up from dir to the root, the nearest directory holding a pin
//     decides. Within one directory: .go-version, then .tool-versions (only
//     if it has a golang/go entry), then go.work, then go.mod.
//  3. A go.mod is read the way the go command reads it under
//     GOTOOLCHAIN=auto: if a workspace governs the module, the workspace's
//     go.work decides in the go.mod's place. GOWORK=off disables
//     workspaces; GOWORK=/abs/path/any.work names the workspace (it then
//     also decides when no go.mod is found; a missing file is ignored as
//     the go command ignores it when switching); unset or "auto", the nearest go.work
//     in the go.mod's directory or above is the workspace. A go.work found
//     by the walk before any go.mod decides too, as it does for the go
//     command.
//  4. In go.mod and go.work, the toolchain line (unless "toolchain
//     default") and the go line form a minimum, the newer of the two
//     deciding; see ParsePinFile. A file that pins nothing (an empty
//     .go-version, a go.mod without go line) is passed over and the walk
//     goes on.
//
// getenv supplies GOVM_GO_VERSION and GOWORK (os.Getenv in production).
// It returns an error wrapping ErrNoPin when nothing pins a version, and a
// *PinError naming the file and line when a pin is malformed.
//
// FindPin runs on every shimmed go command, so it only opens small files:
// at most four per directory level.
func FindPin(dir string, getenv func(string) string) (Pin, error) {
	if raw := getenv(EnvVar); raw != "" {
		r, err := ParseRequest(raw)
		if err != nil {
			return Pin{}, &PinError{File: EnvVar, Text: raw, Msg: "is not a Go version; write e.g. 1.22.5"}
		}
		return Pin{Request: r, Raw: raw, Kind: PinEnv}, nil
	}
	gowork := getenv("GOWORK")
	if gowork == "auto" { // the go command reads "auto" as unset
		gowork = ""
	}
	if gowork != "" && gowork != "off" && !filepath.IsAbs(gowork) {
		return Pin{}, fmt.Errorf("find pin: GOWORK=%s is not an absolute path; set it to /path/to/go.work or off", gowork)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Pin{}, fmt.Errorf("find pin in %s: %w", dir, err)
	}
	for d := abs; ; {
		pin, found, err := pinInDir(d, gowork)
		if err != nil || found {
			return pin, err
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if gowork != "" && gowork != "off" {
		if pin, found, err := readPin(gowork, PinGoWork); err != nil || found {
			return pin, err
		}
	}
	return Pin{}, fmt.Errorf("find pin from %s: %w", abs, ErrNoPin)
}

// pinInDir checks one directory's pin files in precedence order.
func pinInDir(d, gowork string) (Pin, bool, error) {
	for _, name := range []string{".go-version", ".tool-versions"} {
		if pin, found, err := readPin(filepath.Join(d, name), PinKind(name)); err != nil || found {
			return pin, found, err
		}
	}
	if gowork == "" {
		if pin, found, err := readPin(filepath.Join(d, "go.work"), PinGoWork); err != nil || found {
			return pin, found, err
		}
	}
	gomod := filepath.Join(d, "go.mod")
	data, exists, err := readSmall(gomod)
	if err != nil || !exists {
		return Pin{}, false, err
	}
	if work, ok, err := workspaceOf(d, gowork); err != nil || ok {
		if err != nil {
			return Pin{}, false, err
		}
		return readPin(work, PinGoWork)
	}
	return pinFrom(parsePinData(gomod, PinGoMod, data))
}

// workspaceOf returns the go.work file that governs a module in dir: GOWORK
// when it names an existing file (the go command falls back to go.mod when it
// does not), else the nearest go.work in dir or above, none when GOWORK=off.
func workspaceOf(dir, gowork string) (string, bool, error) {
	switch gowork {
	case "off":
		return "", false, nil
	case "":
	default:
		fi, err := statFile(gowork)
		return gowork, fi != nil && !fi.IsDir(), err
	}
	for d := dir; ; {
		w := filepath.Join(d, "go.work")
		if fi, err := statFile(w); err != nil {
			return "", false, err
		} else if fi != nil && !fi.IsDir() {
			return w, true, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false, nil
		}
		d = parent
	}
}

// readPin reads and parses one pin file of the given kind; found is false
// when it does not exist or pins nothing.
func readPin(path string, kind PinKind) (Pin, bool, error) {
	data, exists, err := readSmall(path)
	if err != nil || !exists {
		return Pin{}, false, err
	}
	return pinFrom(parsePinData(path, kind, data))
}

// pinFrom turns ParsePinFile's ErrNoPin into "not found, keep walking".
func pinFrom(pin Pin, err error) (Pin, bool, error) {
	if errors.Is(err, ErrNoPin) {
		return Pin{}, false, nil
	}
	if err != nil {
		return Pin{}, false, err
	}
	return pin, true, nil
}

// statFile stats path; a missing file is (nil, nil).
func statFile(path string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if isAbsent(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("find pin: %w", err)
	}
	return fi, nil
}

// isAbsent reports an open/stat error that means "no such file here": it
// does not exist, or a path component is not a directory.
func isAbsent(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
