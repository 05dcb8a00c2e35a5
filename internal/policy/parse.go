package policy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// FromMap builds a Policy from the decoded `policy` section of file (viper
// lowercases keys). Unknown keys and wrong types are errors: a typo in a
// policy must never silently allow what the administrator meant to forbid.
func FromMap(file string, m map[string]any) (Policy, error) {
	p := Policy{File: file}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := m[k]
		var err error
		switch k {
		case "allowed_versions":
			p.Allowed, err = str(v)
		case "mirror":
			p.Mirror, err = str(v)
		case "require_verification":
			p.RequireVerification, err = boolean(v)
		case "shim_auto_install":
			var b bool
			if b, err = boolean(v); err == nil {
				p.ShimAutoInstall = &b
			}
		case "sources":
			p.Sources, err = strList(v)
		case "blocked_versions":
			p.Blocked, err = blocks(v)
		default:
			return Policy{}, fmt.Errorf("config file %s: unknown key \"policy.%s\"; known policy keys: %s", file, k, strings.Join(Keys(), ", "))
		}
		if err != nil {
			return Policy{}, fmt.Errorf("config file %s: policy.%s: %w", file, k, err)
		}
	}
	if err := p.Compile(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// Keys lists the keys of the policy section.
func Keys() []string {
	return []string{"allowed_versions", "blocked_versions", "mirror", "require_verification", "shim_auto_install", "sources"}
}

func str(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t), nil
	case json.Number:
		// JSON's 1.20, as written (see machinefile.Decode).
		return string(t), nil
	case int, int64, uint64:
		return fmt.Sprint(t), nil
	case float64:
		// Only TOML still hands over floats: its 1.20 has become 1.2, and
		// guessing would turn Go 1.20 into Go 1.2.
		return "", fmt.Errorf("%v is a number, and numbers lose trailing zeros (1.20 reads as 1.2); write it in quotes", t)
	}
	return "", fmt.Errorf("want a string, got %T", v)
}

func boolean(v any) (bool, error) {
	switch t := v.(type) {
	case bool:
		return t, nil
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(t))
		if err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("want true or false, got %v", v)
}

func strList(v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		return strings.Fields(strings.ReplaceAll(t, ",", " ")), nil
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, err := str(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of strings, got %T", v)
}

// blocks accepts a list whose entries are either a version request or a
// map {versions, reason}.
func blocks(v any) ([]Block, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list of {versions, reason}, got %T", v)
	}
	out := make([]Block, 0, len(list))
	for i, e := range list {
		switch t := e.(type) {
		case map[string]any:
			var b Block
			for k, val := range t {
				s, err := str(val)
				if err != nil {
					return nil, fmt.Errorf("entry %d: %s: %w", i, k, err)
				}
				switch strings.ToLower(k) {
				case "versions", "version":
					b.Versions = s
				case "reason":
					b.Reason = s
				default:
					return nil, fmt.Errorf("entry %d: unknown key %q; want versions and reason", i, k)
				}
			}
			if b.Versions == "" {
				return nil, fmt.Errorf("entry %d: no versions", i)
			}
			out = append(out, b)
		default:
			s, err := str(e)
			if err != nil {
				return nil, fmt.Errorf("entry %d: %w", i, err)
			}
			out = append(out, Block{Versions: s})
		}
	}
	return out, nil
}
