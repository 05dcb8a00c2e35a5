package scan

import (
	"fmt"

	"golang.org/x/mod/modfile"
)

// ParseGoMod parses a go.mod file of a dependency leniently, the way the go
// command reads go.mod files it does not own: unknown directives and
// non-canonical versions in the main module's syntax are tolerated, but the
// module, go, toolchain, require, exclude, replace, retract and deprecation
// information must be well formed. name is used in error messages only.
func ParseGoMod(name string, data []byte) (*modfile.File, error) {
	f, err := modfile.ParseLax(name, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return f, nil
}

// ParseMainGoMod parses the go.mod of a main module strictly: the go command
// rejects a main go.mod with unknown directives, so a scan does too rather
// than report a graph the go command would never build.
func ParseMainGoMod(name string, data []byte) (*modfile.File, error) {
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if f.Module == nil {
		return nil, fmt.Errorf("parse %s: no module directive", name)
	}
	return f, nil
}

// ParseGoWork parses a go.work file. name is used in error messages only.
func ParseGoWork(name string, data []byte) (*modfile.WorkFile, error) {
	f, err := modfile.ParseWork(name, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return f, nil
}
