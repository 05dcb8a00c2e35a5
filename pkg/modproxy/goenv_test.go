package modproxy

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestGoEnvPrecedence(t *testing.T) {
	dir := tempdir.New(t)
	envFile := filepath.Join(dir, "env")
	goroot := filepath.Join(dir, "goroot")
	if err := os.MkdirAll(goroot, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(envFile, "GOPROXY=https://file.example\nGOPRIVATE=corp.example/*\nGOSUMDB=\nGOFLAGS=-mod=mod\n")
	write(filepath.Join(goroot, "go.env"), "GOPROXY=https://goroot.example\nGOSUMDB=sum.goroot.example\nGOTOOLCHAIN=local\n")

	got, err := GoEnv(mapEnv(map[string]string{
		"GOENV":   envFile,
		"GOFLAGS": "-trimpath", // environment beats the file
		"GOROOT":  goroot,
		"GOPROXY": "", // empty counts as unset, as in the go command
		"HOME":    "/home/gopher",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Setting{
		"GOENV":        {Value: envFile, Origin: FromEnv},
		"GOPROXY":      {Value: "https://file.example", Origin: FromFile, File: envFile},
		"GOPRIVATE":    {Value: "corp.example/*", Origin: FromFile, File: envFile},
		"GONOPROXY":    {Value: "corp.example/*", Origin: FromDefault},
		"GONOSUMDB":    {Value: "corp.example/*", Origin: FromDefault},
		"GOSUMDB":      {Value: "sum.goroot.example", Origin: FromGOROOT, File: filepath.Join(goroot, "go.env")},
		"GOTOOLCHAIN":  {Value: "local", Origin: FromGOROOT, File: filepath.Join(goroot, "go.env")},
		"GOFLAGS":      {Value: "-trimpath", Origin: FromEnv},
		"GOROOT":       {Value: goroot, Origin: FromEnv},
		"GOPATH":       {Value: defaultGOPATH(mapEnv(map[string]string{"HOME": "/home/gopher", "USERPROFILE": ""}), runtime.GOOS), Origin: FromDefault},
		"GONOSUMCHECK": {Origin: FromDefault},
		"GOINSECURE":   {Origin: FromDefault},
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("%s = %+v, want %+v", k, got[k], want[k])
			}
		}
		t.Fatalf("GoEnv has %d keys, want %d", len(got), len(want))
	}
	for _, k := range GoEnvKeys {
		if _, ok := got[k]; !ok {
			t.Errorf("GoEnvKeys lists %s but GoEnv does not report it", k)
		}
	}
}

func TestGoEnvDefaults(t *testing.T) {
	home := tempdir.New(t) // no go/env file under it
	got, err := GoEnv(mapEnv(map[string]string{"HOME": home, "XDG_CONFIG_HOME": "", "AppData": home, "USERPROFILE": home}))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"GOPROXY": DefaultGOPROXY, "GOSUMDB": DefaultGOSUMDB, "GOTOOLCHAIN": "auto", "GONOPROXY": "", "GOPATH": filepath.Join(home, "go")} {
		if s := got[k]; s.Value != want || s.Origin != FromDefault {
			t.Errorf("%s = %+v, want default %q", k, s, want)
		}
	}
	if !strings.HasPrefix(got["GOENV"].Value, home) || !strings.HasSuffix(got["GOENV"].Value, filepath.Join("go", "env")) {
		t.Errorf("GOENV = %+v, want <config dir under %s>/go/env", got["GOENV"], home)
	}
}

func TestGoEnvOffIgnoresFile(t *testing.T) {
	dir := tempdir.New(t)
	if err := os.MkdirAll(filepath.Join(dir, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go", "env"), []byte("GOPROXY=https://file.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CONFIG_HOME": dir, "AppData": dir, "HOME": dir, "GOENV": "off"}
	got, err := GoEnv(mapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	if got["GOPROXY"].Value != DefaultGOPROXY {
		t.Errorf("GOENV=off: GOPROXY = %+v, want the default", got["GOPROXY"])
	}
}

func TestGoEnvUnreadableFile(t *testing.T) {
	dir := tempdir.New(t) // a directory where the file should be cannot be read
	_, err := GoEnv(mapEnv(map[string]string{"GOENV": dir}))
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("GoEnv with GOENV=<dir> = %v, want an error naming %s", err, dir)
	}
}

func TestUserConfigDir(t *testing.T) {
	env := mapEnv(map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "/x", "AppData": `C:\Users\g\AppData\Roaming`})
	tests := []struct{ goos, want string }{
		{"linux", "/x"},
		{"windows", `C:\Users\g\AppData\Roaming`},
		{"darwin", "/h/Library/Application Support"},
	}
	for _, tt := range tests {
		if got := userConfigDir(env, tt.goos); got != tt.want {
			t.Errorf("userConfigDir(%s) = %q, want %q", tt.goos, got, tt.want)
		}
	}
	relXDG := mapEnv(map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "rel"})
	if got := userConfigDir(relXDG, "linux"); got != "/h/.config" {
		t.Errorf("relative XDG_CONFIG_HOME: got %q, want $HOME/.config", got)
	}
}

func TestParseEnvFile(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
	}{
		{"go env -w output", "GOPROXY=https://p.example,direct\nGOPRIVATE=*.corp\n", map[string]string{"GOPROXY": "https://p.example,direct", "GOPRIVATE": "*.corp"}},
		{"CRLF and empty value", "GOFLAGS=\r\nGOSUMDB=off\r\n", map[string]string{"GOFLAGS": "", "GOSUMDB": "off"}},
		{"comments and junk skipped", "# GOPROXY=x\n\ngoproxy=y\n=z\nNOEQUALS\n GOPROXY=w\n", map[string]string{}},
		{"later line wins", "GOPROXY=a\nGOPROXY=b\n", map[string]string{"GOPROXY": "b"}},
		{"value keeps = and spaces", "GOFLAGS=-ldflags=-s -w \n", map[string]string{"GOFLAGS": "-ldflags=-s -w "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseEnvFile([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseEnvFile(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseEnvFile(f *testing.F) {
	f.Add([]byte("GOPROXY=https://proxy.golang.org,direct\nGOSUMDB=off\r\n"))
	f.Add([]byte("# x\n=\nA=B=C\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for k, v := range ParseEnvFile(data) {
			if k == "" || k[0] < 'A' || k[0] > 'Z' || strings.ContainsAny(k, "=\n \t") {
				t.Fatalf("bad key %q", k)
			}
			if strings.Contains(v, "\n") {
				t.Fatalf("value of %s spans lines: %q", k, v)
			}
			if !strings.Contains(string(data), k+"="+v) {
				t.Fatalf("%s=%s is not in the input", k, v)
			}
		}
	})
}
