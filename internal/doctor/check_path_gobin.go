package doctor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func init() {
	register(Check{
		ID:       "PATH-GOBIN",
		Category: CatPath,
		Title:    "tools installed with go install are on PATH",
		Run:      checkPathGoBin,
	})
}

// goBinDir is where `go install` puts programs: GOBIN, else the bin
// directory of GOPATH's first entry, else ~/go/bin.
func (e *Env) goBinDir() (dir, origin string) {
	if v := e.goEnv("GOBIN"); v.Value != "" {
		return v.Value, "GOBIN from " + v.Origin
	}
	if v := e.goEnv("GOPATH"); v.Value != "" {
		sep := ":"
		if e.windows() {
			sep = ";"
		}
		first, _, _ := strings.Cut(v.Value, sep)
		return filepath.Join(first, "bin"), "GOPATH from " + v.Origin
	}
	home := e.Getenv("HOME")
	if e.windows() {
		home = e.Getenv("USERPROFILE")
	}
	if home == "" {
		return "", ""
	}
	return filepath.Join(home, "go", "bin"), "the default GOPATH"
}

func checkPathGoBin(_ context.Context, e *Env) []Finding {
	dir, origin := e.goBinDir()
	if dir == "" {
		return []Finding{{Severity: Info, Message: "cannot tell where go install puts programs: neither GOBIN, GOPATH nor the home directory is set"}}
	}
	details := map[string]any{"dir": dir, "origin": origin}
	if slices.ContainsFunc(e.dirs(), func(d string) bool { return e.samePath(d, dir) }) {
		return []Finding{{Severity: OK, Details: details, Message: dir + " (" + origin + ") is on PATH"}}
	}
	fix := fmt.Sprintf(`add it to your shell profile: export PATH="$PATH:%s"`, dir)
	if e.windows() {
		fix = "add " + dir + " to your user Path in System Properties > Environment Variables"
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return []Finding{{Severity: Info, Details: details,
			Message: fmt.Sprintf("%s (%s) is not on PATH; nothing is installed there yet, but tools you go install will not run by name", dir, origin),
			Fix:     fix}}
	}
	return []Finding{{Severity: Warning, Details: details,
		Message: fmt.Sprintf("%s (%s) holds %s but is not on PATH: tools you go install do not run by name", dir, origin, count(len(entries), "program", "programs")),
		Fix:     fix}}
}
