// Package machinefile finds the machine config file, judges whether it
// speaks for the administrator, and reads its policy section.
//
// govm (through internal/config) and the shims both use it, so the two can
// never disagree on which file is in force, whether it is trusted, or what
// its policy says. It stays light on purpose: the shims run on every `go`
// command and link it, so it decodes the file with the libraries viper uses
// (go.yaml.in/yaml/v3, go-toml/v2, encoding/json) directly, without viper.
package machinefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/homeperm"
	"github.com/govm-dev/govm/internal/policy"
)

// Fixed is where the administrator's config file lives:
// %ProgramData%\govm\config.yaml on Windows, /etc/govm/config.yaml elsewhere.
// No variable moves it: on Windows the folder is the one the system records
// (home.ProgramData), not the ProgramData variable a user can set.
func Fixed() string {
	if runtime.GOOS == "windows" {
		return filepath.Join(home.ProgramData(), "govm", "config.yaml")
	}
	return "/etc/govm/config.yaml"
}

// Path returns the machine config file in force. GOVM_MACHINE_CONFIG may
// name another file only where the fixed path holds none, so no user can
// replace the administrator's file by setting a variable. A fixed file that
// is ignored as untrusted still rules the variable out: the variable is for
// tests and unusual layouts, not a way around a broken file.
func Path(getenv func(string) string) string {
	path, _ := locate(Fixed(), getenv)
	return path
}

// locate applies Path's rule to the fixed path fixed and returns, with the
// path, the error of its stat, so that a caller on a hot path pays one stat
// where the machine has no file and no variable names one.
func locate(fixed string, getenv func(string) string) (string, error) {
	_, err := os.Stat(fixed)
	if err == nil {
		return fixed, nil
	}
	if p := getenv("GOVM_MACHINE_CONFIG"); p != "" {
		_, err := os.Stat(p)
		return p, err
	}
	return fixed, err
}

// UntrustedError is why a machine config file is ignored: users who are not
// administrators can change it, so it cannot speak for the administrator.
// Where no administrator has written one, any user on Windows may create
// %ProgramData%\govm\config.yaml; read as the machine policy it could point
// every user's govm at that user's mirror, with verification off.
type UntrustedError struct {
	File   string
	Reason string
}

func (e *UntrustedError) Error() string {
	return "ignoring the machine config " + e.File + ": users who are not administrators can change it (" + e.Reason + "); its settings and policy do not apply (see 'govm doctor GOVM-SYSTEM-PERMS')"
}

// Untrusted checks an existing machine config file with check (or
// homeperm.CheckFile when nil); a missing one is nobody's, and errors
// reading it are left to whoever reads it next.
func Untrusted(path string, check func(string) string) *UntrustedError {
	if path == "" {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	return judge(path, check)
}

// judge is Untrusted for a file known to exist.
func judge(path string, check func(string) string) *UntrustedError {
	if check == nil {
		check = homeperm.CheckFile
	}
	if why := check(path); why != "" {
		return &UntrustedError{File: path, Reason: why}
	}
	return nil
}

// Machine is the machine policy in force for one process.
type Machine struct {
	// File is the machine config file consulted; it may not exist.
	File string
	// Policy is its policy section; the zero Policy (allow everything)
	// where the file does not exist, has no policy, or is ignored.
	Policy policy.Policy
	// Ignored says why File exists but was not read.
	Ignored *UntrustedError
}

// Load finds the machine config file as Path does, judges it with check
// (homeperm.CheckFile when nil) and reads its policy section: what a shim
// applies before it runs a toolchain. Where no file exists, the cost is
// the one stat of the fixed path (two when GOVM_MACHINE_CONFIG is set).
//
// Any other failure to read the file, or a policy that does not parse, is
// an error: the caller must not run what the file might forbid.
func Load(getenv func(string) string, check func(string) string) (Machine, error) {
	return loadAt(Fixed(), getenv, check)
}

// loadAt is Load with the fixed path given, so tests can place one.
func loadAt(fixed string, getenv func(string) string, check func(string) string) (Machine, error) {
	path, err := locate(fixed, getenv)
	m := Machine{File: path}
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("config file %s: %w", path, err)
	}
	if m.Ignored = judge(path, check); m.Ignored != nil {
		return m, nil
	}
	m.Policy, err = ReadPolicy(path)
	return m, err
}

// ReadPolicy reads the policy section of the machine config file path; a
// file without one yields the zero Policy. The file must exist.
func ReadPolicy(path string) (policy.Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return policy.Policy{}, fmt.Errorf("config file %s: %w", path, err)
	}
	return PolicyOf(path, data)
}

// PolicyOf decodes data, the content of the config file path (YAML unless
// the extension says JSON or TOML), and builds its policy section with
// policy.FromMap. Keys are matched without case, as viper matches them.
func PolicyOf(path string, data []byte) (policy.Policy, error) {
	doc, err := Decode(path, data)
	if err != nil {
		return policy.Policy{}, err
	}
	raw := doc["policy"]
	if raw == nil {
		// No section, or an empty one (every rule commented out).
		return policy.Policy{}, nil
	}
	section, ok := raw.(map[string]any)
	if !ok {
		return policy.Policy{}, fmt.Errorf("config file %s: policy must be a section of keys", path)
	}
	return policy.FromMap(path, section)
}

// Decode decodes data, the content of the config file path, by the
// extension of path: .json, .toml, else YAML (.yaml, .yml, or none), into
// a map whose keys, at every level and inside lists, are lower case (as
// viper stores them, so that policy.FromMap reads the same map either way).
// Other extensions are errors, as they are for govm.
func Decode(path string, data []byte) (map[string]any, error) {
	doc := map[string]any{}
	var err error
	switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), ".")); ext {
	case "", "yaml", "yml":
		var n yaml.Node
		if err = yaml.Unmarshal(data, &n); err == nil {
			var v any
			if v, err = (&yamlWalk{budget: maxYAMLNodes}).value(&n); err == nil && v != nil {
				m, ok := v.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("config file %s: want a map of settings at the top, got %T", path, v)
				}
				doc = m
			}
		}
	case "json":
		// UseNumber keeps 1.20 as written; float64 would make it 1.2.
		// Unmarshal first: it rejects trailing data, and says so plainly.
		if err = json.Unmarshal(data, &doc); err == nil {
			doc = map[string]any{}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			err = dec.Decode(&doc)
		}
	case "toml":
		err = toml.Unmarshal(data, &doc)
	default:
		return nil, fmt.Errorf("config file %s: unsupported config type %q; want .yaml, .yml, .json or .toml", path, ext)
	}
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	if doc == nil {
		// A JSON null or an empty YAML document: no settings at all.
		doc = map[string]any{}
	}
	out, err := lowerMap(doc)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	for k := range out {
		// In YAML or JSON a dotted key is one literal key, which viper
		// never reads as part of the section: the rule would be silently
		// dropped. (In TOML it is a nested table and arrives as a section.)
		if strings.HasPrefix(k, "policy.") {
			return nil, fmt.Errorf("config file %s: %w", path, &strictError{fmt.Sprintf("key %q: write policy as a section, with %s indented under it", k, strings.TrimPrefix(k, "policy."))})
		}
	}
	return out, nil
}

// maxYAMLNodes bounds the nodes one config file may expand to: aliases
// can nest ("billion laughs"), and a shim must not hang on a crafted file.
// A real machine config has a few dozen.
const maxYAMLNodes = 10000

// yamlWalk converts a YAML node tree as yaml.Unmarshal into an any would,
// except that a float keeps its text: YAML reads an unquoted 1.20 as the
// number 1.2, and a policy that says allowed_versions: 1.20 means Go 1.20,
// not Go 1.2. Mapping keys are their text too (1.22: x has the key "1.22").
// Like yaml.Unmarshal it refuses an alias that contains itself and
// excessive aliasing.
type yamlWalk struct {
	budget int
	inside map[*yaml.Node]bool // aliased nodes being expanded
}

func (w *yamlWalk) value(n *yaml.Node) (any, error) {
	if w.budget--; w.budget < 0 {
		return nil, fmt.Errorf("line %d: the document expands to more than %d values (excessive aliasing)", n.Line, maxYAMLNodes)
	}
	switch n.Kind {
	case 0: // an empty document
		return nil, nil
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return w.value(n.Content[0])
	case yaml.AliasNode:
		if w.inside[n.Alias] {
			return nil, fmt.Errorf("line %d: anchor %q contains itself", n.Line, n.Value)
		}
		if w.inside == nil {
			w.inside = map[*yaml.Node]bool{}
		}
		w.inside[n.Alias] = true
		defer delete(w.inside, n.Alias)
		return w.value(n.Alias)
	case yaml.ScalarNode:
		if n.ShortTag() == "!!float" {
			return n.Value, nil
		}
		var v any
		err := n.Decode(&v)
		return v, err
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := w.value(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				// A merge or a complex key: decoded as plain YAML does,
				// without the float rule, which is only about versions.
				var v any
				err := n.Decode(&v)
				return v, err
			}
			if _, dup := out[k.Value]; dup {
				return nil, fmt.Errorf("line %d: key %q appears twice", k.Line, k.Value)
			}
			v, err := w.value(val)
			if err != nil {
				return nil, err
			}
			out[k.Value] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// strictError marks what Decode refuses although viper, which govm used to
// read the policy with, would take it silently.
type strictError struct{ msg string }

func (e *strictError) Error() string { return e.msg }

// lowerMap lowercases the keys of m and of every map below it. Two keys
// that differ only in case are an error: viper keeps one of them at
// random, and a rule must not depend on a map's iteration order.
func lowerMap(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	orig := make(map[string]string, len(m))
	for k, v := range m {
		lower := strings.ToLower(k)
		if other, dup := orig[lower]; dup {
			a, b := min(k, other), max(k, other)
			return nil, &strictError{fmt.Sprintf("keys %q and %q differ only in case; keys are read without case, so keep one", a, b)}
		}
		lv, err := lowerValue(v)
		if err != nil {
			return nil, err
		}
		out[lower], orig[lower] = lv, k
	}
	return out, nil
}

// lowerValue lowercases the keys of v's maps; a YAML map with keys that are
// not all strings (1.22: x) gets their text as keys, as viper's cast does.
func lowerValue(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		return lowerMap(t)
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			s := fmt.Sprint(k)
			if _, dup := m[s]; dup {
				return nil, &strictError{fmt.Sprintf("two keys read as %q", s)}
			}
			m[s] = e
		}
		return lowerMap(m)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			lv, err := lowerValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = lv
		}
		return out, nil
	}
	return v, nil
}
