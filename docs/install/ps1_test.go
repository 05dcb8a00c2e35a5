package install_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// No PowerShell runs on our machines (Debian packages none, npm has no
// pwsh), so install.ps1 is checked statically: it must tokenize (strings,
// comments and brackets balanced) and use nothing newer than Windows
// PowerShell 5.1. psCode blanks out strings and comments so the checks see
// code only.

// ps7Only are constructs Windows PowerShell 5.1 rejects or lacks.
var ps7Only = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`\?\?`), "null-coalescing ?? / ??="},
	{regexp.MustCompile(`\?\.|\?\[`), "null-conditional ?. / ?["},
	{regexp.MustCompile(`&&|\|\|`), "pipeline chain && / ||"},
	{regexp.MustCompile(`\s\?\s[^:]*\s:\s`), "ternary ? :"},
	{regexp.MustCompile(`(?i)-Parallel\b`), "ForEach-Object -Parallel"},
	{regexp.MustCompile(`(?i)\$PSStyle\b`), "$PSStyle"},
	{regexp.MustCompile(`(?i)-AsHashtable\b`), "ConvertFrom-Json -AsHashtable"},
	{regexp.MustCompile(`(?i)-SkipCertificateCheck\b|-Resume\b|-ResponseHeadersVariable\b|-SkipHttpErrorCheck\b`), "PowerShell 6+ web cmdlet parameter"},
	{regexp.MustCompile(`(?i)-AdditionalChildPath\b`), "Join-Path -AdditionalChildPath"},
	{regexp.MustCompile(`(?im)^\s*clean\s*\{`), "clean block"},
}

// psCode returns src with the contents of strings and comments replaced by
// spaces (newlines kept), or an error for an unterminated one.
func psCode(src string) (string, error) {
	b := []byte(src)
	out := make([]byte, len(b))
	copy(out, b)
	blank := func(from, to int) {
		for i := from; i < to && i < len(out); i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
	}
	line := func(i int) int { return strings.Count(src[:i], "\n") + 1 }
	for i := 0; i < len(b); {
		switch {
		case strings.HasPrefix(src[i:], "<#"):
			end := strings.Index(src[i+2:], "#>")
			if end < 0 {
				return "", fmt.Errorf("line %d: unterminated block comment", line(i))
			}
			blank(i, i+2+end+2)
			i += 2 + end + 2
		case b[i] == '#':
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			blank(i, i+end)
			i += end
		case strings.HasPrefix(src[i:], "@'") || strings.HasPrefix(src[i:], `@"`):
			closer := "\n" + string(b[i+1]) + "@"
			end := strings.Index(src[i+2:], closer)
			if end < 0 {
				return "", fmt.Errorf("line %d: unterminated here-string", line(i))
			}
			blank(i, i+2+end+len(closer))
			i += 2 + end + len(closer)
		case b[i] == '\'':
			j := i + 1
			for ; j < len(b); j++ {
				if b[j] == '\'' {
					if j+1 < len(b) && b[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(b) {
				return "", fmt.Errorf("line %d: unterminated single-quoted string", line(i))
			}
			blank(i+1, j)
			i = j + 1
		case b[i] == '"':
			j := i + 1
			for ; j < len(b); j++ {
				if b[j] == '`' {
					j++
					continue
				}
				if b[j] == '"' {
					break
				}
			}
			if j >= len(b) {
				return "", fmt.Errorf("line %d: unterminated double-quoted string", line(i))
			}
			blank(i+1, j)
			i = j + 1
		default:
			i++
		}
	}
	return string(out), nil
}

// checkPS51 returns every reason src would not run on Windows PowerShell 5.1.
func checkPS51(src string) []string {
	var problems []string
	for i, r := range src {
		if r > 0x7e || r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			problems = append(problems, fmt.Sprintf("byte %d: non-ASCII character %q (5.1 reads a BOM-less script as ANSI)", i, r))
			break
		}
	}
	code, err := psCode(src)
	if err != nil {
		return append(problems, err.Error())
	}
	var stack []rune
	pairs := map[rune]rune{')': '(', '}': '{', ']': '['}
	for i, r := range code {
		switch r {
		case '(', '{', '[':
			stack = append(stack, r)
		case ')', '}', ']':
			if len(stack) == 0 || stack[len(stack)-1] != pairs[r] {
				return append(problems, fmt.Sprintf("line %d: unbalanced %q", strings.Count(code[:i], "\n")+1, r))
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		problems = append(problems, fmt.Sprintf("%d unclosed brackets", len(stack)))
	}
	for n, l := range strings.Split(code, "\n") {
		for _, c := range ps7Only {
			if c.re.MatchString(l) {
				problems = append(problems, fmt.Sprintf("line %d: %s is PowerShell 7 only", n+1, c.what))
			}
		}
		if regexp.MustCompile(`(?i)\b(Invoke-WebRequest|Invoke-RestMethod|iwr|irm)\b`).MatchString(l) &&
			!strings.Contains(strings.ToLower(l), "-usebasicparsing") {
			problems = append(problems, fmt.Sprintf("line %d: web request without -UseBasicParsing fails on 5.1 without Internet Explorer", n+1))
		}
	}
	return problems
}

func TestInstallPs1IsPowerShell51(t *testing.T) {
	src, err := os.ReadFile("install.ps1")
	if err != nil {
		t.Fatal(err)
	}
	if p := checkPS51(string(src)); len(p) > 0 {
		t.Fatalf("install.ps1:\n  %s", strings.Join(p, "\n  "))
	}
	// What the script must do, in 5.1 terms.
	for _, want := range []string{"Get-FileHash", "checksums.txt", "Expand-Archive", "Tls12", "setup", "-UseBasicParsing", "LOCALAPPDATA"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("install.ps1 does not use %s", want)
		}
	}
}

// TestCheckPS51Catches proves the static check fails on what it must catch.
func TestCheckPS51Catches(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"$a = $b ?? 'x'\n", "??"},
		{"$n = $o?.Name\n", "?."},
		{"git pull && go test\n", "&&"},
		{"$x = $c ? 1 : 2\n", "ternary"},
		{"1..3 | ForEach-Object -Parallel { $_ }\n", "-Parallel"},
		{"Invoke-WebRequest -Uri $u -OutFile f\n", "UseBasicParsing"},
		{"Write-Host 'unterminated\n", "unterminated single"},
		{"if ($x) { Write-Host \"a\"\n", "unclosed"},
		{"Write-Host 'caf\u00e9'\n", "non-ASCII"},
		{"<# open comment\n", "block comment"},
	}
	for _, tt := range tests {
		p := checkPS51(tt.src)
		if !strings.Contains(strings.Join(p, "\n"), tt.want) {
			t.Errorf("checkPS51(%q) = %q, want a problem mentioning %q", tt.src, p, tt.want)
		}
	}
	// Operators inside strings and comments are not code.
	for _, ok := range []string{
		"Write-Host 'a && b ?? c'\n",
		"# $x ?? y\n",
		"<# a || b #>\n",
		"$s = \"it`\"s ?. fine\"\n",
		"$h = @'\n$a ?? $b\n'@\n",
	} {
		if p := checkPS51(ok); len(p) > 0 {
			t.Errorf("checkPS51(%q) = %q, want none", ok, p)
		}
	}
}
