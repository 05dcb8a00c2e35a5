//go:build unix

package pathenv

import (
	"strings"
	"testing"
)

func TestQuoting(t *testing.T) {
	tests := []struct {
		quote func(string) string
		in    string
		want  string
	}{
		{shQuote, "/a b/$x", `'/a b/$x'`},
		{shQuote, "o'neil", `'o'\''neil'`},
		{fishQuote, `/a\b`, `'/a\\b'`},
		{fishQuote, "o'neil", `'o\'neil'`},
		{psQuote, "o'neil $x", `'o''neil $x'`},
	}
	for _, tt := range tests {
		if got := tt.quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestShellBlocksPrependInOrder(t *testing.T) {
	d := []string{"/h/current/bin", "/h/bin"}
	for shell, want := range map[string]string{
		ShellBash:       "for _govm_dir in '/h/bin' '/h/current/bin'; do",
		ShellFish:       "for _govm_dir in '/h/bin' '/h/current/bin'",
		ShellPowerShell: "foreach ($govmDir in @('/h/bin', '/h/current/bin')) {",
	} {
		b := shellBlock(shell, d)
		if !strings.HasPrefix(b, MarkerStart+"\n") || !strings.HasSuffix(b, MarkerEnd+"\n") {
			t.Errorf("%s block not delimited by markers:\n%s", shell, b)
		}
		// Each dir is prepended in turn, so the last one listed ends up first.
		if !strings.Contains(b, want+"\n") {
			t.Errorf("%s block does not walk the dirs backwards:\n%s", shell, b)
		}
	}
}
