package doctor

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// writeGOROOTEnv adds $GOROOT/go.env to an installed (read-only) toolchain.
func (m *machine) writeGOROOTEnv(version, content string) {
	m.t.Helper()
	root := filepath.Join(m.home.Versions(), version)
	os.Chmod(root, 0o755)
	m.write(filepath.Join(root, "go.env"), content)
}

// goEnvW writes the `go env -w` file and points GOENV at it.
func (m *machine) goEnvW(content string) string {
	p := filepath.Join(m.root, "config", "go", "env")
	m.write(p, content)
	m.env["GOENV"] = p
	return p
}

func TestGoEnvOrigins(t *testing.T) {
	m := govmMachine(t)
	m.writeGOROOTEnv("go1.22.5", "GOTOOLCHAIN=auto\nGOPROXY=https://proxy.golang.org,direct\n")
	file := m.goEnvW("GOPROXY=https://corp.example/proxy\n")
	m.env["GOSUMDB"] = "off"
	e := m.Env().withDefaults()
	tests := []struct {
		key, value, origin string
	}{
		{"GOSUMDB", "off", "environment"},
		{"GOPROXY", "https://corp.example/proxy", "go env -w (" + file + ")"},
		{"GOTOOLCHAIN", "auto", filepath.Join(m.home.Versions(), "go1.22.5", "go.env")},
		{"GOFLAGS", "", ""},
	}
	for _, tt := range tests {
		if got := e.goEnv(tt.key); got.Value != tt.value || got.Origin != tt.origin {
			t.Errorf("goEnv(%s) = %+v, want %q from %q", tt.key, got, tt.value, tt.origin)
		}
	}
}

func TestUserGoEnvFile(t *testing.T) {
	tests := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", map[string]string{"HOME": "/home/u"}, filepath.Join("/home/u", ".config", "go", "env")},
		{"linux", map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg"}, filepath.Join("/cfg", "go", "env")},
		{"linux", map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "relative"}, filepath.Join("/home/u", ".config", "go", "env")},
		{"darwin", map[string]string{"HOME": "/Users/u"}, filepath.Join("/Users/u", "Library", "Application Support", "go", "env")},
		{"windows", map[string]string{"APPDATA": `C:\Users\u\AppData\Roaming`}, filepath.Join(`C:\Users\u\AppData\Roaming`, "go", "env")},
		{"linux", map[string]string{"GOENV": "/x/env"}, "/x/env"},
		{"linux", map[string]string{"GOENV": "off", "HOME": "/home/u"}, ""},
		{"linux", map[string]string{}, ""},
	}
	for _, tt := range tests {
		if runtime.GOOS == "windows" && tt.goos != "windows" {
			continue // filepath.IsAbs("/cfg") is false on Windows
		}
		e := &Env{GOOS: tt.goos, Getenv: func(k string) string { return tt.env[k] }}
		if got := e.userGoEnvFile(); got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.goos, tt.env, got, tt.want)
		}
	}
}

func TestGOROOT(t *testing.T) {
	t.Run("unset", func(t *testing.T) {
		m := govmMachine(t)
		expect(t, only(t, m.run(false, "GOENV-GOROOT")), OK, "not set", "")
	})
	t.Run("stale GOROOT in the environment", func(t *testing.T) {
		m := govmMachine(t)
		m.env["GOROOT"] = "/usr/local/go"
		f := only(t, m.run(false, "GOENV-GOROOT"))
		expect(t, f, Error, "GOROOT=/usr/local/go (from environment) is not the toolchain that runs", "unset GOROOT")
	})
	t.Run("GOROOT by go env -w", func(t *testing.T) {
		m := govmMachine(t)
		m.goEnvW("GOROOT=/usr/lib/go-1.19\n")
		expect(t, only(t, m.run(false, "GOENV-GOROOT")), Error, "from go env -w", "go env -u GOROOT")
	})
	t.Run("GOROOT pinned to the active version's directory", func(t *testing.T) {
		m := govmMachine(t)
		m.env["GOROOT"] = filepath.Join(m.home.Versions(), "go1.22.5")
		expect(t, only(t, m.run(false, "GOENV-GOROOT")), Warning, "goes stale at the next 'govm use'", "unset GOROOT")
	})
	t.Run("GOROOT following the current link", func(t *testing.T) {
		m := govmMachine(t)
		m.env["GOROOT"] = m.home.Current()
		expect(t, only(t, m.run(false, "GOENV-GOROOT")), Info, "follows govm's current link", "unset GOROOT")
	})
}

func TestGOTOOLCHAIN(t *testing.T) {
	tests := []struct {
		name      string
		env       string // GOTOOLCHAIN in the environment
		file      string // in the go env -w file
		gorootEnv string // in $GOROOT/go.env
		sev       Severity
		msg, fix  string
	}{
		{"nowhere", "", "", "", Info, "set nowhere, so go never switches", "govm install"},
		{"auto from GOROOT", "", "", "GOTOOLCHAIN=auto\n", OK, "GOTOOLCHAIN=auto (from ", ""},
		{"forced in env", "go1.21.13", "", "GOTOOLCHAIN=auto\n", Warning, "runs go1.21.13 for every go command", "unset GOTOOLCHAIN"},
		{"forced by go env -w", "", "GOTOOLCHAIN=go1.21.13\n", "", Warning, "from go env -w", "go env -u GOTOOLCHAIN"},
		{"malformed", "go1.22", "", "", Error, "want local, auto, path", "unset GOTOOLCHAIN"},
		{"local explicitly", "local", "", "", OK, "go always runs the toolchain on PATH", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := govmMachine(t)
			if tt.env != "" {
				m.env["GOTOOLCHAIN"] = tt.env
			}
			if tt.file != "" {
				m.goEnvW(tt.file)
			}
			if tt.gorootEnv != "" {
				m.writeGOROOTEnv("go1.22.5", tt.gorootEnv)
			}
			expect(t, only(t, m.run(false, "GOENV-TOOLCHAIN")), tt.sev, tt.msg, tt.fix)
		})
	}
}

func TestGoProxy(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		sevs []Severity
		msgs []string
	}{
		{"defaults", nil, []Severity{OK}, []string{"checked against the checksum database"}},
		{"sumdb off", map[string]string{"GOSUMDB": "off"}, []Severity{Warning}, []string{"GOSUMDB=off (from environment)"}},
		{"proxy off", map[string]string{"GOPROXY": "off"}, []Severity{Warning}, []string{"cannot download modules"}},
		{"direct", map[string]string{"GOPROXY": "direct"}, []Severity{Info}, []string{"straight from its VCS"}},
		{"narrow GONOSUMDB", map[string]string{"GONOSUMDB": "corp.example.com"}, []Severity{Info}, []string{"skip the checksum database"}},
		{"broad GONOSUMDB", map[string]string{"GONOSUMDB": "github.com/*"}, []Severity{Warning}, []string{"GONOSUMDB=github.com/*"}},
		{"insecure GOFLAGS", map[string]string{"GOFLAGS": "-mod=mod -insecure"}, []Severity{Warning}, []string{"turns off verification"}},
		{"GOINSECURE", map[string]string{"GOINSECURE": "example.com"}, []Severity{Warning}, []string{"plain HTTP"}},
		{"GOPRIVATE with a scheme and a space", map[string]string{"GOPRIVATE": "https://corp.example.com, git.corp"}, []Severity{Warning}, []string{`"https://corp.example.com", " git.corp"`}},
		{"GOPRIVATE everything", map[string]string{"GOPRIVATE": "*"}, []Severity{Warning}, []string{"covers *"}},
		{"GOPRIVATE fine", map[string]string{"GOPRIVATE": "corp.example.com,github.com/myorg/*"}, []Severity{OK}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := govmMachine(t)
			for k, v := range tt.env {
				m.env[k] = v
			}
			rep := m.run(false, "GOENV-PROXY")
			if len(rep.Checks) != len(tt.sevs) {
				t.Fatalf("findings %+v", rep.Checks)
			}
			for i, f := range rep.Checks {
				expect(t, f, tt.sevs[i], tt.msgs[i], "")
			}
		})
	}
}

func TestHasInsecureFlag(t *testing.T) {
	for in, want := range map[string]bool{"-insecure": true, "--insecure": true, "-insecure=true": true,
		"-mod=mod": false, "-tags=insecure": false, "insecure": false, "": false} {
		if got := hasInsecureFlag(in); got != want {
			t.Errorf("hasInsecureFlag(%q) = %v", in, got)
		}
	}
}

func TestCgo(t *testing.T) {
	t.Run("not forced", func(t *testing.T) {
		m := govmMachine(t)
		expect(t, only(t, m.run(false, "GOENV-CGO")), OK, "not forced", "")
	})
	t.Run("forced without a compiler", func(t *testing.T) {
		m := govmMachine(t)
		m.env["CGO_ENABLED"] = "1"
		expect(t, only(t, m.run(false, "GOENV-CGO")), Warning, "no C compiler (gcc or clang) is on PATH", "CGO_ENABLED=0")
	})
	t.Run("forced with gcc", func(t *testing.T) {
		m := govmMachine(t)
		m.env["CGO_ENABLED"] = "1"
		cc := filepath.Join(m.root, "cc")
		m.exe(filepath.Join(cc, exeName("gcc")))
		m.appendPath(cc)
		expect(t, only(t, m.run(false, "GOENV-CGO")), OK, "C compiler "+filepath.Join(cc, exeName("gcc")), "")
	})
	t.Run("CC with flags names a missing program", func(t *testing.T) {
		m := govmMachine(t)
		m.goEnvW("CGO_ENABLED=1\nCC=x86_64-w64-mingw32-gcc -m64\n")
		f := only(t, m.run(false, "GOENV-CGO"))
		expect(t, f, Warning, "x86_64-w64-mingw32-gcc", "")
		if !strings.Contains(f.Message, "from go env -w") {
			t.Errorf("origin missing: %s", f.Message)
		}
	})
	t.Run("CC as an absolute path", func(t *testing.T) {
		m := govmMachine(t)
		cc := filepath.Join(m.root, "toolchain", "bin", exeName("cc"))
		m.exe(cc)
		m.env["CGO_ENABLED"] = "1"
		m.env["CC"] = cc
		expect(t, only(t, m.run(false, "GOENV-CGO")), OK, cc, "")
	})
}
