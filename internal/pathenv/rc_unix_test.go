//go:build unix

package pathenv

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rcEnv is a fake user: a temp HOME, an environment and the shell binaries
// that LookPath finds.
type rcEnv struct {
	home string
	env  map[string]string
	bins []string
	goos string
}

func newRCEnv(t *testing.T) *rcEnv {
	return &rcEnv{home: t.TempDir(), env: map[string]string{"PATH": "/usr/bin:/bin"}, goos: "linux"}
}

func (e *rcEnv) opts() Options {
	return Options{
		Home:    filepath.Join(e.home, ".local", "share", "govm"),
		HomeDir: e.home,
		GOOS:    e.goos,
		Getenv:  func(k string) string { return e.env[k] },
		LookPath: func(name string) (string, error) {
			if slices.Contains(e.bins, name) {
				return "/usr/bin/" + name, nil
			}
			return "", exec.ErrNotFound
		},
	}
}

func (e *rcEnv) path(rel string) string { return filepath.Join(e.home, rel) }

func writeFile(t *testing.T, path, text string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func targetPaths(rep Report) []string {
	var out []string
	for _, t := range rep.Targets {
		out = append(out, t.Path)
	}
	return out
}

func TestShellDetection(t *testing.T) {
	tests := []struct {
		name  string
		shell string
		bins  []string
		files []string
		goos  string
		want  []string
	}{
		{"login shell only", "/bin/zsh", nil, nil, "linux", []string{".zshrc"}},
		{"binaries on PATH", "", []string{"bash", "fish", "pwsh"}, nil, "linux",
			[]string{".bashrc", ".config/fish/conf.d/govm.fish", ".config/powershell/Microsoft.PowerShell_profile.ps1"}},
		{"existing rc file", "", nil, []string{".zshrc"}, "linux", []string{".zshrc"}},
		{"fish config dir", "", nil, []string{".config/fish/config.fish"}, "linux", []string{".config/fish/conf.d/govm.fish"}},
		{"pwsh profile without pwsh", "", nil, []string{".config/powershell/Microsoft.PowerShell_profile.ps1"}, "linux",
			[]string{".config/powershell/Microsoft.PowerShell_profile.ps1"}},
		{"no shell at all", "", nil, nil, "linux", nil},
		{"bash_profile that does not source bashrc", "/bin/bash", nil, []string{".bash_profile"}, "linux",
			[]string{".bashrc", ".bash_profile"}},
		{"profile read by login bash", "/bin/bash", nil, []string{".profile"}, "linux", []string{".bashrc", ".profile"}},
		{"linux without login file creates none", "/bin/bash", nil, nil, "linux", []string{".bashrc"}},
		{"macOS without login file creates bash_profile", "/bin/bash", nil, nil, "darwin", []string{".bashrc", ".bash_profile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newRCEnv(t)
			e.env["SHELL"], e.bins, e.goos = tt.shell, tt.bins, tt.goos
			for _, f := range tt.files {
				writeFile(t, e.path(f), "# mine\n", 0o644)
			}
			rep, err := Print(e.opts())
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, e.path(w))
			}
			if got := targetPaths(rep); !slices.Equal(got, want) {
				t.Errorf("targets = %q, want %q", got, want)
			}
		})
	}
}

func TestBashLoginFileThatSourcesBashrcIsLeftAlone(t *testing.T) {
	e := newRCEnv(t)
	e.env["SHELL"] = "/bin/bash"
	profile := "if [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n"
	writeFile(t, e.path(".bash_profile"), profile, 0o644)
	writeFile(t, e.path(".profile"), "# never read: .bash_profile exists\n", 0o644)
	rep, err := Setup(e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if got := targetPaths(rep); !slices.Equal(got, []string{e.path(".bashrc")}) {
		t.Errorf("targets = %q", got)
	}
	if readFile(t, e.path(".bash_profile")) != profile {
		t.Error(".bash_profile was changed")
	}
}

func TestSetupUndoEndToEnd(t *testing.T) {
	e := newRCEnv(t)
	e.env["SHELL"] = "/usr/bin/bash"
	e.bins = []string{"fish", "pwsh"}
	e.env["ZDOTDIR"] = e.path("zdot")

	bashrc := "# my bashrc\nalias ll='ls -l'" // no final newline
	writeFile(t, e.path(".bashrc"), bashrc, 0o600)
	// A dotfile manager's symlink: the target must be edited, the link kept.
	zshrc := "export EDITOR=vi\n"
	writeFile(t, e.path("dotfiles/zshrc"), zshrc, 0o640)
	if err := os.MkdirAll(e.path("zdot"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../dotfiles/zshrc", e.path("zdot/.zshrc")); err != nil {
		t.Fatal(err)
	}
	o := e.opts()

	rep, err := Setup(o)
	if err != nil {
		t.Fatal(err)
	}
	wantTargets := map[string]Action{
		e.path(".bashrc"):                                             Updated,
		e.path("dotfiles/zshrc"):                                      Updated,
		e.path(".config/fish/conf.d/govm.fish"):                       Created,
		e.path(".config/powershell/Microsoft.PowerShell_profile.ps1"): Created,
	}
	if len(rep.Targets) != len(wantTargets) {
		t.Fatalf("targets = %+v", rep.Targets)
	}
	for _, tg := range rep.Targets {
		if wantTargets[tg.Path] != tg.Action {
			t.Errorf("%s: action %s, want %s", tg.Path, tg.Action, wantTargets[tg.Path])
		}
		text := readFile(t, tg.Path)
		if !strings.Contains(text, MarkerStart) || !strings.Contains(text, o.Home+"/current/bin") {
			t.Errorf("%s has no block:\n%s", tg.Path, text)
		}
	}
	if fi, err := os.Lstat(e.path("zdot/.zshrc")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("symlinked .zshrc was replaced: %v %v", fi, err)
	}
	for path, mode := range map[string]fs.FileMode{e.path(".bashrc"): 0o600, e.path("dotfiles/zshrc"): 0o640} {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != mode {
			t.Errorf("%s mode = %v, want %v", path, fi.Mode().Perm(), mode)
		}
	}
	if !strings.HasPrefix(readFile(t, e.path(".bashrc")), bashrc+"\n"+MarkerStart) {
		t.Error("bashrc block not appended after the user's lines")
	}

	snapshot := map[string]string{}
	for p := range wantTargets {
		snapshot[p] = readFile(t, p)
	}
	rep, err = Setup(o)
	if err != nil || rep.Changed() {
		t.Fatalf("second setup: changed=%v err=%v", rep.Changed(), err)
	}
	for p, text := range snapshot {
		if readFile(t, p) != text {
			t.Errorf("second setup rewrote %s", p)
		}
	}
	st, err := Check(o)
	if err != nil || !st.Persistent || st.Process || len(st.Configured) != 4 {
		t.Errorf("status after setup = %+v, %v", st, err)
	}

	rep, err = Undo(o)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, e.path(".bashrc")); got != bashrc {
		t.Errorf("undo bashrc = %q, want %q", got, bashrc)
	}
	if got := readFile(t, e.path("zdot/.zshrc")); got != zshrc {
		t.Errorf("undo zshrc = %q, want %q", got, zshrc)
	}
	if _, err := os.Stat(e.path(".config/fish/conf.d/govm.fish")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("fish file still there: %v", err)
	}
	if got := readFile(t, e.path(".config/powershell/Microsoft.PowerShell_profile.ps1")); got != "" {
		t.Errorf("pwsh profile = %q, want the block gone", got)
	}
	if fi, _ := os.Stat(e.path(".bashrc")); fi.Mode().Perm() != 0o600 {
		t.Errorf("undo changed the mode to %v", fi.Mode().Perm())
	}
	if fi, err := os.Lstat(e.path("zdot/.zshrc")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("undo replaced the symlink: %v", err)
	}
	actions := map[Action]int{}
	for _, tg := range rep.Targets {
		actions[tg.Action]++
	}
	if actions[Removed] != 3 || actions[Deleted] != 1 {
		t.Errorf("undo actions = %v", actions)
	}
	rep, err = Undo(o)
	if err != nil || rep.Changed() {
		t.Errorf("second undo: %+v %v", rep, err)
	}
	st, err = Check(o)
	if err != nil || st.Persistent || len(st.Configured) != 0 {
		t.Errorf("status after undo = %+v, %v", st, err)
	}
}

func TestFishFileWithUserLinesIsKept(t *testing.T) {
	e := newRCEnv(t)
	e.bins = []string{"fish"}
	o := e.opts()
	if _, err := Setup(o); err != nil {
		t.Fatal(err)
	}
	fish := e.path(".config/fish/conf.d/govm.fish")
	writeFile(t, fish, readFile(t, fish)+"set -gx GOFLAGS -mod=mod\n", 0o644)
	if _, err := Undo(o); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, fish); got != "set -gx GOFLAGS -mod=mod\n" {
		t.Errorf("fish file = %q", got)
	}
}

func TestPrintWritesNothing(t *testing.T) {
	e := newRCEnv(t)
	e.env["SHELL"] = "/bin/zsh"
	e.bins = []string{"fish"}
	rep, err := Print(e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Targets) != 2 {
		t.Fatalf("targets = %+v", rep.Targets)
	}
	for _, tg := range rep.Targets {
		if tg.Action != Created || !strings.HasPrefix(tg.Content, MarkerStart+"\n") {
			t.Errorf("%s: %s %q", tg.Path, tg.Action, tg.Content)
		}
		if _, err := os.Stat(tg.Path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("print created %s", tg.Path)
		}
	}
	if _, err := os.Stat(e.path(".config")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("print created directories")
	}
}

func TestMalformedRCFileIsAnErrorNamingIt(t *testing.T) {
	e := newRCEnv(t)
	e.env["SHELL"] = "/bin/zsh"
	text := "a\n" + MarkerStart + "\nhalf a block\n"
	writeFile(t, e.path(".zshrc"), text, 0o644)
	_, err := Setup(e.opts())
	if !errors.Is(err, ErrMalformedBlock) || !strings.Contains(err.Error(), e.path(".zshrc")) {
		t.Errorf("setup error = %v", err)
	}
	if _, err := Undo(e.opts()); !errors.Is(err, ErrMalformedBlock) {
		t.Errorf("undo error = %v", err)
	}
	if readFile(t, e.path(".zshrc")) != text {
		t.Error("malformed file was modified")
	}
}

func TestHomeChangeReplacesBlock(t *testing.T) {
	e := newRCEnv(t)
	e.env["SHELL"] = "/bin/zsh"
	o := e.opts()
	if _, err := Setup(o); err != nil {
		t.Fatal(err)
	}
	o.Home = "/opt/other/govm"
	st, _ := Check(o)
	if st.Persistent {
		t.Error("status says configured for a home the block does not name")
	}
	rep, err := Setup(o)
	if err != nil || rep.Targets[0].Action != Updated {
		t.Fatalf("setup with new home: %+v %v", rep, err)
	}
	text := readFile(t, e.path(".zshrc"))
	if strings.Count(text, MarkerStart) != 1 || !strings.Contains(text, "/opt/other/govm/bin") {
		t.Errorf("zshrc = %q", text)
	}
}

func TestSystemProfileD(t *testing.T) {
	e := newRCEnv(t)
	o := e.opts()
	o.System = true
	o.Home = "/opt/govm"
	o.EtcDir = e.path("etc")
	rep, err := Setup(o)
	if err != nil {
		t.Fatal(err)
	}
	sh := e.path("etc/profile.d/govm.sh")
	if len(rep.Targets) != 1 || rep.Targets[0].Path != sh || !strings.Contains(readFile(t, sh), "'/opt/govm/current/bin'") {
		t.Fatalf("system setup = %+v", rep.Targets)
	}
	if _, err := Undo(o); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sh); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("profile.d file left behind: %v", err)
	}
}

// The POSIX block really puts govm first, in order, and sourcing it twice
// (a nested shell) adds nothing.
func TestPOSIXBlockRunsInSh(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	tests := []struct {
		name  string
		home  string
		shims bool
		path  string
		want  string
	}{
		{"prepends in order", "/h/govm", false, "/usr/bin:/bin", "/h/govm/current/bin:/h/govm/bin:/usr/bin:/bin"},
		{"shims first", "/h/govm", true, "/usr/bin", "/h/govm/bin:/h/govm/current/bin:/usr/bin"},
		{"quote in home", "/h/o'neil $x/govm", false, "/usr/bin", "/h/o'neil $x/govm/current/bin:/h/o'neil $x/govm/bin:/usr/bin"},
		{"already present is kept where it is", "/h/govm", false, "/usr/bin:/h/govm/bin", "/h/govm/current/bin:/usr/bin:/h/govm/bin"},
		{"empty PATH gets no trailing colon", "/h/govm", false, "", "/h/govm/current/bin:/h/govm/bin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := shellBlock(ShellBash, dirs(tt.home, tt.shims))
			script := filepath.Join(t.TempDir(), "rc")
			writeFile(t, script, block, 0o644)
			cmd := exec.Command(sh, "-c", `. "$1"; . "$1"; printf %s "$PATH"`, "sh", script)
			cmd.Env = []string{"PATH=" + tt.path}
			cmd.Path = sh
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("PATH = %q, want %q", out, tt.want)
			}
		})
	}
}

func TestDanglingSymlinkRCIsCreatedAtItsTarget(t *testing.T) {
	e := newRCEnv(t)
	e.env["SHELL"] = "/bin/zsh"
	if err := os.Symlink("dotfiles/zshrc", e.path(".zshrc")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(e.path("dotfiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	rep, err := Setup(e.opts())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Targets[0].Path != e.path("dotfiles/zshrc") || rep.Targets[0].Action != Created {
		t.Errorf("target = %+v", rep.Targets[0])
	}
	if !strings.Contains(readFile(t, e.path(".zshrc")), MarkerStart) {
		t.Error("the link does not lead to the block")
	}
}

func TestElevationHint(t *testing.T) {
	denied := &fs.PathError{Op: "open", Path: "/etc/profile.d/govm.sh", Err: fs.ErrPermission}
	tests := []struct {
		name   string
		system bool
		err    error
		want   bool
	}{
		{"machine-wide and denied", true, denied, true},
		{"per-user and denied", false, denied, false},
		{"machine-wide, other error", true, fs.ErrNotExist, false},
	}
	for _, tt := range tests {
		err := elevationHint(Options{System: tt.system}, tt.err)
		if errors.Is(err, ErrNeedsElevation) != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestXDGConfigHomeAndMissingHome(t *testing.T) {
	e := newRCEnv(t)
	e.bins = []string{"fish", "pwsh"}
	e.env["XDG_CONFIG_HOME"] = e.path("cfg")
	rep, err := Print(e.opts())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{e.path("cfg/fish/conf.d/govm.fish"), e.path("cfg/powershell/Microsoft.PowerShell_profile.ps1")}
	if got := targetPaths(rep); !slices.Equal(got, want) {
		t.Errorf("targets = %q, want %q", got, want)
	}
	o := e.opts()
	o.Home = ""
	if _, err := Setup(o); err == nil || !strings.Contains(err.Error(), "Home") {
		t.Errorf("empty Home: %v", err)
	}
}
