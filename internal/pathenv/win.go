package pathenv

import (
	"fmt"
	"strings"
)

// winStores are the seams of the Windows flow. The flow itself is portable so
// that Linux tests drive it with in-memory stores.
type winStores struct {
	target    Store
	system    Store
	broadcast func() error
	exists    func(path string) bool
}

// winJoin joins Windows path elements whatever the host OS is.
func winJoin(dir string, elem ...string) string {
	out := strings.TrimRight(dir, `\/`)
	for _, e := range elem {
		out += `\` + e
	}
	return out
}

// winDirs are govm's entries spelled as explicit paths, first one first.
func winDirs(o Options) []string {
	cur, bin := winJoin(o.Home, "current", "bin"), winJoin(o.Home, "bin")
	if o.Shims {
		return []string{bin, cur}
	}
	return []string{cur, bin}
}

// winEntries are govm's entries as they are written into a value of kind.
// The default per-user home is written as %LOCALAPPDATA%\govm\..., so the
// value stays right if the profile moves; that only works in REG_EXPAND_SZ,
// and LOCALAPPDATA is a per-user variable, so the machine PATH and REG_SZ
// values get explicit paths.
func winEntries(o Options, kind Kind) []string {
	explicit := winDirs(o)
	if o.System || kind == KindString {
		return explicit
	}
	local := o.Getenv("LOCALAPPDATA")
	rules := WindowsRules(nil)
	if local == "" || !rules.Same(o.Home, winJoin(local, "govm")) {
		return explicit
	}
	out := make([]string, len(explicit))
	for i, e := range explicit {
		out[i] = `%LOCALAPPDATA%` + e[len(strings.TrimRight(local, `\/`)):]
	}
	return out
}

func winSetup(o Options, s winStores) (Report, error) {
	raw, kind, err := s.target.Read()
	if err != nil {
		return Report{}, fmt.Errorf("read %s: %w", s.target.Name(), err)
	}
	entries := winEntries(o, kind)
	rules := WindowsRules(LookupFromGetenv(o.Getenv))
	updated, change := rules.Add(raw, entries, true)
	t := Target{Shell: "registry", Path: s.target.Name(), Action: Unchanged, Content: updated, Change: change}
	if change.Changed() {
		t.Action = Updated
		if kind == KindMissing {
			t.Action = Created
		}
	}
	rep := Report{Entries: entries, Targets: []Target{t}}
	if change.Changed() && !o.DryRun {
		writeKind := kind
		if writeKind == KindMissing {
			writeKind = KindExpandString
		}
		if err := s.target.Write(updated, writeKind); err != nil {
			return rep, fmt.Errorf("write %s: %w", s.target.Name(), err)
		}
		if err := s.broadcast(); err != nil {
			return rep, fmt.Errorf("%s updated, but announcing it failed (new shells still see it; open programs may not): %w", s.target.Name(), err)
		}
		rep.Broadcast = true
	}
	systemRaw := updated
	if !o.System {
		if systemRaw, _, err = s.system.Read(); err != nil {
			return rep, fmt.Errorf("read %s: %w", s.system.Name(), err)
		}
	}
	rep.Shadowing = shadowingGo(o, rules, systemRaw, s.exists)
	return rep, nil
}

func winUndo(o Options, s winStores) (Report, error) {
	raw, kind, err := s.target.Read()
	if err != nil {
		return Report{}, fmt.Errorf("read %s: %w", s.target.Name(), err)
	}
	// Both spellings: Setup may have run with another LOCALAPPDATA or kind.
	remove := append(winDirs(o), winEntries(o, KindExpandString)...)
	rules := WindowsRules(LookupFromGetenv(o.Getenv))
	updated, change := rules.Remove(raw, remove)
	t := Target{Shell: "registry", Path: s.target.Name(), Action: Unchanged, Content: updated, Change: change}
	rep := Report{Entries: winEntries(o, kind), Targets: []Target{t}}
	if !change.Changed() {
		return rep, nil
	}
	t.Action = Removed
	rep.Targets[0] = t
	if o.DryRun {
		return rep, nil
	}
	if err := s.target.Write(updated, kind); err != nil {
		return rep, fmt.Errorf("write %s: %w", s.target.Name(), err)
	}
	if err := s.broadcast(); err != nil {
		return rep, fmt.Errorf("%s updated, but announcing it failed: %w", s.target.Name(), err)
	}
	rep.Broadcast = true
	return rep, nil
}

func winStatus(o Options, s winStores) (Status, error) {
	raw, kind, err := s.target.Read()
	if err != nil {
		return Status{}, fmt.Errorf("read %s: %w", s.target.Name(), err)
	}
	rules := WindowsRules(LookupFromGetenv(o.Getenv))
	st := Status{Entries: winEntries(o, kind), Persistent: true, Process: true}
	for _, e := range st.Entries {
		st.Persistent = st.Persistent && rules.Contains(raw, e)
		st.Process = st.Process && rules.Contains(o.Getenv("PATH"), e)
	}
	if st.Persistent {
		st.Configured = []string{s.target.Name()}
	} else {
		st.Unconfigured = []string{s.target.Name()}
	}
	systemRaw, _, err := s.system.Read()
	if err != nil {
		return st, fmt.Errorf("read %s: %w", s.system.Name(), err)
	}
	st.Shadowing = shadowingGo(o, rules, systemRaw, s.exists)
	return st, nil
}

// shadowingGo lists the go.exe files in entries of the machine PATH that
// Windows searches before govm's: all of them for a per-user setup (the
// system PATH comes first), those before govm's own entries for --system.
func shadowingGo(o Options, rules Rules, systemRaw string, exists func(string) bool) []string {
	ours := append(winDirs(o), winEntries(o, KindExpandString)...)
	var found []string
	for _, e := range rules.Split(systemRaw) {
		if e == "" {
			continue
		}
		if rules.containsEntry(ours, e) {
			if o.System {
				break
			}
			continue
		}
		dir := strings.ReplaceAll(e, `"`, "")
		if rules.Lookup != nil {
			dir = ExpandPercent(dir, rules.Lookup)
		}
		candidate := winJoin(dir, "go.exe")
		if exists(candidate) && !containsFold(found, candidate) {
			found = append(found, candidate)
		}
	}
	return found
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
