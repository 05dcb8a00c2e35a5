package goversion

import "testing"

func TestRequestArg(t *testing.T) {
	for in, want := range map[string]string{
		"go1.22.5":           "1.22.5",
		"1.23rc2":            "1.23rc2",
		"go 1.26.0":          "1.26.0",
		"toolchain go1.22.5": "1.22.5",
		"1.22.x":             "1.22",
		"latest":             "latest",
		">=1.21 <1.23":       "'>=1.21 <1.23'",
	} {
		r, err := ParseRequest(in)
		if err != nil {
			t.Fatalf("ParseRequest(%q): %v", in, err)
		}
		if got := r.Arg(); got != want {
			t.Errorf("ParseRequest(%q).Arg() = %q, want %q", in, got, want)
		}
	}
}
