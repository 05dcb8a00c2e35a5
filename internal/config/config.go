// Package config builds govm's typed configuration for one invocation.
//
// Precedence, highest first: command-line flags, GOVM_* environment
// variables, the user's config file, the machine's config file, defaults.
// Each invocation gets its own viper instance per layer, so nothing leaks
// between commands run in one process (tests run many). Unknown keys in a
// config file are errors: a typo must not silently change nothing.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"

	"github.com/govm-dev/govm/internal/machinefile"
	"github.com/govm-dev/govm/internal/policy"
)

// Config is the effective configuration of one invocation.
type Config struct {
	// Home is the govm data directory; empty means the per-user default.
	Home string
	// Source selects the release catalogue: auto, proxy, godev, or a mirror location.
	Source string
	// Mirror is an internal mirror (directory, UNC share or URL) that the
	// "auto" source uses instead of the public sources.
	Mirror string
	// GoDevURL is the base of go.dev's download index.
	GoDevURL string
	// DownloadURL is the base archives from the go.dev source are fetched from.
	DownloadURL string
	// Insecure allows installing archives that no trusted record covers.
	Insecure bool
	// IndexTTL is how long a cached release index is used without asking the source.
	IndexTTL time.Duration
	// HTTPTimeout bounds connecting, the TLS handshake, the wait for response
	// headers, and any stall of a response body.
	HTTPTimeout time.Duration
	// Retries is how many times a transient download failure is retried.
	Retries int
	// MaxUnpackBytes bounds the unpacked size of one archive (zip bombs).
	MaxUnpackBytes int64
	// GoToolchain is the GOTOOLCHAIN value `govm exec` and `govm env` set.
	GoToolchain string
	// LogFile is where the operation log goes; empty means <home>/logs/govm.log.
	LogFile string
	// AutoInstall lets a shim install the version a pin asks for when it
	// is missing (the machine policy may forbid it).
	AutoInstall bool
	// MachineWide is set in the machine config only: commands run by an
	// administrator (root, or an elevated Windows token) act on the
	// machine-wide home unless a home is named explicitly.
	MachineWide bool

	// Policy is the machine policy: read only from the machine config file,
	// so no user file, variable or flag can change it.
	Policy policy.Policy
	// MachineFile is the machine config file consulted (it may not exist).
	MachineFile string
	// MachineIgnored is set when MachineFile exists but was not read
	// because users other than administrators can change it.
	MachineIgnored *UntrustedError

	// Origins says, per key, where its value came from: "default", a file
	// path, "env GOVM_X" or "flag --x". `govm config show` prints it.
	Origins map[string]string
}

// key describes one configuration key: its name in files, its environment
// variable, its default, and how to store it into a Config.
type key struct {
	name  string
	def   string
	apply func(c *Config, v string) error
}

// machineOnlyKeys are read from the machine config file alone: no variable
// or flag sets them, and a user's file that does is an error, because they
// decide for every user of the machine.
var machineOnlyKeys = []string{"machine_wide"}

var keys = []key{
	{"home", "", func(c *Config, v string) error { c.Home = v; return nil }},
	{"source", "auto", func(c *Config, v string) error { c.Source = v; return nil }},
	{"mirror", "", func(c *Config, v string) error { c.Mirror = v; return nil }},
	{"godev_url", "https://go.dev/dl/", func(c *Config, v string) error { c.GoDevURL = v; return nil }},
	{"download_url", "https://dl.google.com/go/", func(c *Config, v string) error { c.DownloadURL = v; return nil }},
	{"insecure", "false", func(c *Config, v string) (err error) { c.Insecure, err = parseBool(v); return }},
	{"index_ttl", "1h", func(c *Config, v string) (err error) { c.IndexTTL, err = parseDuration(v); return }},
	{"http_timeout", "30s", func(c *Config, v string) (err error) { c.HTTPTimeout, err = parseDuration(v); return }},
	{"retries", "4", func(c *Config, v string) (err error) { c.Retries, err = parseCount(v); return }},
	{"max_unpack_bytes", "2147483648", func(c *Config, v string) (err error) { c.MaxUnpackBytes, err = parseSize(v); return }},
	{"gotoolchain", "local", func(c *Config, v string) error { c.GoToolchain = v; return nil }},
	{"log_file", "", func(c *Config, v string) error { c.LogFile = v; return nil }},
	{"auto_install", "true", func(c *Config, v string) (err error) { c.AutoInstall, err = parseBool(v); return }},
	{"machine_wide", "false", func(c *Config, v string) (err error) { c.MachineWide, err = parseBool(v); return }},
}

// Keys returns the names of every configuration key, sorted.
func Keys() []string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.name
	}
	sort.Strings(names)
	return names
}

// EnvName is the environment variable that sets key: "source" -> GOVM_SOURCE.
func EnvName(key string) string { return "GOVM_" + strings.ToUpper(key) }

// MachineOnly reports whether key is read from the machine config file alone.
func MachineOnly(name string) bool { return slices.Contains(machineOnlyKeys, name) }

// Inputs are the layers Load reads, so tests can supply every one.
type Inputs struct {
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// UserFile is the user's config file; empty means DefaultUserFile.
	// A file named explicitly (--config) must exist; the default one may not.
	UserFile         string
	UserFileExplicit bool
	// MachineFile is the machine's config file; empty means MachineFile(getenv).
	MachineFile string
	// CheckTrust says why a machine config file may not be trusted, or ""
	// (homeperm.CheckFile when nil).
	CheckTrust func(path string) string
	// Flags holds the values of flags the user set, by key name.
	Flags map[string]string
}

// Load merges the layers into a Config.
func Load(in Inputs) (Config, error) {
	getenv := in.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Config{Origins: map[string]string{}}
	values := map[string]string{}
	for _, k := range keys {
		values[k.name] = k.def
		c.Origins[k.name] = "default"
	}

	machine := in.MachineFile
	if machine == "" {
		machine = MachineFile(getenv)
	}
	c.MachineFile = machine
	if c.MachineIgnored = machinefile.Untrusted(machine, in.CheckTrust); c.MachineIgnored == nil {
		if err := mergeFile(machine, false, values, c.Origins, &c.Policy); err != nil {
			return Config{}, err
		}
	}
	user, explicit := in.UserFile, in.UserFileExplicit
	if user == "" {
		if p := getenv("GOVM_CONFIG"); p != "" {
			user, explicit = p, true
		} else {
			user = DefaultUserFile(getenv)
		}
	}
	if err := mergeFile(user, explicit, values, c.Origins, nil); err != nil {
		return Config{}, err
	}
	for _, k := range keys {
		if MachineOnly(k.name) {
			continue
		}
		if v, ok := lookupEnv(getenv, EnvName(k.name)); ok {
			values[k.name] = v
			c.Origins[k.name] = "env " + EnvName(k.name)
		}
	}
	for name, v := range in.Flags {
		if !knownKey(name) || MachineOnly(name) {
			return Config{}, fmt.Errorf("internal error: flag for unknown or machine-only config key %q", name)
		}
		values[name] = v
		c.Origins[name] = "flag --" + strings.ReplaceAll(name, "_", "-")
	}
	for _, k := range keys {
		if err := k.apply(&c, values[k.name]); err != nil {
			return Config{}, fmt.Errorf("config %s=%q (from %s): %w", k.name, values[k.name], c.Origins[k.name], err)
		}
	}
	if c.Policy.Mirror != "" {
		// The policy's mirror is where "auto" looks; a user's other mirror
		// setting is overridden, and another --source is denied where used.
		c.Mirror = c.Policy.Mirror
		c.Origins["mirror"] = "policy " + c.Policy.File
	}
	return c, nil
}

// UntrustedError is why Load ignored a machine config file: users who are
// not administrators can change it, so it cannot speak for the administrator.
type UntrustedError = machinefile.UntrustedError

// lookupEnv treats an empty variable as unset, as most tools do, so that
// `GOVM_SOURCE= govm ...` falls back to the file.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// mergeFile reads one YAML/TOML/JSON config file into values. A missing file
// is fine unless it was named explicitly. pol is non-nil only for the machine
// file: a `policy` section anywhere else is an error, never ignored.
func mergeFile(path string, mustExist bool, values, origins map[string]string, pol *policy.Policy) error {
	if path == "" {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) && !mustExist {
			return nil
		}
		return fmt.Errorf("config file %s: %w", path, err)
	}
	v := viper.New()
	v.SetConfigFile(path)
	if filepath.Ext(path) == "" {
		v.SetConfigType("yaml")
	}
	if err := v.ReadInConfig(); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	if pol != nil {
		// The policy is read by the code the shims use, so that govm and
		// every shim apply the same rules from the same file.
		p, err := machinefile.ReadPolicy(path)
		if err != nil {
			return err
		}
		*pol = p
	} else if v.IsSet("policy") {
		return fmt.Errorf("config file %s: a policy section is read only from the machine config file (%s)", path, "see 'govm config show'")
	}
	for _, name := range v.AllKeys() {
		if name == "policy" || strings.HasPrefix(name, "policy.") {
			continue
		}
		if _, ok := values[name]; !ok {
			// viper flattens nested maps into dotted keys.
			if top, _, nested := strings.Cut(name, "."); nested && knownKey(top) {
				return fmt.Errorf("config file %s: key %q wants a single value", path, top)
			}
			return fmt.Errorf("config file %s: unknown key %q; known keys: %s", path, name, strings.Join(Keys(), ", "))
		}
		if pol == nil && MachineOnly(name) {
			return fmt.Errorf("config file %s: %s is read only from the machine config file; ask your administrator", path, name)
		}
		raw := v.Get(name)
		switch raw.(type) {
		case map[string]any, []any:
			return fmt.Errorf("config file %s: key %q wants a single value", path, name)
		}
		values[name] = fmt.Sprint(raw)
		origins[name] = path
	}
	return nil
}

// DefaultUserFile is the per-user config file: %APPDATA%\govm\config.yaml on
// Windows, ~/Library/Application Support/govm/config.yaml on macOS, and
// ${XDG_CONFIG_HOME:-~/.config}/govm/config.yaml elsewhere.
func DefaultUserFile(getenv func(string) string) string {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = getenv("APPDATA")
	case "darwin":
		if h := getenv("HOME"); h != "" {
			dir = filepath.Join(h, "Library", "Application Support")
		}
	default:
		dir = getenv("XDG_CONFIG_HOME")
		if dir == "" && getenv("HOME") != "" {
			dir = filepath.Join(getenv("HOME"), ".config")
		}
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "govm", "config.yaml")
}

// FixedMachineFile is where the administrator's config file lives (see
// machinefile.Fixed).
func FixedMachineFile() string { return machinefile.Fixed() }

// MachineFile returns the machine config file in force: GOVM_MACHINE_CONFIG
// only where the fixed path holds none (see machinefile.Path, which the
// shims use too).
func MachineFile(getenv func(string) string) string { return machinefile.Path(getenv) }

func parseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, errors.New("want true or false")
	}
	return b, nil
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d < 0 {
		return 0, errors.New("want a duration such as 30s, 5m or 1h")
	}
	return d, nil
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 100 {
		return 0, errors.New("want a whole number from 0 to 100")
	}
	return n, nil
}

// parseSize accepts a byte count with an optional KiB/MiB/GiB (or K/M/G) suffix.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, errors.New("want a size in bytes such as 2147483648 or 2GiB")
	}
	return n * mult, nil
}

// knownKey reports whether name is a configuration key.
func knownKey(name string) bool {
	return slices.ContainsFunc(keys, func(k key) bool { return k.name == name })
}

// ValidateFile checks one config file the way Load would read it as the
// machine file (so a policy section is accepted): it must exist, parse,
// use only known keys, and hold values of the right form. It returns the
// keys the file sets and its policy.
func ValidateFile(path string) ([]string, policy.Policy, error) {
	values := map[string]string{}
	origins := map[string]string{}
	for _, k := range keys {
		values[k.name] = k.def
	}
	var pol policy.Policy
	if err := mergeFile(path, true, values, origins, &pol); err != nil {
		return nil, policy.Policy{}, err
	}
	var c Config
	set := make([]string, 0, len(origins))
	for _, k := range keys {
		if err := k.apply(&c, values[k.name]); err != nil {
			return nil, policy.Policy{}, fmt.Errorf("config file %s: %s=%q: %w", path, k.name, values[k.name], err)
		}
		if _, ok := origins[k.name]; ok {
			set = append(set, k.name)
		}
	}
	return set, pol, nil
}
