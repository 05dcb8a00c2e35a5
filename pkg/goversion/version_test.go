package goversion

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"go1", "go1"},
		{"1", "go1"},
		{"1.0", "go1"},
		{"1.0.0", "go1"},
		{"go1.0.1", "go1.0.1"},
		{"1.2.2", "go1.2.2"},
		{"go1.9beta2", "go1.9beta2"},
		{"1.9beta2", "go1.9beta2"},
		{"go1.20", "go1.20"},
		{"1.20.0", "go1.20"}, // go.dev never published a go1.20.0
		{"1.21", "go1.21"},   // language version, kept distinct from the release
		{"1.21.0", "go1.21.0"},
		{"go1.21rc1", "go1.21rc1"},
		{"1.22.5", "go1.22.5"},
		{"go1.22.5", "go1.22.5"},
		{"  1.22.5\t", "go1.22.5"},
		{"1.23rc2", "go1.23rc2"},
		{"go1.9.2rc2", "go1.9.2rc2"},
		{"1.8.5rc4", "go1.8.5rc4"},
		{"1.123456789.1", "go1.123456789.1"},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if v.String() != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, v, tt.want)
		}
		if v.Number() != strings.TrimPrefix(tt.want, "go") {
			t.Errorf("Parse(%q).Number() = %s", tt.in, v.Number())
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in       string
		mentions string // part of the one-line message besides the input
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"1.x.3", "1.22.5"},
		{"go2", "no Go 2"},
		{"2.0", "no Go 2"},
		{"1.22.5.1", "1.22.5"},
		{"1. 22", "1.22.5"},
		{"1.22 .5", "1.22.5"},
		{"v1.22", "leading v"},
		{"v1.22.5", "leading v"},
		{"1.21rc", "1.23rc2"},      // candidate without number
		{"1.21rc0", "1.23rc2"},     // no rc0 ever
		{"1.21alpha1", "1.23rc2"},  // go/version accepts any kind; Go never published one
		{"1.22.5rc1", "1.23rc2"},   // patch prereleases only for the three legacy names
		{"01.22", "1.22.5"},        // leading zero
		{"1.022", "1.22.5"},        // leading zero
		{"1.1234567890", "1.22.5"}, // beyond maxDigits
		{"go", "1.22.5"},
		{"gol1.2", "1.22.5"},
		{"latest", "1.22.5"}, // a request, not a version
		{"1.22\n", ""},       // trimmed, so valid: checked separately below
	}
	for _, tt := range tests[:len(tests)-1] {
		_, err := Parse(tt.in)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) error = %v, want ErrInvalid", tt.in, err)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") {
			t.Errorf("Parse(%q) error spans lines: %q", tt.in, msg)
		}
		if strings.TrimSpace(tt.in) != "" && !strings.Contains(msg, `"`+tt.in+`"`) {
			t.Errorf("Parse(%q) error %q does not name the input", tt.in, msg)
		}
		if !strings.Contains(msg, tt.mentions) {
			t.Errorf("Parse(%q) error %q does not mention %q", tt.in, msg, tt.mentions)
		}
	}
	if _, err := Parse("1.22\n"); err != nil {
		t.Errorf("Parse with trailing newline: %v", err)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse(\"go2\") did not panic")
		}
	}()
	MustParse("go2")
}

func TestVersionProperties(t *testing.T) {
	tests := []struct {
		in     string
		lang   string
		pre    bool
		isLang bool
		semver string
	}{
		{"go1", "go1", false, false, "1.0.0"},
		{"go1.0.3", "go1", false, false, "1.0.3"},
		{"go1.2", "go1.2", false, false, "1.2.0"},
		{"go1.9beta2", "go1.9", true, false, "1.9.0-beta.2"},
		{"go1.9.2rc2", "go1.9", true, false, "1.9.2-rc.2"},
		{"go1.20", "go1.20", false, false, "1.20.0"},
		{"go1.21", "go1.21", true, true, "1.21.0-0"},
		{"go1.21rc1", "go1.21", true, false, "1.21.0-rc.1"},
		{"go1.21.0", "go1.21", false, false, "1.21.0"},
		{"go1.22.5", "go1.22", false, false, "1.22.5"},
	}
	for _, tt := range tests {
		v := MustParse(tt.in)
		if got := v.Lang(); got != tt.lang {
			t.Errorf("%s.Lang() = %q, want %q", tt.in, got, tt.lang)
		}
		if got := v.IsPrerelease(); got != tt.pre {
			t.Errorf("%s.IsPrerelease() = %v, want %v", tt.in, got, tt.pre)
		}
		if got := v.IsLang(); got != tt.isLang {
			t.Errorf("%s.IsLang() = %v, want %v", tt.in, got, tt.isLang)
		}
		if got := v.Semver(); got != tt.semver {
			t.Errorf("%s.Semver() = %q, want %q", tt.in, got, tt.semver)
		}
	}
	var zero Version
	if !zero.IsZero() || zero.IsPrerelease() || zero.IsLang() || zero.Semver() != "" {
		t.Errorf("zero Version: IsZero %v IsPrerelease %v IsLang %v Semver %q", zero.IsZero(), zero.IsPrerelease(), zero.IsLang(), zero.Semver())
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"go1.21", "go1.21rc1", -1},
		{"go1.21rc1", "go1.21rc2", -1},
		{"go1.21rc2", "go1.21.0", -1},
		{"go1.21.0", "go1.21.1", -1},
		{"go1.9beta2", "go1.9rc1", -1},
		{"go1.9", "go1.9.1", -1},
		{"go1.20", "go1.20.1", -1},
		{"go1.20.14", "go1.21rc1", -1},
		{"go1.9.10", "go1.10", -1},
		{"go1", "go1.0.1", -1},
		{"go1.0.3", "go1.1rc2", -1},
		{"go1.9.1", "go1.9.2rc2", -1},
		{"go1.9.2rc2", "go1.9.2", -1},
		{"go1.8.5rc4", "go1.8.5rc5", -1},
		{"go1.8.5rc5", "go1.8.5", -1},
		{"go1.22.5", "go1.22.5", 0},
		{"1.20.0", "go1.20", 0},
	}
	for _, tt := range tests {
		a, b := MustParse(tt.a), MustParse(tt.b)
		if got := Compare(a, b); got != tt.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := Compare(b, a); got != -tt.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
		if got := Less(a, b); got != (tt.want < 0) {
			t.Errorf("Less(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
	if Compare(Version{}, MustParse("go1")) >= 0 {
		t.Error("the zero Version does not sort before go1")
	}
}

func TestNewestHelpers(t *testing.T) {
	vs := []Version{MustParse("1.21.3"), MustParse("1.22rc1"), MustParse("1.20"), MustParse("1.22")}
	if v, ok := Newest(vs); !ok || v.String() != "go1.22rc1" {
		t.Errorf("Newest = %s, %v; want go1.22rc1", v, ok)
	}
	if v, ok := NewestStable(vs); !ok || v.String() != "go1.21.3" {
		t.Errorf("NewestStable = %s, %v; want go1.21.3", v, ok)
	}
	if _, ok := Newest(nil); ok {
		t.Error("Newest(nil) reported a version")
	}
	if _, ok := NewestStable([]Version{MustParse("1.22rc1")}); ok {
		t.Error("NewestStable of only prereleases reported a version")
	}
	Sort(vs)
	got := []string{}
	for _, v := range vs {
		got = append(got, v.String())
	}
	if strings.Join(got, " ") != "go1.22rc1 go1.22 go1.21.3 go1.20" {
		t.Errorf("Sort = %v", got)
	}
}
