package doctor

import (
	"testing"

	"github.com/govm-dev/govm/pkg/goversion"
)

func TestParseGOTOOLCHAIN(t *testing.T) {
	v := goversion.MustParse
	tests := []struct {
		in      string
		want    toolchainSetting
		wantErr bool
	}{
		{"", toolchainSetting{Mode: modeLocal}, false},
		{"local", toolchainSetting{Mode: modeLocal}, false},
		{"auto", toolchainSetting{Mode: modeAuto}, false},
		{"local+auto", toolchainSetting{Mode: modeAuto}, false},
		{"path", toolchainSetting{Mode: modePath}, false},
		{"go1.22.5", toolchainSetting{Mode: modeForced, Min: v("go1.22.5")}, false},
		{"go1.23rc2", toolchainSetting{Mode: modeForced, Min: v("go1.23rc2")}, false},
		{"go1.22.0+auto", toolchainSetting{Mode: modeAuto, Min: v("go1.22.0")}, false},
		{"go1.22.0+path", toolchainSetting{Mode: modePath, Min: v("go1.22.0")}, false},
		{" auto ", toolchainSetting{Mode: modeAuto}, false},
		{"1.22.5", toolchainSetting{}, true}, // the go prefix is required
		{"go1.22", toolchainSetting{}, true}, // a language version names no release
		{"go1.22.5+local", toolchainSetting{}, true},
		{"go1.22.05", toolchainSetting{}, true}, // not canonical
		{"default", toolchainSetting{}, true},
		{"go2", toolchainSetting{}, true},
	}
	for _, tt := range tests {
		got, err := parseGOTOOLCHAIN(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseGOTOOLCHAIN(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("parseGOTOOLCHAIN(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if err == nil && tt.in != "" && tt.in != " auto " && tt.in != "local+auto" {
			if back, _ := parseGOTOOLCHAIN(got.String()); back != got {
				t.Errorf("String() of %q = %q does not parse back", tt.in, got.String())
			}
		}
	}
}

func FuzzParseGOTOOLCHAIN(f *testing.F) {
	for _, s := range []string{"", "auto", "go1.22.5+auto", "go1.21rc1", "path", "go1.22.5+", "+auto"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseGOTOOLCHAIN(s)
		if err != nil {
			return
		}
		if got.Mode == modeForced && got.Min.IsZero() {
			t.Fatalf("%q: forced mode without a release", s)
		}
		if back, err := parseGOTOOLCHAIN(got.String()); err != nil || back != got {
			t.Fatalf("%q -> %q does not round-trip: %+v, %v", s, got.String(), back, err)
		}
	})
}

func TestParseModInfo(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		work    bool
		go_, tc string
		need    string
		wantErr bool
	}{
		{"go line only", "module m\n\ngo 1.22.5\n", false, "go1.22.5", "", "go1.22.5", false},
		{"language version needs .0", "module m\ngo 1.22\n", false, "go1.22", "", "go1.22.0", false},
		{"old go line", "module m\ngo 1.20\n", false, "go1.20", "", "go1.20", false},
		{"toolchain newer than go", "module m\ngo 1.21.0\ntoolchain go1.22.5\n", false, "go1.21.0", "go1.22.5", "go1.22.5", false},
		{"toolchain older than go is ignored", "module m\ngo 1.23.0\ntoolchain go1.22.5\n", false, "go1.23.0", "go1.22.5", "go1.23.0", false},
		{"toolchain default", "module m\ngo 1.22.0\ntoolchain default\n", false, "go1.22.0", "", "go1.22.0", false},
		{"no go line", "module m\n", false, "", "", "", false},
		{"go.work", "go 1.23.0\n\nuse ./a\n", true, "go1.23.0", "", "go1.23.0", false},
		{"go.work with toolchain", "go 1.22.0\ntoolchain go1.23rc2\nuse .\n", true, "go1.22.0", "go1.23rc2", "go1.23rc2", false},
		{"unparsable go line", "module m\ngo banana\n", false, "", "", "", true},
		{"syntax error", "module m\ngo 1.22 (\n", false, "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseModInfo("go.mod", []byte(tt.data), tt.work)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if m.Go.String() != tt.go_ || m.Toolchain.String() != tt.tc || m.need().String() != tt.need {
				t.Errorf("go %q toolchain %q need %q; want %q %q %q", m.Go, m.Toolchain, m.need(), tt.go_, tt.tc, tt.need)
			}
		})
	}
}

func FuzzParseModInfo(f *testing.F) {
	f.Add([]byte("module m\ngo 1.22\ntoolchain go1.23.0\n"), false)
	f.Add([]byte("go 1.21.0\nuse .\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, work bool) {
		m, err := parseModInfo("go.mod", data, work)
		if err != nil {
			return
		}
		if n := m.need(); !n.IsZero() && n.IsLang() {
			t.Fatalf("need() = %s, a language version, for %q", n, data)
		}
	})
}
