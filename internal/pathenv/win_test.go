package pathenv

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// memStore is an in-memory registry value.
type memStore struct {
	name     string
	value    string
	kind     Kind
	writes   int
	readErr  error
	writeErr error
}

func (m *memStore) Name() string { return m.name }

func (m *memStore) Read() (string, Kind, error) { return m.value, m.kind, m.readErr }

func (m *memStore) Write(v string, k Kind) error {
	if m.writeErr != nil {
		return m.writeErr
	}
	m.value, m.kind = v, k
	m.writes++
	return nil
}

type winFixture struct {
	user, system *memStore
	broadcasts   int
	goExes       []string
}

func (f *winFixture) stores(o Options) winStores {
	target := f.user
	if o.System {
		target = f.system
	}
	return winStores{
		target: target,
		system: f.system,
		broadcast: func() error {
			f.broadcasts++
			return nil
		},
		exists: func(p string) bool { return slices.Contains(f.goExes, p) },
	}
}

const bobHome = `C:\Users\bob\AppData\Local\govm`

func winOpts(home string) Options {
	vars := map[string]string{
		"LOCALAPPDATA": `C:\Users\bob\AppData\Local`,
		"USERPROFILE":  `C:\Users\bob`,
		"ProgramFiles": `C:\Program Files`,
		"PATH":         `C:\Windows\system32;C:\Users\bob\AppData\Local\govm\current\bin;C:\Users\bob\AppData\Local\govm\bin`,
	}
	return Options{Home: home, Getenv: func(k string) string { v, _ := winEnv(vars)(k); return v }}
}

func TestWinEntries(t *testing.T) {
	tests := []struct {
		name string
		home string
		kind Kind
		sys  bool
		shim bool
		want []string
	}{
		{"default home is written with LOCALAPPDATA", bobHome, KindExpandString, false, false,
			[]string{`%LOCALAPPDATA%\govm\current\bin`, `%LOCALAPPDATA%\govm\bin`}},
		{"default home, other case", `c:\users\BOB\appdata\local\govm\`, KindMissing, false, false,
			[]string{`%LOCALAPPDATA%\govm\current\bin`, `%LOCALAPPDATA%\govm\bin`}},
		{"shims first", bobHome, KindExpandString, false, true,
			[]string{`%LOCALAPPDATA%\govm\bin`, `%LOCALAPPDATA%\govm\current\bin`}},
		{"REG_SZ cannot expand: explicit", bobHome, KindString, false, false,
			[]string{bobHome + `\current\bin`, bobHome + `\bin`}},
		{"explicit GOVM_HOME", `D:\tools\govm`, KindExpandString, false, false,
			[]string{`D:\tools\govm\current\bin`, `D:\tools\govm\bin`}},
		{"system PATH: no per-user variables", bobHome, KindExpandString, true, false,
			[]string{bobHome + `\current\bin`, bobHome + `\bin`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := winOpts(tt.home)
			o.System, o.Shims = tt.sys, tt.shim
			if got := winEntries(o, tt.kind); !slices.Equal(got, tt.want) {
				t.Errorf("winEntries = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWinSetupKeepsTypeAndOtherEntries(t *testing.T) {
	for _, kind := range []Kind{KindExpandString, KindString} {
		t.Run(kind.String(), func(t *testing.T) {
			orig := `%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;;C:\tools;`
			f := &winFixture{
				user:   &memStore{name: "user", value: orig, kind: kind},
				system: &memStore{name: "system", value: `C:\Windows\system32`, kind: KindExpandString},
			}
			o := winOpts(bobHome)
			rep, err := winSetup(o, f.stores(o))
			if err != nil {
				t.Fatal(err)
			}
			if f.user.kind != kind {
				t.Errorf("value type became %v, want %v", f.user.kind, kind)
			}
			if !strings.HasSuffix(f.user.value, ";"+orig) {
				t.Errorf("other entries not kept byte for byte: %q", f.user.value)
			}
			if kind == KindString && strings.Contains(f.user.value, "%LOCALAPPDATA%") {
				t.Errorf("REG_SZ got an entry that will never expand: %q", f.user.value)
			}
			if f.broadcasts != 1 || !rep.Broadcast || rep.Targets[0].Action != Updated {
				t.Errorf("broadcasts = %d, report %+v", f.broadcasts, rep)
			}
			rep, err = winSetup(o, f.stores(o))
			if err != nil || f.user.writes != 1 || f.broadcasts != 1 || rep.Changed() {
				t.Errorf("second setup wrote again: writes=%d err=%v report=%+v", f.user.writes, err, rep)
			}
			rep, err = winUndo(o, f.stores(o))
			if err != nil {
				t.Fatal(err)
			}
			if f.user.value != orig || f.user.kind != kind {
				t.Errorf("undo = %q (%v), want %q (%v)", f.user.value, f.user.kind, orig, kind)
			}
			if rep.Targets[0].Action != Removed || f.broadcasts != 2 {
				t.Errorf("undo report %+v, broadcasts %d", rep, f.broadcasts)
			}
			rep, err = winUndo(o, f.stores(o))
			if err != nil || rep.Changed() || f.user.writes != 2 {
				t.Errorf("second undo changed something: %+v %v", rep, err)
			}
		})
	}
}

func TestWinSetupCreatesMissingValueAsExpandString(t *testing.T) {
	f := &winFixture{user: &memStore{name: "user"}, system: &memStore{name: "system"}}
	o := winOpts(bobHome)
	rep, err := winSetup(o, f.stores(o))
	if err != nil {
		t.Fatal(err)
	}
	if f.user.kind != KindExpandString || f.user.value != `%LOCALAPPDATA%\govm\current\bin;%LOCALAPPDATA%\govm\bin` {
		t.Errorf("created %q as %v", f.user.value, f.user.kind)
	}
	if rep.Targets[0].Action != Created {
		t.Errorf("action = %v, want created", rep.Targets[0].Action)
	}
}

func TestWinDryRunWritesNothing(t *testing.T) {
	f := &winFixture{user: &memStore{name: "user", value: `C:\x`, kind: KindExpandString}, system: &memStore{name: "system"}}
	o := winOpts(bobHome)
	o.DryRun = true
	rep, err := winSetup(o, f.stores(o))
	if err != nil {
		t.Fatal(err)
	}
	if f.user.writes != 0 || f.broadcasts != 0 || rep.Broadcast {
		t.Errorf("dry run wrote: writes=%d broadcasts=%d", f.user.writes, f.broadcasts)
	}
	if want := `%LOCALAPPDATA%\govm\current\bin;%LOCALAPPDATA%\govm\bin;C:\x`; rep.Targets[0].Content != want {
		t.Errorf("content = %q, want %q", rep.Targets[0].Content, want)
	}
}

func TestWinShadowingGo(t *testing.T) {
	msi := `C:\Program Files\Go\bin\go.exe`
	tests := []struct {
		name   string
		system string
		sys    bool
		want   []string
	}{
		{"MSI go in system PATH wins over user PATH", `C:\Windows;%ProgramFiles%\Go\bin`, false, []string{msi}},
		{"quoted and trailing backslash", `"C:\Program Files\Go\bin\"`, false, []string{`C:\Program Files\Go\bin\go.exe`}},
		{"no go", `C:\Windows`, false, nil},
		{"--system puts govm first", `C:\Windows;%ProgramFiles%\Go\bin`, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &winFixture{
				user:   &memStore{name: "user", kind: KindExpandString},
				system: &memStore{name: "system", value: tt.system, kind: KindExpandString},
				goExes: []string{msi, `C:\Program Files\Go\bin\go.exe`},
			}
			o := winOpts(bobHome)
			o.System = tt.sys
			rep, err := winSetup(o, f.stores(o))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rep.Shadowing, tt.want) {
				t.Errorf("Shadowing = %q, want %q", rep.Shadowing, tt.want)
			}
			st, err := winStatus(o, f.stores(o))
			if err != nil {
				t.Fatal(err)
			}
			if !st.Persistent || !slices.Equal(st.Shadowing, tt.want) {
				t.Errorf("status = %+v", st)
			}
		})
	}
}

func TestWinStatus(t *testing.T) {
	f := &winFixture{user: &memStore{name: "user", value: `C:\x`, kind: KindExpandString}, system: &memStore{name: "system"}}
	o := winOpts(bobHome)
	st, err := winStatus(o, f.stores(o))
	if err != nil {
		t.Fatal(err)
	}
	if st.Persistent || !st.Process || len(st.Unconfigured) != 1 {
		t.Errorf("before setup: %+v (process PATH of the fixture holds govm)", st)
	}
	if _, err := winSetup(o, f.stores(o)); err != nil {
		t.Fatal(err)
	}
	o.Getenv = func(k string) string {
		if k == "PATH" {
			return `C:\Windows`
		}
		return winOpts(bobHome).Getenv(k)
	}
	st, err = winStatus(o, f.stores(o))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Persistent || st.Process {
		t.Errorf("after setup, old shell: %+v; want persistent and not in process", st)
	}
}

func TestWinErrorsNameTheValue(t *testing.T) {
	denied := errors.New("access denied")
	f := &winFixture{
		user:   &memStore{name: `HKCU\Environment\Path`, kind: KindExpandString, writeErr: denied},
		system: &memStore{name: "system"},
	}
	o := winOpts(bobHome)
	_, err := winSetup(o, f.stores(o))
	if !errors.Is(err, denied) || !strings.Contains(err.Error(), `HKCU\Environment\Path`) {
		t.Errorf("write error = %v", err)
	}
	if f.broadcasts != 0 {
		t.Error("broadcast after a failed write")
	}
	f.user.readErr = denied
	if _, err := winUndo(o, f.stores(o)); !errors.Is(err, denied) {
		t.Errorf("read error = %v", err)
	}
	if _, err := winStatus(o, f.stores(o)); !errors.Is(err, denied) {
		t.Errorf("status read error = %v", err)
	}
}
