package machinefile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/viper"

	"github.com/govm-dev/govm/internal/policy"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
)

func TestPolicyOf(t *testing.T) {
	for _, tc := range []struct {
		name, file, body string
		// want is the policy's fields as "allowed|blocked versions:reason,...|sources|verify|mirror";
		// empty with no wantErr means the zero Policy.
		want, wantErr string
	}{
		{"yaml", "config.yaml", `
source: godev
policy:
  allowed_versions: ">=1.22 <1.24"
  blocked_versions:
    - versions: 1.22.4
      reason: CVE-2024-0000
    - 1.23.0
  sources: [mirror, file]
  require_verification: true
  mirror: /srv/go
`, ">=1.22 <1.24|1.22.4:CVE-2024-0000,1.23.0:|mirror,file|true|/srv/go", ""},
		{"yml and keys in any case", "config.yml", `
POLICY:
  Allowed_Versions: "1.22"
  Blocked_Versions:
    - Versions: 1.22.4
      Reason: broken
`, "1.22|1.22.4:broken||false|", ""},
		{"no extension is YAML", "config", "policy:\n  allowed_versions: \"1.22\"\n", "1.22|||false|", ""},
		{"extension in capitals", "CONFIG.YAML", "policy:\n  sources: godev\n", "||godev|false|", ""},
		{"a YAML number is its text", "config.yaml", "policy:\n  allowed_versions: 1.22\n", "1.22|||false|", ""},
		{"trailing zeros kept (Go 1.20, not 1.2)", "config.yaml", "policy:\n  allowed_versions: 1.20\n  blocked_versions:\n    - 1.10\n", "1.20|1.10:||false|", ""},
		{"a JSON number is its text", "config.json", `{"policy": {"allowed_versions": 1.20}}`, "1.20|||false|", ""},
		{"an anchor and alias", "config.yaml", "v: &v 1.20\npolicy:\n  allowed_versions: *v\n", "1.20|||false|", ""},
		{"json", "config.json", `{"policy": {"allowed_versions": "1.22", "blocked_versions": [{"versions": "1.22.4", "reason": "r"}]}}`, "1.22|1.22.4:r||false|", ""},
		{"toml", "config.toml", `
source = "godev"
[policy]
allowed_versions = "~1.22"
require_verification = true
[[policy.blocked_versions]]
versions = "1.22.4"
reason = "r"
`, "~1.22|1.22.4:r||true|", ""},
		{"toml dotted keys are a section", "config.toml", "policy.allowed_versions = \"1.22\"\n", "1.22|||false|", ""},
		{"no policy", "config.yaml", "source: godev\n", "", ""},
		{"empty policy", "config.yaml", "policy:\n", "", ""},
		{"empty file", "config.yaml", "", "", ""},
		{"json null", "config.json", "null", "", ""},

		{"policy not a section", "config.yaml", "policy: strict\n", "", "policy must be a section of keys"},
		{"unknown policy key", "config.yaml", "policy:\n  alowed_versions: \"1.21\"\n", "", `unknown key "policy.alowed_versions"`},
		{"bad request", "config.yaml", "policy:\n  allowed_versions: banana\n", "", "policy.allowed_versions"},
		{"bad type", "config.yaml", "policy:\n  require_verification: [yes]\n", "", "policy.require_verification"},
		{"malformed yaml", "config.yaml", "policy:\n  allowed_versions: \"1.22\n", "", "config file config.yaml: yaml:"},
		{"malformed json", "config.json", `{"policy": `, "", "config file config.json: unexpected end of JSON input"},
		{"malformed toml", "config.toml", "[policy\n", "", "config file config.toml: toml:"},
		{"not a map", "config.yaml", "- policy\n", "", "config file config.yaml: want a map of settings at the top"},
		{"a TOML float version", "config.toml", "[policy]\nallowed_versions = 1.20\n", "", "write it in quotes"},
		{"an alias inside itself", "config.yaml", "a: &a [*a]\n", "", "contains itself"},
		{"billion laughs", "config.yaml", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n", "", "excessive aliasing"},
		{"a key twice", "config.yaml", "policy:\n  allowed_versions: \"1.22\"\n  allowed_versions: \"1.23\"\n", "", `key "allowed_versions" appears twice`},
		{"unsupported type", "config.ini", "[policy]\n", "", `unsupported config type "ini"`},
		{"dotted key in yaml", "config.yaml", "policy.allowed_versions: \"1.22\"\n", "", `key "policy.allowed_versions": write policy as a section`},
		{"keys differing in case", "config.yaml", "policy:\n  allowed_versions: \"1.22\"\n  Allowed_Versions: \"1.23\"\n", "", `keys "Allowed_Versions" and "allowed_versions" differ only in case`},
		{"sections differing in case", "config.yaml", "policy: {}\nPolicy: {}\n", "", `keys "Policy" and "policy" differ only in case`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := PolicyOf(tc.file, []byte(tc.body))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.file) {
					t.Fatalf("err = %v, want one naming %s and containing %q", err, tc.file, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if !reflect.DeepEqual(p, policy.Policy{}) {
					t.Fatalf("policy %+v, want none", p)
				}
				return
			}
			if got := summary(p); got != tc.want {
				t.Errorf("policy %s, want %s", got, tc.want)
			}
			if p.File != tc.file {
				t.Errorf("File = %q, want %q", p.File, tc.file)
			}
		})
	}
}

func summary(p policy.Policy) string {
	var blocked []string
	for _, b := range p.Blocked {
		blocked = append(blocked, b.Versions+":"+b.Reason)
	}
	return strings.Join([]string{p.Allowed, strings.Join(blocked, ","), strings.Join(p.Sources, ","), strconv.FormatBool(p.RequireVerification), p.Mirror}, "|")
}

// The policy read is compiled: its rules decide, as govm's would.
func TestPolicyOfDecides(t *testing.T) {
	p, err := PolicyOf("m.yaml", []byte("policy:\n  allowed_versions: \"1.22\"\n  blocked_versions:\n    - versions: 1.22.4\n      reason: broken\n"))
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]string{
		"go1.22.5": "",
		"go1.22.4": "run go1.22.4: go1.22.4 is blocked: broken (rule policy.blocked_versions in m.yaml)",
		"go1.21.0": `run go1.21.0: go1.21.0 is not in the allowed versions "1.22" (rule policy.allowed_versions in m.yaml)`,
	} {
		err := p.CheckVersion("run "+v, goversion.MustParse(v))
		got := ""
		if err != nil {
			got = err.Error()
			if !errors.Is(err, policy.ErrDenied) {
				t.Errorf("%s: %v is not ErrDenied", v, err)
			}
		}
		if got != want {
			t.Errorf("%s: %q, want %q", v, got, want)
		}
	}
}

// variable is the environment of a process whose GOVM_MACHINE_CONFIG is p.
func variable(p string) func(string) string {
	return func(k string) string {
		if k == "GOVM_MACHINE_CONFIG" {
			return p
		}
		return ""
	}
}

func trusted(string) string { return "" }

func TestLoad(t *testing.T) {
	dir := tempdir.New(t)
	absent := filepath.Join(dir, "absent.yaml")
	fixed := filepath.Join(dir, "fixed.yaml")
	other := filepath.Join(dir, "other.yaml")
	broken := filepath.Join(dir, "broken.yaml")
	for p, body := range map[string]string{
		fixed:  "policy:\n  allowed_versions: \"1.22\"\n",
		other:  "policy:\n  allowed_versions: \"1.21\"\n",
		broken: "policy: [\n",
	} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	notDir := filepath.Join(fixed, "config.yaml")

	for _, tc := range []struct {
		name, fixed, variable string
		check                 func(string) string
		wantFile, wantAllowed string
		wantIgnored           bool
		wantErr               string
		// unixOnly: Windows reports a file used as a directory as not
		// existing (ERROR_PATH_NOT_FOUND), so there it is no file at all.
		unixOnly bool
	}{
		{name: "no file anywhere", fixed: absent, wantFile: absent},
		{name: "the fixed file", fixed: fixed, wantFile: fixed, wantAllowed: "1.22"},
		{name: "the variable where the fixed path holds none", fixed: absent, variable: other, wantFile: other, wantAllowed: "1.21"},
		{name: "the variable cannot replace the fixed file", fixed: fixed, variable: other, wantFile: fixed, wantAllowed: "1.22"},
		{name: "the variable naming no file", fixed: absent, variable: filepath.Join(dir, "nope.yaml"), wantFile: filepath.Join(dir, "nope.yaml")},
		{name: "untrusted is ignored", fixed: fixed, check: func(string) string { return "it is world-writable" }, wantFile: fixed, wantIgnored: true},
		{name: "untrusted and broken is ignored, not read", fixed: broken, check: func(string) string { return "it is world-writable" }, wantFile: broken, wantIgnored: true},
		{name: "broken", fixed: broken, wantFile: broken, wantErr: "config file " + broken + ": yaml:"},
		{name: "cannot be looked at", fixed: notDir, wantFile: notDir, wantErr: "config file " + notDir + ": ", unixOnly: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.unixOnly && runtime.GOOS == "windows" {
				t.Skip("a file used as a directory does not exist on Windows")
			}
			check := tc.check
			if check == nil {
				check = trusted
			}
			m, err := loadAt(tc.fixed, variable(tc.variable), check)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if m.File != tc.wantFile || m.Policy.Allowed != tc.wantAllowed || (m.Ignored != nil) != tc.wantIgnored {
				t.Errorf("Load = file %s, allowed %q, ignored %v; want %s, %q, ignored %v", m.File, m.Policy.Allowed, m.Ignored, tc.wantFile, tc.wantAllowed, tc.wantIgnored)
			}
			if m.Ignored != nil && (m.Ignored.File != tc.wantFile || !strings.Contains(m.Ignored.Error(), "world-writable")) {
				t.Errorf("Ignored = %v", m.Ignored)
			}
			if got, _ := locate(tc.fixed, variable(tc.variable)); got != tc.wantFile {
				t.Errorf("Path = %s, want %s", got, tc.wantFile)
			}
		})
	}
}

// viperPolicy is how internal/config read the policy section with viper
// before it used PolicyOf: the reference the shims must agree with.
func viperPolicy(file string, data []byte) (policy.Policy, error) {
	v := viper.New()
	ext := strings.TrimPrefix(filepath.Ext(file), ".")
	if ext == "" {
		ext = "yaml"
	}
	v.SetConfigType(ext)
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return policy.Policy{}, err
	}
	if !v.IsSet("policy") {
		return policy.Policy{}, nil
	}
	section, ok := v.Get("policy").(map[string]any)
	if !ok {
		return policy.Policy{}, errors.New("policy must be a section of keys")
	}
	return policy.FromMap(file, section)
}

// PolicyOf reads every machine file as viper does: the same policy, or an
// error for both. It may refuse more, but only what strictError marks
// (a choice viper makes at random, a rule viper drops).
func FuzzPolicyOf(f *testing.F) {
	for _, s := range []struct{ file, body string }{
		{"m.yaml", "policy:\n  allowed_versions: \">=1.22 <1.24\"\n  blocked_versions:\n    - versions: 1.22.4\n      reason: r\n    - 1.23\n  sources: [mirror]\n  require_verification: true\n  shim_auto_install: false\n  mirror: /srv/go\n"},
		{"m.yaml", "POLICY:\n  Allowed_Versions: 1.22\n"},
		{"m.yaml", "policy:\n"},
		{"m.yaml", "policy: x\n"},
		{"m.json", `{"policy": {"allowed_versions": "1.22", "blocked_versions": ["1.22.4", {"versions": "1.22.5"}]}}`},
		{"m.toml", "[policy]\nallowed_versions = \"1.22\"\n[[policy.blocked_versions]]\nversions = \"1.22.4\"\n"},
		{"m.toml", "policy = 3\n"},
	} {
		f.Add(uint8(strings.Index("yjt", s.file[2:3])), []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		file := [...]string{"m.yaml", "m.json", "m.toml"}[kind%3]
		mine, err := PolicyOf(file, data)
		ref, refErr := viperPolicy(file, data)
		var strict *strictError
		switch {
		case err != nil && errors.As(err, &strict):
			// Refused on purpose where viper guesses or drops.
		case refErr != nil && strings.Contains(refErr.Error(), "is a number") && !strings.HasSuffix(file, ".toml"):
			// Viper hands over 1.20 as the float 1.2, which FromMap
			// refuses; YAML and JSON here keep the text, on purpose.
		case (err != nil) != (refErr != nil):
			t.Fatalf("%s %q: PolicyOf error %v, viper's %v", file, data, err, refErr)
		case err == nil && !reflect.DeepEqual(mine, ref):
			t.Fatalf("%s %q: PolicyOf %+v, viper %+v", file, data, mine, ref)
		}
		if err == nil {
			// A policy that parsed decides without failing.
			_ = mine.CheckVersion("run go1.22.4", goversion.MustParse("go1.22.4"))
		}
	})
}

// BenchmarkLoad is what a shim pays per run: with no machine file (one
// stat), and with a trusted file holding a policy (stat, trust check, read,
// parse, compile).
func BenchmarkLoad(b *testing.B) {
	dir := tempdir.New(b)
	file := filepath.Join(dir, "config.yaml")
	body := "policy:\n  allowed_versions: \">=1.21\"\n  blocked_versions:\n    - versions: 1.22.4\n      reason: CVE-2024-0000 in net/http\n  sources: [godev, mirror]\n  require_verification: true\n"
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, fixed string }{
		{"no file", filepath.Join(dir, "absent.yaml")},
		{"policy", file},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := loadAt(bc.fixed, variable(""), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
