package pathenv

import "strings"

// ExpandPercent expands Windows-style %NAME% references in s with lookup, the
// way ExpandEnvironmentStrings does: a reference whose name lookup does not
// know is left as written, and a lone '%' is literal.
func ExpandPercent(s string, lookup func(name string) (string, bool)) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i+1:], '%')
		if end < 0 {
			b.WriteString(s[i:])
			break
		}
		name := s[i+1 : i+1+end]
		if v, ok := lookup(name); ok && name != "" {
			b.WriteString(v)
			i += end + 2
			continue
		}
		// Not a known variable: keep the opening '%' and the name, and let
		// the closing '%' start the next candidate reference.
		b.WriteString(s[i : i+1+end])
		i += end + 1
	}
	return b.String()
}

// LookupFromGetenv adapts a getenv function: an empty value counts as unset,
// which is what Windows does for variables in PATH.
func LookupFromGetenv(getenv func(string) string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v := getenv(name)
		return v, v != ""
	}
}
