package proc

import (
	"runtime"
	"slices"
	"strings"
)

// EnvWith returns a copy of env (KEY=value entries, as from os.Environ)
// where every key in set has exactly one entry with the new value, and every
// key in unset has none (a key in both is set). Keys compare the way the OS
// does: case-insensitively on Windows, where an existing entry keeps its
// spelling ("Path") and its position; new keys are appended in sorted order.
// Other entries, including duplicates of untouched keys, are kept as they
// are.
func EnvWith(env []string, set map[string]string, unset ...string) []string {
	return envWith(runtime.GOOS, env, set, unset)
}

// PrependPath returns a copy of env whose PATH starts with dir, with every
// other occurrence of dir removed from it. Several PATH entries (Path and
// PATH on Windows) are merged into one, keeping the value of the last, which
// is the one os/exec would pass on. Without a PATH, one is added ("Path" on
// Windows). Entries of the list compare the way the OS does: on Windows
// case-insensitively, ignoring a trailing separator, / versus \ and quotes;
// on Unix exactly, ignoring a trailing slash. Empty list elements (the
// current directory on Unix) are kept. An empty dir returns env unchanged,
// because an empty element would put the current directory first.
func PrependPath(env []string, dir string) []string {
	return prependPath(runtime.GOOS, env, dir)
}

// envRules is how one OS reads environment keys and PATH.
type envRules struct {
	fold     bool   // keys are case-insensitive
	sep      string // PATH list separator
	pathName string // spelling of a newly added PATH
}

func rulesFor(goos string) envRules {
	if goos == "windows" {
		return envRules{fold: true, sep: ";", pathName: "Path"}
	}
	return envRules{sep: ":", pathName: "PATH"}
}

// norm maps a key to the form two equal keys share.
func (r envRules) norm(key string) string {
	if r.fold {
		return strings.ToUpper(key)
	}
	return key
}

// splitEntry splits KEY=value. On Windows a leading '=' belongs to the key:
// cmd.exe keeps per-drive directories in entries such as "=C:=C:\src".
func (r envRules) splitEntry(e string) (key, value string, ok bool) {
	start := 0
	if r.fold && strings.HasPrefix(e, "=") {
		start = 1
	}
	i := strings.IndexByte(e[start:], '=')
	if i < 0 {
		return "", "", false
	}
	return e[:start+i], e[start+i+1:], true
}

func envWith(goos string, env []string, set map[string]string, unset []string) []string {
	r := rulesFor(goos)
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	type wanted struct{ key, value string }
	want := map[string]wanted{}
	var order []string
	for _, k := range keys {
		n := r.norm(k)
		if _, dup := want[n]; !dup {
			order = append(order, n)
		}
		want[n] = wanted{k, set[k]}
	}
	drop := map[string]bool{}
	for _, k := range unset {
		drop[r.norm(k)] = true
	}
	out := make([]string, 0, len(env)+len(set))
	placed := map[string]bool{}
	for _, e := range env {
		k, _, ok := r.splitEntry(e)
		if !ok {
			out = append(out, e)
			continue
		}
		n := r.norm(k)
		if w, ok := want[n]; ok {
			if !placed[n] {
				placed[n] = true
				out = append(out, k+"="+w.value)
			}
			continue
		}
		if !drop[n] {
			out = append(out, e)
		}
	}
	for _, n := range order {
		if !placed[n] {
			out = append(out, want[n].key+"="+want[n].value)
		}
	}
	return out
}

func prependPath(goos string, env []string, dir string) []string {
	r := rulesFor(goos)
	if dir == "" {
		return slices.Clone(env)
	}
	name, value, first := "", "", -1
	for i, e := range env {
		k, v, ok := r.splitEntry(e)
		if ok && r.norm(k) == r.norm("PATH") {
			if first < 0 {
				name, first = k, i
			}
			value = v
		}
	}
	elems := []string{r.quote(dir)}
	if value != "" {
		for _, el := range strings.Split(value, r.sep) {
			if !r.samePathEntry(el, dir) {
				elems = append(elems, el)
			}
		}
	}
	entry := strings.Join(elems, r.sep)
	out := make([]string, 0, len(env)+1)
	for i, e := range env {
		k, _, ok := r.splitEntry(e)
		switch {
		case i == first:
			out = append(out, name+"="+entry)
		case ok && first >= 0 && r.norm(k) == r.norm("PATH"):
			// merged into the first entry
		default:
			out = append(out, e)
		}
	}
	if first < 0 {
		out = append(out, r.pathName+"="+entry)
	}
	return out
}

// quote protects a directory holding the list separator. Windows reads a
// double-quoted PATH element as one directory; Unix has no quoting, so such
// a directory cannot be expressed there and is passed as is.
func (r envRules) quote(dir string) string {
	if r.fold && strings.Contains(dir, r.sep) {
		return `"` + dir + `"`
	}
	return dir
}

// samePathEntry reports whether PATH element el names dir.
func (r envRules) samePathEntry(el, dir string) bool {
	if r.fold {
		clean := func(s string) string {
			s = strings.Trim(s, `"`)
			s = strings.ReplaceAll(s, "/", `\`)
			if len(s) > 3 || (len(s) == 3 && s[1] != ':') {
				s = strings.TrimRight(s, `\`)
			}
			return s
		}
		return strings.EqualFold(clean(el), clean(dir))
	}
	trim := func(s string) string {
		if len(s) > 1 {
			return strings.TrimRight(s, "/")
		}
		return s
	}
	return el != "" && trim(el) == trim(dir)
}
