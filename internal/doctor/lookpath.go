package doctor

import (
	"os"
	"path/filepath"
	"strings"
)

// defaultPATHEXT is what Windows uses when PATHEXT is unset.
const defaultPATHEXT = ".COM;.EXE;.BAT;.CMD"

// pathDirs returns the directories of a PATH value in search order, as the
// operating system reads them: on Windows quotes are dropped and empty
// entries skipped; on Unix an empty entry means the current directory.
func pathDirs(path string, windows bool) []string {
	sep := ":"
	if windows {
		sep = ";"
	}
	var out []string
	for _, d := range splitPathList(path, sep) {
		if windows {
			d = strings.ReplaceAll(d, `"`, "")
			if d == "" {
				continue
			}
		} else if d == "" {
			d = "."
		}
		out = append(out, d)
	}
	return out
}

// splitPathList splits at sep, except inside double quotes (Windows allows
// a quoted entry to contain ';').
func splitPathList(s, sep string) []string {
	if s == "" {
		return nil
	}
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"' && sep == ";":
			quoted = !quoted
		case s[i] == sep[0] && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// pathExts returns the extensions Windows tries, lower-cased, in order.
func pathExts(pathext string) []string {
	if strings.TrimSpace(pathext) == "" {
		pathext = defaultPATHEXT
	}
	var out []string
	for _, e := range strings.Split(pathext, ";") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		if !strings.HasPrefix(e, ".") {
			e = "." + e
		}
		out = append(out, e)
	}
	return out
}

// lookAll returns every file the shell could run for name, in the order
// the shell searches: directory by directory, and on Windows within one
// directory extension by extension in PATHEXT order (a go.bat beside go.exe
// wins when .BAT comes first). The first element is what actually runs.
func lookAll(name string, dirs []string, windows bool, pathext string) []string {
	var out []string
	for _, d := range dirs {
		if !windows {
			p := filepath.Join(d, name)
			if isExecutable(p) {
				out = append(out, p)
			}
			continue
		}
		for _, ext := range pathExts(pathext) {
			p := filepath.Join(d, name+ext)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// isExecutable reports whether p is a regular file (after links) that some
// user may execute, which is what a Unix shell's PATH search needs.
func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// filepathBase and filepathDir split a path at either separator, since a
// Windows CC value may use '/' or '\' whatever the host.
func filepathBase(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func filepathDir(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[:i]
	}
	return "."
}
