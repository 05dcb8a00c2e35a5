package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestPrecedence(t *testing.T) {
	dir := tempdir.New(t)
	machine := write(t, dir, "machine.yaml", "source: /srv/mirror\nretries: 2\nindex_ttl: 10m\n")
	user := write(t, dir, "user.yaml", "source: godev\nretries: 7\n")
	cases := []struct {
		name       string
		env        map[string]string
		flags      map[string]string
		wantSource string
		wantOrigin string
		wantTries  int
	}{
		{"files only: user beats machine", nil, nil, "godev", user, 7},
		{"env beats files", map[string]string{"GOVM_SOURCE": "proxy"}, nil, "proxy", "env GOVM_SOURCE", 7},
		{"empty env is unset", map[string]string{"GOVM_SOURCE": ""}, nil, "godev", user, 7},
		{"flag beats env", map[string]string{"GOVM_SOURCE": "proxy"}, map[string]string{"source": "/mnt/share"}, "/mnt/share", "flag --source", 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(Inputs{Getenv: envOf(tc.env), UserFile: user, MachineFile: machine, Flags: tc.flags})
			if err != nil {
				t.Fatal(err)
			}
			if c.Source != tc.wantSource || c.Origins["source"] != tc.wantOrigin || c.Retries != tc.wantTries {
				t.Fatalf("source=%q (%s) retries=%d, want %q (%s) %d", c.Source, c.Origins["source"], c.Retries, tc.wantSource, tc.wantOrigin, tc.wantTries)
			}
			if c.IndexTTL != 10*time.Minute || c.Origins["index_ttl"] != machine {
				t.Fatalf("index_ttl=%v from %s, want 10m from the machine file", c.IndexTTL, c.Origins["index_ttl"])
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c, err := Load(Inputs{Getenv: envOf(nil), UserFile: filepath.Join(tempdir.New(t), "absent.yaml"), MachineFile: filepath.Join(tempdir.New(t), "absent.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != "auto" || c.Retries != 4 || c.HTTPTimeout != 30*time.Second || c.Insecure || c.GoToolchain != "local" || c.MaxUnpackBytes != 2<<30 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.Origins["source"] != "default" {
		t.Fatalf("origin %q", c.Origins["source"])
	}
}

func TestErrors(t *testing.T) {
	dir := tempdir.New(t)
	cases := []struct {
		name    string
		in      Inputs
		wantErr string
	}{
		{"unknown key", Inputs{UserFile: write(t, dir, "typo.yaml", "sorce: godev\n")}, `unknown key "sorce"`},
		{"nested value", Inputs{UserFile: write(t, dir, "nested.yaml", "source:\n  a: b\n")}, `wants a single value`},
		{"bad duration", Inputs{UserFile: write(t, dir, "dur.yaml", "index_ttl: soon\n")}, `index_ttl="soon"`},
		{"bad bool in env", Inputs{Getenv: envOf(map[string]string{"GOVM_INSECURE": "maybe"})}, "want true or false"},
		{"bad retries flag", Inputs{Flags: map[string]string{"retries": "-1"}}, "from flag --retries"},
		{"explicit missing file", Inputs{UserFile: filepath.Join(dir, "nope.yaml"), UserFileExplicit: true}, "nope.yaml"},
		{"not yaml", Inputs{UserFile: write(t, dir, "bad.yaml", "source: [unclosed\n")}, "bad.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.in.Getenv == nil {
				tc.in.Getenv = envOf(nil)
			}
			if tc.in.MachineFile == "" {
				tc.in.MachineFile = filepath.Join(dir, "no-machine.yaml")
			}
			if tc.in.UserFile == "" {
				tc.in.UserFile = filepath.Join(dir, "no-user.yaml")
			}
			_, err := Load(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "2GiB": 2 << 30, "512 MiB": 512 << 20, "3K": 3 << 10} {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "1.5G", "lots"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

func TestMachineFileCannotBeRedirectedWhenFixedExists(t *testing.T) {
	// The fixed path is outside our control in tests; exercise the rule
	// through MachineFile with a fixed path that does not exist here.
	if _, err := os.Stat(FixedMachineFile()); err == nil {
		t.Skip("this machine has a machine config file")
	}
	if got := MachineFile(envOf(map[string]string{"GOVM_MACHINE_CONFIG": "/tmp/x.yaml"})); got != "/tmp/x.yaml" {
		t.Fatalf("MachineFile = %q", got)
	}
	if got := MachineFile(envOf(nil)); got != FixedMachineFile() {
		t.Fatalf("MachineFile = %q", got)
	}
	// With a file at the fixed path the variable cannot replace it: see
	// TestLoad in internal/machinefile, which places one.
}

// machine_wide decides for every user, so only the machine file sets it:
// a user's file is refused, and neither a variable nor a flag reaches it.
func TestMachineWideIsMachineOnly(t *testing.T) {
	dir := tempdir.New(t)
	machine := write(t, dir, "machine.yaml", "machine_wide: true\n")
	absent := filepath.Join(dir, "absent.yaml")
	c, err := Load(Inputs{Getenv: envOf(map[string]string{"GOVM_MACHINE_WIDE": "false"}), UserFile: absent, MachineFile: machine})
	if err != nil {
		t.Fatal(err)
	}
	if !c.MachineWide || c.Origins["machine_wide"] != machine {
		t.Fatalf("machine_wide = %t from %s, want true from %s (GOVM_MACHINE_WIDE must be ignored)", c.MachineWide, c.Origins["machine_wide"], machine)
	}
	user := write(t, dir, "user.yaml", "machine_wide: false\n")
	if _, err := Load(Inputs{Getenv: envOf(nil), UserFile: user, MachineFile: machine}); err == nil || !strings.Contains(err.Error(), "machine_wide is read only from the machine config file") {
		t.Fatalf("user file setting machine_wide: %v, want a refusal naming the key", err)
	}
	if _, err := Load(Inputs{Getenv: envOf(nil), UserFile: absent, MachineFile: machine, Flags: map[string]string{"machine_wide": "false"}}); err == nil {
		t.Fatal("a flag set machine_wide")
	}
	if keys, _, err := ValidateFile(machine); err != nil || !slices.Contains(keys, "machine_wide") {
		t.Fatalf("ValidateFile(machine file) = %v, %v; want machine_wide accepted", keys, err)
	}
}

// auto_install defaults to on and is a user setting like any other.
func TestAutoInstall(t *testing.T) {
	dir := tempdir.New(t)
	absent := filepath.Join(dir, "absent.yaml")
	c, err := Load(Inputs{Getenv: envOf(nil), UserFile: absent, MachineFile: absent})
	if err != nil || !c.AutoInstall {
		t.Fatalf("default auto_install = %t, %v; want true", c.AutoInstall, err)
	}
	c, err = Load(Inputs{Getenv: envOf(map[string]string{"GOVM_AUTO_INSTALL": "false"}), UserFile: absent, MachineFile: absent})
	if err != nil || c.AutoInstall || c.Origins["auto_install"] != "env GOVM_AUTO_INSTALL" {
		t.Fatalf("GOVM_AUTO_INSTALL=false: %t from %s, %v", c.AutoInstall, c.Origins["auto_install"], err)
	}
}
