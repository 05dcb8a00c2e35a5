package pathenv

import (
	"strings"
)

// Rules says how one operating system spells and compares the entries of a
// PATH-like list. The rules are a value rather than build tags so that the
// Windows rules run in Linux tests too.
type Rules struct {
	// Windows selects ';' as separator, double quotes around an entry, case-
	// insensitive comparison, '/' equal to '\', and %VAR% expansion.
	Windows bool
	// Lookup resolves %VAR% references (Windows only) before entries are
	// compared; nil leaves them literal. Entries are always written as given.
	Lookup func(name string) (string, bool)
}

// UnixRules are the rules of a Unix PATH: ':' separated, case-sensitive.
func UnixRules() Rules { return Rules{} }

// WindowsRules are the rules of a Windows PATH, expanding %VAR% references
// with lookup when comparing.
func WindowsRules(lookup func(name string) (string, bool)) Rules {
	return Rules{Windows: true, Lookup: lookup}
}

// Separator is the list separator: ';' on Windows, ':' elsewhere.
func (r Rules) Separator() byte {
	if r.Windows {
		return ';'
	}
	return ':'
}

// Split cuts raw into its entries, keeping empty ones and, on Windows, the
// quotes around an entry (a quoted entry may hold ';'). Join(Split(raw)) == raw
// for every raw, so editing through Split never rewrites untouched bytes. An
// empty raw has no entries.
func (r Rules) Split(raw string) []string {
	if raw == "" {
		return nil
	}
	sep := r.Separator()
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(raw); i++ {
		switch {
		case r.Windows && raw[i] == '"':
			quoted = !quoted
		case raw[i] == sep && !quoted:
			out = append(out, raw[start:i])
			start = i + 1
		}
	}
	return append(out, raw[start:])
}

// Join is the inverse of Split.
func (r Rules) Join(entries []string) string {
	return strings.Join(entries, string(r.Separator()))
}

// canonical is the form two entries are compared in: what the OS would
// resolve, not how the entry is spelled.
func (r Rules) canonical(entry string) string {
	if !r.Windows {
		for len(entry) > 1 && strings.HasSuffix(entry, "/") {
			entry = entry[:len(entry)-1]
		}
		return entry
	}
	entry = strings.ReplaceAll(entry, `"`, "")
	if r.Lookup != nil {
		entry = ExpandPercent(entry, r.Lookup)
	}
	entry = strings.ReplaceAll(entry, "/", `\`)
	// "C:\" is the drive root while "C:" is the drive's current directory:
	// only trailing separators after a longer path are insignificant.
	for len(entry) > 3 && strings.HasSuffix(entry, `\`) {
		entry = entry[:len(entry)-1]
	}
	return strings.ToUpper(entry)
}

// Same reports whether two entries name the same directory under the rules.
// Empty entries are never the same as anything: on Unix an empty entry means
// the current directory, and govm never adds or removes one.
func (r Rules) Same(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return r.canonical(a) == r.canonical(b)
}

// Contains reports whether raw holds an entry that is the Same as entry.
func (r Rules) Contains(raw, entry string) bool {
	for _, e := range r.Split(raw) {
		if r.Same(e, entry) {
			return true
		}
	}
	return false
}

// Change reports what Add or Remove did to a list.
type Change struct {
	// Added are the entries inserted, as written.
	Added []string `json:"added,omitempty"`
	// Present are requested entries that were there already (Add).
	Present []string `json:"present,omitempty"`
	// Removed are the entries taken out, spelled as they were in the list.
	Removed []string `json:"removed,omitempty"`
}

// Changed reports whether the list was modified.
func (c Change) Changed() bool { return len(c.Added) > 0 || len(c.Removed) > 0 }

// Add inserts the entries of add that raw does not hold yet, in their given
// order, at the front or the back, and returns the new list. Entries already
// present stay where they are, so running Add twice changes nothing. A list
// that ends with a separator keeps ending with one: new entries go before
// that final empty entry, which makes Remove the exact inverse of Add.
// Entries must not contain the separator.
func (r Rules) Add(raw string, add []string, front bool) (string, Change) {
	list := r.Split(raw)
	var change Change
	var missing []string
	for _, a := range add {
		if a == "" {
			continue
		}
		if r.containsEntry(list, a) || r.containsEntry(missing, a) {
			change.Present = append(change.Present, a)
			continue
		}
		missing = append(missing, a)
	}
	if len(missing) == 0 {
		return raw, change
	}
	change.Added = missing
	at := 0
	// After an unterminated quote every later byte is part of one quoted
	// entry, so appended entries would vanish into it: add them in front.
	if !front && !r.openQuote(raw) {
		at = len(list)
		if at > 1 && list[at-1] == "" {
			at--
		}
	}
	out := make([]string, 0, len(list)+len(missing))
	out = append(out, list[:at]...)
	out = append(out, missing...)
	out = append(out, list[at:]...)
	return r.Join(out), change
}

// Remove takes every entry that is the Same as one of remove out of raw and
// returns the new list. Every other byte, empty entries and separators
// included, is kept.
func (r Rules) Remove(raw string, remove []string) (string, Change) {
	list := r.Split(raw)
	var change Change
	out := make([]string, 0, len(list))
	for _, e := range list {
		if r.containsEntry(remove, e) {
			change.Removed = append(change.Removed, e)
			continue
		}
		out = append(out, e)
	}
	if len(change.Removed) == 0 {
		return raw, change
	}
	return r.Join(out), change
}

func (r Rules) openQuote(raw string) bool {
	return r.Windows && strings.Count(raw, `"`)%2 == 1
}

func (r Rules) containsEntry(list []string, entry string) bool {
	for _, e := range list {
		if r.Same(e, entry) {
			return true
		}
	}
	return false
}
