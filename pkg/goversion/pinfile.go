package goversion

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// ErrNoPin is returned when nothing pins a version: no GOVM_GO_VERSION and no
// pin file from the directory up to the root, or a pin file that names none.
var ErrNoPin = errors.New("no Go version pinned")

// PinKind names where a pin came from; its value is the file's base name
// ("env" for GOVM_GO_VERSION), ready for messages and JSON.
type PinKind string

// The sources FindPin consults, in precedence order within one directory.
const (
	PinEnv          PinKind = "env"            // GOVM_GO_VERSION
	PinGoVersion    PinKind = ".go-version"    // first version line
	PinToolVersions PinKind = ".tool-versions" // asdf/mise: the golang or go line
	PinGoWork       PinKind = "go.work"        // toolchain line, else go line
	PinGoMod        PinKind = "go.mod"         // toolchain line, else go line
)

// EnvVar is the environment variable that overrides every pin file.
const EnvVar = "GOVM_GO_VERSION"

// maxPinFileBytes bounds what FindPin reads; real pin files are a few
// hundred bytes, the largest go.mod files a few hundred kilobytes.
const maxPinFileBytes = 4 << 20

// Pin is a version request together with where it was found, so that
// `govm current` can say "go1.22.5 (from /repo/.go-version)".
type Pin struct {
	// Request is what the pin asks for.
	Request Request `json:"request"`
	// Raw is the text as written: "1.22.5", "go 1.22", "toolchain go1.22.5".
	Raw string `json:"raw"`
	// File is the absolute path of the file that decided; "" for PinEnv.
	File string `json:"file,omitempty"`
	// Line is the 1-based line of Raw in File; 0 for PinEnv.
	Line int `json:"line,omitempty"`
	// Kind says which kind of source decided.
	Kind PinKind `json:"kind"`
}

// Source names where the pin came from: the file path, or "GOVM_GO_VERSION".
func (p Pin) Source() string {
	if p.Kind == PinEnv {
		return EnvVar
	}
	return p.File
}

// PinError is a pin file (or GOVM_GO_VERSION) that says something other than
// a Go version. It wraps ErrInvalid.
type PinError struct {
	File string // path, or "GOVM_GO_VERSION"
	Line int    // 1-based; 0 when unknown
	Text string // the offending text
	Msg  string // what is wrong and what to write instead
}

// Error reads "/repo/.go-version:1: "1.x" is not a Go version; write e.g.
// 1.22.5", or "GOVM_GO_VERSION="1.x" ..." for the environment.
func (e *PinError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %q %s", e.File, e.Line, e.Text, e.Msg)
	}
	return fmt.Sprintf("%s=%q %s", e.File, e.Text, e.Msg)
}

// Unwrap lets callers test errors.Is(err, ErrInvalid).
func (e *PinError) Unwrap() error { return ErrInvalid }

// ReadPinFile reads one pin file, choosing the format by its base name
// (.go-version, .tool-versions, go.work, go.mod). A file that pins nothing
// (no go line, no golang entry) returns an error wrapping ErrNoPin. go.mod
// and go.work files are read alone: use FindPin for the workspace rule.
func ReadPinFile(path string) (Pin, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Pin{}, fmt.Errorf("read pin %s: %w", path, err)
	}
	data, found, err := readSmall(abs)
	if err != nil {
		return Pin{}, err
	}
	if !found {
		return Pin{}, fmt.Errorf("read pin %s: %w", path, os.ErrNotExist)
	}
	return ParsePinFile(abs, data)
}

// ParsePinFile parses the content of a pin file named path; the format is
// chosen by the base name as in ReadPinFile.
//
//   - .go-version: the first line that is neither blank nor a # comment;
//     a UTF-8 BOM, CRLF line ends, surrounding spaces, a "go" prefix and a
//     trailing "# comment" are tolerated. A release ("1.22.5"), a line
//     ("1.22", "1.22.x") or a keyword ("latest") is accepted; ranges are
//     not, since a file that pins should name one line at most.
//   - .tool-versions: the first "golang" or "go" entry (asdf and mise
//     names); its first version wins, later ones are asdf fallbacks. The
//     same forms as in .go-version are accepted.
//   - go.mod, go.work: a toolchain line and a go line become a minimum,
//     whichever is newer deciding, as the go command decides under
//     GOTOOLCHAIN=auto; "toolchain default" is ignored. Lines are found the
//     way cmd/go finds them before switching toolchains (first line starting
//     with the verb), and checked with modfile's grammar, so an unrelated
//     error elsewhere in the file does not hide the pin.
func ParsePinFile(path string, data []byte) (Pin, error) {
	return parsePinData(path, PinKind(filepath.Base(path)), data)
}

// parsePinData parses data in the format of kind; GOWORK may name a
// workspace file with any name.
func parsePinData(path string, kind PinKind, data []byte) (Pin, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	switch kind {
	case PinGoVersion:
		return parseGoVersionFile(path, data)
	case PinToolVersions:
		return parseToolVersions(path, data)
	case PinGoWork, PinGoMod:
		return parseModFile(path, kind, data)
	}
	return Pin{}, fmt.Errorf("read pin %s: unknown pin file; want .go-version, .tool-versions, go.work or go.mod", path)
}

// eachLine calls fn with every line (CR and comment after # removed,
// trimmed) and its 1-based number until fn returns true.
func eachLine(data []byte, comment string, fn func(line string, n int) bool) {
	for n := 1; len(data) > 0; n++ {
		var raw []byte
		raw, data, _ = bytes.Cut(data, []byte("\n"))
		line := string(bytes.TrimSuffix(raw, []byte("\r")))
		if i := strings.Index(line, comment); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" && fn(line, n) {
			return
		}
	}
}

func parseGoVersionFile(path string, data []byte) (Pin, error) {
	var pin Pin
	var err error
	found := false
	eachLine(data, "#", func(line string, n int) bool {
		found = true
		pin = Pin{Raw: line, File: path, Line: n, Kind: PinGoVersion}
		pin.Request, err = pinRequest(path, n, line)
		return true
	})
	if !found {
		return Pin{}, fmt.Errorf("%s: %w: the file names no version", path, ErrNoPin)
	}
	return pin, err
}

func parseToolVersions(path string, data []byte) (Pin, error) {
	var pin Pin
	var err error
	found := false
	eachLine(data, "#", func(line string, n int) bool {
		f := strings.Fields(line)
		if f[0] != "golang" && f[0] != "go" {
			return false
		}
		found = true
		if len(f) < 2 {
			err = &PinError{File: path, Line: n, Text: line, Msg: "names no version; write e.g. golang 1.22.5"}
			return true
		}
		pin = Pin{Raw: f[1], File: path, Line: n, Kind: PinToolVersions}
		pin.Request, err = pinRequest(path, n, f[1])
		return true
	})
	if !found {
		return Pin{}, fmt.Errorf("%s: %w: no golang entry", path, ErrNoPin)
	}
	return pin, err
}

// pinRequest parses one pinned version, turning a parse failure (or a
// range, or a go.mod directive) into a PinError naming the file and line.
func pinRequest(path string, line int, text string) (Request, error) {
	r, err := ParseRequest(text)
	if err != nil || r.kind == KindRange || r.kind == KindMinimum {
		return Request{}, &PinError{File: path, Line: line, Text: text, Msg: "is not a Go version; write e.g. 1.22.5"}
	}
	return r, nil
}

// directive is a go or toolchain line of a go.mod/go.work file.
type directive struct {
	arg  string
	line int
}

// lookupDirective finds the first line starting with verb and a blank, like
// cmd/go/internal/gover.GoModLookup, with its // comment removed.
func lookupDirective(data []byte, verb string) (directive, bool) {
	var d directive
	found := false
	eachLine(data, "//", func(line string, n int) bool {
		rest, ok := strings.CutPrefix(line, verb)
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
			return false
		}
		d, found = directive{arg: strings.TrimSpace(rest), line: n}, true
		return true
	})
	return d, found
}

func parseModFile(path string, kind PinKind, data []byte) (Pin, error) {
	goLine, hasGo := lookupDirective(data, "go")
	tcLine, hasTC := lookupDirective(data, "toolchain")
	if hasTC && tcLine.arg == "default" {
		hasTC = false
	}
	var goReq, tcReq Request
	if hasGo {
		if !modfile.GoVersionRE.MatchString(goLine.arg) {
			return Pin{}, &PinError{File: path, Line: goLine.line, Text: goLine.arg, Msg: "is not a Go version; write e.g. go 1.22.5"}
		}
		r, err := ParseRequest("go " + goLine.arg)
		if err != nil {
			return Pin{}, &PinError{File: path, Line: goLine.line, Text: goLine.arg, Msg: "is not a Go version; write e.g. go 1.22.5"}
		}
		goReq = r
	}
	if hasTC {
		r, err := ParseRequest("toolchain " + tcLine.arg)
		if err != nil || !modfile.ToolchainRE.MatchString(tcLine.arg) {
			return Pin{}, &PinError{File: path, Line: tcLine.line, Text: tcLine.arg, Msg: "is not a toolchain name; write e.g. toolchain go1.22.5"}
		}
		tcReq = r
	}
	switch {
	case hasTC && (!hasGo || Compare(tcReq.v, goReq.v) >= 0):
		return Pin{Request: tcReq, Raw: tcReq.text, File: path, Line: tcLine.line, Kind: kind}, nil
	case hasGo:
		return Pin{Request: goReq, Raw: goReq.text, File: path, Line: goLine.line, Kind: kind}, nil
	}
	return Pin{}, fmt.Errorf("%s: %w: no go or toolchain line", path, ErrNoPin)
}

// readSmall reads a pin file. found is false when there is no such file (or
// a directory of that name); other failures are errors naming the path.
func readSmall(path string) (data []byte, found bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		if isAbsent(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("read pin %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("read pin %s: %w", path, err)
	}
	if fi.IsDir() {
		return nil, false, nil
	}
	if fi.Size() > maxPinFileBytes {
		return nil, false, fmt.Errorf("read pin %s: %d bytes is too large for a pin file", path, fi.Size())
	}
	data = make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, true, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("read pin %s: %w", path, err)
		}
		if len(data) == cap(data) {
			if len(data) > maxPinFileBytes {
				return nil, false, fmt.Errorf("read pin %s: grew beyond %d bytes while reading", path, maxPinFileBytes)
			}
			data = append(data, 0)[:len(data)]
		}
	}
}
