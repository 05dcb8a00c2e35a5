package scan

import (
	"debug/buildinfo"
	"fmt"
	"runtime/debug"

	"golang.org/x/mod/module"
)

// Binary is what a Go executable records about its own build.
type Binary struct {
	File string `json:"file"`
	// GoVersion is the toolchain that built it, "go1.22.5".
	GoVersion string `json:"go"`
	// Main is the main module ("(devel)" version for local builds).
	Main BinaryModule `json:"main"`
	// Modules are the dependencies linked in, as `go version -m` lists them.
	Modules []BinaryModule `json:"modules"`
	// Settings are build settings (GOOS, GOARCH, -tags, vcs.revision...).
	Settings map[string]string `json:"settings,omitempty"`
}

// BinaryModule is one module recorded in a binary.
type BinaryModule struct {
	Path    string        `json:"path"`
	Version string        `json:"version"`
	Sum     string        `json:"sum,omitempty"`
	Replace *BinaryModule `json:"replace,omitempty"`
}

// ScanBinary reads the build information of the Go executable at file
// without running it. A file that is not a Go executable, or was built
// without module information, is an error naming the file.
func ScanBinary(file string) (*Binary, error) {
	bi, err := buildinfo.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read build info of %s: %w", file, err)
	}
	b := &Binary{File: file, GoVersion: bi.GoVersion, Main: binaryModule(&bi.Main), Modules: []BinaryModule{}}
	for _, d := range bi.Deps {
		b.Modules = append(b.Modules, binaryModule(d))
	}
	if len(bi.Settings) > 0 {
		b.Settings = map[string]string{}
		for _, s := range bi.Settings {
			b.Settings[s.Key] = s.Value
		}
	}
	return b, nil
}

func binaryModule(m *debug.Module) BinaryModule {
	out := BinaryModule{Path: m.Path, Version: m.Version, Sum: m.Sum}
	if m.Replace != nil {
		r := binaryModule(m.Replace)
		out.Replace = &r
	}
	return out
}

// develVersion is what binaries record for code from a directory.
const develVersion = "(devel)"

// ModuleVersions returns the module versions whose code is linked in: the
// replacement where there is one, and nothing for directory replacements.
func (b *Binary) ModuleVersions() []module.Version {
	var out []module.Version
	for _, m := range b.Modules {
		switch {
		case m.Replace == nil:
			out = append(out, module.Version{Path: m.Path, Version: m.Version})
		case m.Replace.Version != "" && m.Replace.Version != develVersion:
			out = append(out, module.Version{Path: m.Replace.Path, Version: m.Replace.Version})
		}
	}
	return out
}
