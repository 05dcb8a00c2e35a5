package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/govm-dev/govm/pkg/goversion"
)

func mustPolicy(t *testing.T, m map[string]any) Policy {
	t.Helper()
	p, err := FromMap("/etc/govm/config.yaml", m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckVersion(t *testing.T) {
	p := mustPolicy(t, map[string]any{
		"allowed_versions": ">=1.21 <1.23",
		"blocked_versions": []any{
			map[string]any{"versions": "1.22.4", "reason": "CVE-1"},
			"1.21",
		},
	})
	for _, tc := range []struct {
		version string
		rule    string // "" = allowed
	}{
		{"go1.22.5", ""},
		{"go1.22.4", "blocked_versions"},
		{"go1.21.13", "blocked_versions"},
		{"go1.23.0", "allowed_versions"},
		{"go1.20", "allowed_versions"},
		{"go1.22rc1", ""},
	} {
		v, err := goversion.Parse(tc.version)
		if err != nil {
			t.Fatal(err)
		}
		err = p.CheckVersion("install", v)
		if tc.rule == "" {
			if err != nil {
				t.Errorf("%s: %v, want allowed", tc.version, err)
			}
			continue
		}
		var d *Denial
		if !errors.As(err, &d) || !errors.Is(err, ErrDenied) || d.Rule != tc.rule {
			t.Errorf("%s: %v, want a denial by %s", tc.version, err, tc.rule)
			continue
		}
		if !strings.Contains(err.Error(), "/etc/govm/config.yaml") {
			t.Errorf("%s: %q does not name the policy file", tc.version, err)
		}
	}
	v, _ := goversion.Parse("go1.22.4")
	if err := p.CheckVersion("use", v); err == nil || !strings.Contains(err.Error(), "CVE-1") {
		t.Errorf("blocked denial %v does not give the reason", err)
	}
}

func TestZeroPolicyAllowsEverything(t *testing.T) {
	var p Policy
	v, _ := goversion.Parse("go1.99.0")
	if err := errors.Join(p.CheckVersion("install", v), p.CheckSource("install", SourceProxy, "proxy"),
		p.CheckInsecure("install", true), p.CheckMirror("install", "godev"), p.CheckShimAutoInstall("shim install")); err != nil {
		t.Fatal(err)
	}
}

func TestSourcesInsecureMirror(t *testing.T) {
	p := mustPolicy(t, map[string]any{"sources": []any{"mirror", "file"}, "require_verification": true, "mirror": `\\srv\go`})
	for _, tc := range []struct {
		name string
		err  error
		rule string
	}{
		{"proxy source", p.CheckSource("install", SourceKind("proxy", ""), "proxy"), "sources"},
		{"auto without mirror", p.CheckSource("install", SourceKind("auto", ""), "auto"), "sources"},
		{"auto with mirror", p.CheckSource("install", SourceKind("auto", `\\srv\go`), "auto"), ""},
		{"local archive", p.CheckSource("install", SourceFile, "go.tar.gz"), ""},
		{"insecure", p.CheckInsecure("install", true), "require_verification"},
		{"secure", p.CheckInsecure("install", false), ""},
		{"other mirror", p.CheckMirror("install", "https://elsewhere/"), "mirror"},
		{"policy mirror", p.CheckMirror("install", `\\srv\go`), ""},
		{"auto", p.CheckMirror("install", "auto"), ""},
	} {
		var d *Denial
		switch {
		case tc.rule == "" && tc.err != nil:
			t.Errorf("%s: %v, want allowed", tc.name, tc.err)
		case tc.rule != "" && (!errors.As(tc.err, &d) || d.Rule != tc.rule):
			t.Errorf("%s: %v, want denial by %s", tc.name, tc.err, tc.rule)
		}
	}
}

// shim_auto_install is a permission: only an explicit false denies, and the
// denial names the rule and the way out.
func TestShimAutoInstall(t *testing.T) {
	for _, tc := range []struct {
		value  any
		denied bool
	}{{true, false}, {"true", false}, {false, true}, {"false", true}} {
		p := mustPolicy(t, map[string]any{"shim_auto_install": tc.value})
		err := p.CheckShimAutoInstall("shim install go1.22.5")
		var d *Denial
		switch {
		case !tc.denied && err != nil:
			t.Errorf("shim_auto_install: %v: %v, want allowed", tc.value, err)
		case tc.denied && (!errors.As(err, &d) || d.Rule != "shim_auto_install" || !strings.Contains(err.Error(), "govm install")):
			t.Errorf("shim_auto_install: %v: %v, want a denial by shim_auto_install naming govm install", tc.value, err)
		}
	}
	if _, err := FromMap("m.yaml", map[string]any{"shim_auto_install": "sometimes"}); err == nil || !strings.Contains(err.Error(), "policy.shim_auto_install") {
		t.Errorf("shim_auto_install: sometimes: %v, want an error naming the key", err)
	}
}

func TestFromMapErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    map[string]any
		want string
	}{
		{"unknown key", map[string]any{"allowed": "1.22"}, `unknown key "policy.allowed"`},
		{"bad constraint", map[string]any{"allowed_versions": "one"}, "policy.allowed_versions"},
		{"bad block", map[string]any{"blocked_versions": []any{map[string]any{"reason": "x"}}}, "no versions"},
		{"block key typo", map[string]any{"blocked_versions": []any{map[string]any{"version": "1.2", "reasn": "x"}}}, `unknown key "reasn"`},
		{"blocks not a list", map[string]any{"blocked_versions": "1.22"}, "want a list"},
		{"unknown source", map[string]any{"sources": []any{"internet"}}, `unknown source "internet"`},
		{"bool", map[string]any{"require_verification": "maybe"}, "want true or false"},
	} {
		_, err := FromMap("m.yaml", tc.m)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want error containing %q", tc.name, err, tc.want)
		}
	}
}

// A version the decoder kept as written (json.Number; YAML floats arrive
// as their text) is read as that text; a float, whose trailing zeros are
// gone (1.20 is 1.2), is refused rather than read as another version.
func TestNumbersReadAsVersions(t *testing.T) {
	p := mustPolicy(t, map[string]any{"allowed_versions": json.Number("1.20"), "sources": "mirror, file"})
	if p.Allowed != "1.20" {
		t.Errorf("allowed %q, want 1.20 as written", p.Allowed)
	}
	v, _ := goversion.Parse("go1.20.5")
	if err := p.CheckVersion("install", v); err != nil {
		t.Fatal(err)
	}
	if len(p.Sources) != 2 {
		t.Fatalf("sources %q, want mirror and file", p.Sources)
	}
	_, err := FromMap("f.toml", map[string]any{"allowed_versions": 1.2})
	if err == nil || !strings.Contains(err.Error(), "write it in quotes") {
		t.Errorf("a float version: %v, want a refusal asking for quotes", err)
	}
}

func FuzzFromMap(f *testing.F) {
	f.Add("1.22", "1.22.4", "reason", "godev")
	f.Add(">=1.21 <1.23", "~1.20", "", "mirror")
	f.Fuzz(func(t *testing.T, allowed, blocked, reason, source string) {
		p, err := FromMap("f.yaml", map[string]any{
			"allowed_versions": allowed,
			"blocked_versions": []any{map[string]any{"versions": blocked, "reason": reason}},
			"sources":          []any{source},
		})
		if err != nil {
			return
		}
		v, _ := goversion.Parse("go1.22.5")
		if err := p.CheckVersion("install", v); err != nil && !errors.Is(err, ErrDenied) {
			t.Fatalf("CheckVersion error %v is not a denial", err)
		}
	})
}
