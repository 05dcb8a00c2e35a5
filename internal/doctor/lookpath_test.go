package doctor

import (
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

func TestPathDirs(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		windows bool
		want    []string
	}{
		{"unix", "/a:/b", false, []string{"/a", "/b"}},
		{"unix empty entry is the current directory", "/a::/b:", false, []string{"/a", ".", "/b", "."}},
		{"unix empty", "", false, nil},
		{"windows skips empties", `C:\a;;C:\b;`, true, []string{`C:\a`, `C:\b`}},
		{"windows quoted entry may hold a semicolon", `"C:\x;y";C:\b`, true, []string{`C:\x;y`, `C:\b`}},
		{"windows colon is not a separator", `C:\a;D:\b`, true, []string{`C:\a`, `D:\b`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pathDirs(tt.path, tt.windows); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pathDirs(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestPathExts(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{".com", ".exe", ".bat", ".cmd"}},
		{".EXE;.BAT", []string{".exe", ".bat"}},
		{"EXE; .cmd ;", []string{".exe", ".cmd"}},
	}
	for _, tt := range tests {
		if got := pathExts(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("pathExts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLookAllUnix(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("exec bits do not exist on Windows")
	}
	m := newMachine(t)
	a, b, c := filepath.Join(m.root, "a"), filepath.Join(m.root, "b"), filepath.Join(m.root, "c")
	m.write(filepath.Join(a, "go"), "not executable")
	m.exe(filepath.Join(b, "go"))
	m.mkdir(filepath.Join(c, "go")) // a directory named go is not a program
	m.exe(filepath.Join(m.root, "d", "go"))
	got := lookAll("go", []string{a, b, c, filepath.Join(m.root, "missing"), filepath.Join(m.root, "d")}, false, "")
	want := []string{filepath.Join(b, "go"), filepath.Join(m.root, "d", "go")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lookAll = %q, want %q", got, want)
	}
}

// The Windows rules run on any OS: PATHEXT order decides within a
// directory, and directory order decides across them.
func TestLookAllWindowsRules(t *testing.T) {
	m := newMachine(t)
	sys, user := filepath.Join(m.root, "sys"), filepath.Join(m.root, "user")
	m.write(filepath.Join(sys, "go.exe"), "")
	m.write(filepath.Join(sys, "go.bat"), "")
	m.write(filepath.Join(user, "go.exe"), "")
	m.write(filepath.Join(user, "go"), "") // no extension: Windows never runs it from PATH
	dirs := []string{sys, user}

	got := lookAll("go", dirs, true, ".COM;.EXE;.BAT")
	want := []string{filepath.Join(sys, "go.exe"), filepath.Join(user, "go.exe")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lookAll = %q, want %q", got, want)
	}
	got = lookAll("go", dirs, true, ".BAT;.EXE")
	if got[0] != filepath.Join(sys, "go.bat") {
		t.Errorf("with .BAT first, %q runs, want go.bat", got[0])
	}
}
