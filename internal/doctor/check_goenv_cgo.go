package doctor

import (
	"context"
	"fmt"
	"os"
	"strings"
)

func init() {
	register(Check{
		ID:       "GOENV-CGO",
		Category: CatGoEnv,
		Title:    "CGO_ENABLED=1 has a C compiler to use",
		Run:      checkCgo,
	})
}

func checkCgo(_ context.Context, e *Env) []Finding {
	cgo := e.goEnv("CGO_ENABLED")
	if strings.TrimSpace(cgo.Value) != "1" {
		// Unset, the go command enables cgo only when it finds a C
		// compiler, so nothing can be missing.
		return []Finding{{Severity: OK, Message: "cgo is not forced on"}}
	}
	cc := e.goEnv("CC").Value
	var names []string
	if cc != "" {
		// CC may carry flags ("gcc -m64"); the program is the first word.
		names = []string{strings.Fields(cc)[0]}
	} else {
		names = []string{"gcc", "clang"}
		if e.GOOS == "darwin" || e.GOOS == "freebsd" || e.GOOS == "openbsd" {
			names = []string{"clang", "gcc"}
		}
	}
	for _, n := range names {
		if found := e.lookCommand(n); found != "" {
			return []Finding{{Severity: OK, Details: map[string]any{"cc": found},
				Message: fmt.Sprintf("CGO_ENABLED=1 (from %s) and the C compiler %s is present", cgo.Origin, found)}}
		}
	}
	fix := "install a C compiler (sudo apt install gcc; xcode-select --install on macOS), or set CGO_ENABLED=0"
	if e.windows() {
		fix = "install a C compiler such as MinGW-w64 (winget install -e --id MSYS2.MSYS2, then pacman -S mingw-w64-ucrt-x86_64-gcc) and put it on PATH, or set CGO_ENABLED=0"
	}
	return []Finding{{Severity: Warning, Details: map[string]any{"cc": strings.Join(names, " or ")},
		Message: fmt.Sprintf("CGO_ENABLED=1 (from %s) but no C compiler (%s) is on PATH: packages using cgo, and -race, fail to build", cgo.Origin, strings.Join(names, " or ")),
		Fix:     fix}}
}

// lookCommand finds a program given by name or path, as the go command
// would run it.
func (e *Env) lookCommand(name string) string {
	if strings.ContainsAny(name, `/\`) {
		if found := lookAll(filepathBase(name), []string{filepathDir(name)}, e.windows(), e.Getenv("PATHEXT")); len(found) > 0 {
			return found[0]
		}
		if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() && (e.windows() || isExecutable(name)) {
			return name
		}
		return ""
	}
	if found := e.look(strings.TrimSuffix(name, ".exe")); len(found) > 0 {
		return found[0]
	}
	return ""
}
