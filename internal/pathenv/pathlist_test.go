package pathenv

import (
	"slices"
	"strings"
	"testing"
)

// winEnv is a case-insensitive environment like Windows has.
func winEnv(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for k, v := range vars {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
		return "", false
	}
}

var testWinVars = map[string]string{
	"USERPROFILE":  `C:\Users\bob`,
	"LOCALAPPDATA": `C:\Users\bob\AppData\Local`,
	"SystemRoot":   `C:\Windows`,
}

func TestSplitJoinRoundTrip(t *testing.T) {
	win := WindowsRules(nil)
	unix := UnixRules()
	tests := []struct {
		rules Rules
		raw   string
		want  []string
	}{
		{win, "", nil},
		{win, `C:\a;C:\b`, []string{`C:\a`, `C:\b`}},
		{win, `C:\a;;C:\b;`, []string{`C:\a`, "", `C:\b`, ""}},
		{win, `;`, []string{"", ""}},
		{win, `"C:\x;y";D:\`, []string{`"C:\x;y"`, `D:\`}},
		{win, `"unterminated;C:\b`, []string{`"unterminated;C:\b`}},
		{unix, "/usr/bin:/bin", []string{"/usr/bin", "/bin"}},
		{unix, "/usr/bin::/bin:", []string{"/usr/bin", "", "/bin", ""}},
		{unix, `"/a:b"`, []string{`"/a`, `b"`}},
	}
	for _, tt := range tests {
		got := tt.rules.Split(tt.raw)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.raw, got, tt.want)
		}
		if back := tt.rules.Join(got); back != tt.raw {
			t.Errorf("Join(Split(%q)) = %q", tt.raw, back)
		}
	}
}

func TestSame(t *testing.T) {
	win := WindowsRules(winEnv(testWinVars))
	unix := UnixRules()
	tests := []struct {
		name  string
		rules Rules
		a, b  string
		want  bool
	}{
		{"win case", win, `C:\Go\bin`, `c:\go\BIN`, true},
		{"win trailing backslash", win, `C:\Go\bin\`, `C:\Go\bin`, true},
		{"win slashes", win, `C:/Go/bin`, `C:\Go\bin`, true},
		{"win quoted", win, `"C:\Program Files\Go\bin"`, `C:\Program Files\Go\bin`, true},
		{"win expanded var", win, `%USERPROFILE%\go\bin`, `C:\Users\bob\go\bin`, true},
		{"win var name case", win, `%userprofile%\go\bin`, `C:\Users\bob\go\bin`, true},
		{"win unknown var stays literal", win, `%NOPE%\bin`, `C:\bin`, false},
		{"win drive root is not drive-relative", win, `C:\`, `C:`, false},
		{"win different dirs", win, `C:\Go\bin`, `C:\Go\bin2`, false},
		{"win empty never same", win, "", "", false},
		{"unix case matters", unix, "/usr/Bin", "/usr/bin", false},
		{"unix trailing slash", unix, "/usr/bin/", "/usr/bin", true},
		{"unix root", unix, "/", "/", true},
		{"unix no expansion", unix, "$HOME/bin", "/home/bob/bin", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.Same(tt.a, tt.b); got != tt.want {
				t.Errorf("Same(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestAddRemove(t *testing.T) {
	win := WindowsRules(winEnv(testWinVars))
	unix := UnixRules()
	govmWin := []string{`%LOCALAPPDATA%\govm\current\bin`, `%LOCALAPPDATA%\govm\bin`}
	tests := []struct {
		name    string
		rules   Rules
		raw     string
		add     []string
		front   bool
		want    string
		added   []string
		present []string
	}{
		{"empty list", win, "", govmWin, true,
			`%LOCALAPPDATA%\govm\current\bin;%LOCALAPPDATA%\govm\bin`, govmWin, nil},
		{"expand_sz entries stay unexpanded", win,
			`%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;%USERPROFILE%\go\bin`, govmWin, true,
			`%LOCALAPPDATA%\govm\current\bin;%LOCALAPPDATA%\govm\bin;%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;%USERPROFILE%\go\bin`,
			govmWin, nil},
		{"append keeps trailing separator", win, `C:\a;`, []string{`C:\b`}, false, `C:\a;C:\b;`, []string{`C:\b`}, nil},
		{"append after double separator", win, `C:\a;;`, []string{`C:\b`}, false, `C:\a;;C:\b;`, []string{`C:\b`}, nil},
		{"front keeps trailing separator", win, `C:\a;`, []string{`C:\b`}, true, `C:\b;C:\a;`, []string{`C:\b`}, nil},
		{"present in other spelling", win, `C:\Users\Bob\AppData\Local\govm\current\bin\;C:\x`, govmWin, true,
			`%LOCALAPPDATA%\govm\bin;C:\Users\Bob\AppData\Local\govm\current\bin\;C:\x`,
			govmWin[1:], govmWin[:1]},
		{"all present is a no-op", win, `C:\x;` + strings.Join(govmWin, ";"), govmWin, true,
			`C:\x;` + strings.Join(govmWin, ";"), nil, govmWin},
		{"quoted present", win, `"C:\Program Files\govm\bin";C:\x`, []string{`C:\Program Files\govm\bin`}, true,
			`"C:\Program Files\govm\bin";C:\x`, nil, []string{`C:\Program Files\govm\bin`}},
		{"duplicates in request added once", win, `C:\x`, []string{`C:\y`, `c:\Y\`}, false,
			`C:\x;C:\y`, []string{`C:\y`}, []string{`c:\Y\`}},
		{"unix front", unix, "/usr/bin:/bin", []string{"/h/current/bin", "/h/bin"}, true,
			"/h/current/bin:/h/bin:/usr/bin:/bin", []string{"/h/current/bin", "/h/bin"}, nil},
		{"unix case is another dir", unix, "/H/bin", []string{"/h/bin"}, false,
			"/H/bin:/h/bin", []string{"/h/bin"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ch := tt.rules.Add(tt.raw, tt.add, tt.front)
			if got != tt.want {
				t.Fatalf("Add = %q\nwant  %q", got, tt.want)
			}
			if !slices.Equal(ch.Added, tt.added) || !slices.Equal(ch.Present, tt.present) {
				t.Errorf("change = %+v, want added %q present %q", ch, tt.added, tt.present)
			}
			if ch.Changed() != (len(tt.added) > 0) {
				t.Errorf("Changed() = %v", ch.Changed())
			}
			again, ch2 := tt.rules.Add(got, tt.add, tt.front)
			if again != got || ch2.Changed() {
				t.Errorf("second Add changed the list: %q (%+v)", again, ch2)
			}
			if len(tt.present) == 0 {
				back, rch := tt.rules.Remove(got, tt.add)
				if back != tt.raw {
					t.Errorf("Remove(Add(x)) = %q, want the original %q", back, tt.raw)
				}
				if len(rch.Removed) != len(tt.added) {
					t.Errorf("Removed = %q, want %d entries", rch.Removed, len(tt.added))
				}
			}
		})
	}
}

func TestRemoveTakesEveryMatchAndNothingElse(t *testing.T) {
	win := WindowsRules(winEnv(testWinVars))
	raw := `C:\keep;%LOCALAPPDATA%\govm\bin;;C:\USERS\BOB\APPDATA\LOCAL\GOVM\BIN\;C:\keep2;`
	got, ch := win.Remove(raw, []string{`C:\Users\bob\AppData\Local\govm\bin`})
	if want := `C:\keep;;C:\keep2;`; got != want {
		t.Errorf("Remove = %q, want %q", got, want)
	}
	if len(ch.Removed) != 2 {
		t.Errorf("Removed = %q, want both spellings", ch.Removed)
	}
	same, ch := win.Remove(raw, []string{`C:\absent`})
	if same != raw || ch.Changed() {
		t.Errorf("Remove of an absent entry changed the list: %q", same)
	}
}

// Long values: a user PATH near the 32,767-character limit, and beyond it,
// must come back byte for byte.
func TestAddRemoveLongValues(t *testing.T) {
	win := WindowsRules(winEnv(testWinVars))
	for _, size := range []int{8 << 10, 40 << 10} {
		var parts []string
		n := 0
		for i := 0; n < size; i++ {
			p := `%USERPROFILE%\tools\t` + strings.Repeat("x", i%50) + `\bin`
			if i%7 == 0 {
				p = ""
			}
			parts = append(parts, p)
			n += len(p) + 1
		}
		raw := strings.Join(parts, ";") + ";"
		entries := []string{`%LOCALAPPDATA%\govm\current\bin`, `%LOCALAPPDATA%\govm\bin`}
		added, ch := win.Add(raw, entries, true)
		if !ch.Changed() || !strings.HasSuffix(added, raw) {
			t.Fatalf("%d bytes: Add did not only prepend", size)
		}
		back, _ := win.Remove(added, entries)
		if back != raw {
			t.Fatalf("%d bytes: undo not exact", size)
		}
	}
}

func TestExpandPercent(t *testing.T) {
	lookup := winEnv(map[string]string{"A": "x", "EMPTY": ""})
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"%A%", "x"},
		{"%a%\\bin", "x\\bin"},
		{"%A%%A%", "xx"},
		{"%NOPE%", "%NOPE%"},
		{"%NOPE%A%", "%NOPEx"},
		{"%%", "%%"},
		{"100%", "100%"},
		{"%EMPTY%;", ";"},
	}
	for _, tt := range tests {
		if got := ExpandPercent(tt.in, lookup); got != tt.want {
			t.Errorf("ExpandPercent(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSplitJoin(f *testing.F) {
	for _, s := range []string{"", ";", `C:\a;"b;c";;`, "/a::/b:", `"`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, raw string, windows bool) {
		r := Rules{Windows: windows}
		if back := r.Join(r.Split(raw)); back != raw {
			t.Fatalf("Join(Split(%q)) = %q", raw, back)
		}
		entries := []string{"/govm/current/bin", "/govm/bin"}
		if windows {
			entries = []string{`C:\govm\current\bin`, `C:\govm\bin`}
		}
		added, ch := r.Add(raw, entries, false)
		if again, ch2 := r.Add(added, entries, true); again != added || ch2.Changed() {
			t.Fatalf("Add not idempotent on %q", raw)
		}
		if ch.Changed() {
			if back, _ := r.Remove(added, ch.Added); back != raw {
				t.Fatalf("Remove(Add(%q)) = %q", raw, back)
			}
		}
	})
}

func FuzzExpandPercent(f *testing.F) {
	for _, s := range []string{"%A%", "%%", "a%b%c%", "%A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		none := func(string) (string, bool) { return "", false }
		if got := ExpandPercent(s, none); got != s {
			t.Fatalf("with no variables ExpandPercent(%q) = %q", s, got)
		}
		_ = ExpandPercent(s, winEnv(map[string]string{"A": "%A%"}))
	})
}
