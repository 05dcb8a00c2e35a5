// Package shim decides which installed toolchain runs when govm is invoked
// as go, gofmt or go1.X.Y (the shims that `govm setup --shims` places in
// govm's bin directory), and runs it.
//
// The decision is the same one `govm current` and `govm which` report: a
// pin for the working directory (GOVM_GO_VERSION, .go-version,
// .tool-versions, go.work, go.mod), else the global `current` link; the
// machine policy may then refuse it, as it refuses `govm use`. The hot path
// only stats and reads small files: no user configuration, no network, and
// the machine config file only where it exists.
package shim

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/govm-dev/govm/internal/activate"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/homeperm"
	"github.com/govm-dev/govm/internal/machinefile"
	"github.com/govm-dev/govm/internal/policy"
	"github.com/govm-dev/govm/internal/proc"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/store"
)

// ErrNoToolchain is wrapped when nothing decides a version, or the decided
// version is not installed.
var ErrNoToolchain = errors.New("no Go toolchain")

// NotInstalledError is what Decide returns when a pin or a go1.X.Y name asks
// for a version no store holds. Unlike "nothing is pinned", this is one a
// shim can hand to govm to install (see Main).
type NotInstalledError struct {
	// Request is what was asked for: the pin's request, or the exact release
	// a go1.X.Y name stands for.
	Request goversion.Request
	// Reason says who asked: "pinned by /repo/.go-version", "invoked as go1.22.5".
	Reason string
	msg    string
}

func (e *NotInstalledError) Error() string { return ErrNoToolchain.Error() + ": " + e.msg }

// Unwrap makes every NotInstalledError an ErrNoToolchain.
func (e *NotInstalledError) Unwrap() error { return ErrNoToolchain }

// versionedName matches the go1.X.Y names Go's own toolchain switch looks
// for on PATH (GOTOOLCHAIN=auto or path).
var versionedName = regexp.MustCompile(`^go1(\.[0-9]+){0,2}((rc|beta)[0-9]+)?$`)

// Tool returns the tool a shim name stands for ("go", "gofmt", or the exact
// release for a go1.X.Y name) and whether argv0 names a shim at all.
func Tool(argv0 string) (tool string, exact goversion.Version, ok bool) {
	name := Name(argv0)
	switch name {
	case "go", "gofmt":
		return name, goversion.Version{}, true
	}
	if versionedName.MatchString(name) {
		if v, err := goversion.Parse(name); err == nil {
			return "go", v, true
		}
	}
	return "", goversion.Version{}, false
}

// Decision is which toolchain runs here, and why.
type Decision struct {
	Version goversion.Version
	// Dir is the toolchain's GOROOT.
	Dir string
	// Reason says what decided: "pinned by /repo/.go-version", "GOVM_GO_VERSION",
	// "global (current link)", "machine-wide (current link in /opt/govm)",
	// "invoked as go1.22.5".
	Reason string
	// Pin is the pin that decided, when one did.
	Pin *goversion.Pin
}

// Exe is the full path of tool ("go" or "gofmt") in the decided toolchain.
func (d Decision) Exe(tool string) string {
	p := filepath.Join(d.Dir, "bin", tool)
	if runtime.GOOS == "windows" {
		p += ".exe"
	}
	return p
}

// Decide picks the toolchain for working directory wd.
func Decide(h home.Home, wd string, exact goversion.Version, getenv func(string) string) (Decision, error) {
	sys, sysOK, _ := Machine(h, getenv)
	stores := storesOf(h, sys, sysOK)
	if !exact.IsZero() {
		dir, ok := installedDir(stores, exact)
		if !ok {
			return Decision{}, &NotInstalledError{
				Request: goversion.ExactRequest(exact),
				Reason:  "invoked as " + exact.String(),
				msg:     fmt.Sprintf("%s is not installed; run 'govm install %s'", exact, exact.Number()),
			}
		}
		return Decision{Version: exact, Dir: dir, Reason: "invoked as " + exact.String()}, nil
	}
	active, activeDir := activeVersion(h)
	globalReason := "global (current link)"
	if active.IsZero() && sysOK {
		// A user who never chose a version gets the one the administrator
		// made active machine-wide, as a new shell's PATH would.
		if v, dir := MachineActive(sys); !v.IsZero() {
			active, activeDir = v, dir
			globalReason = "machine-wide (current link in " + sys.Root + ")"
		}
	}
	pin, err := goversion.FindPin(wd, getenv)
	switch {
	case errors.Is(err, goversion.ErrNoPin):
		if active.IsZero() {
			return Decision{}, fmt.Errorf("%w: no version is active and nothing pins one in %s; run 'govm use VERSION'", ErrNoToolchain, wd)
		}
		return Decision{Version: active, Dir: activeDir, Reason: globalReason}, nil
	case err != nil:
		return Decision{}, err
	}
	for _, st := range stores {
		v, ok := SelectInstalled(pin.Request, st, active)
		if !ok {
			continue
		}
		dir := activeDir
		if v != active {
			dir = st.Root(hostKey(v))
		}
		return Decision{Version: v, Dir: dir, Reason: "pinned by " + pin.Source(), Pin: &pin}, nil
	}
	return Decision{}, &NotInstalledError{
		Request: pin.Request,
		Reason:  "pinned by " + pin.Source(),
		msg:     fmt.Sprintf("%s wants %s, which is not installed; run 'govm install' here (or 'govm install %s')", pin.Source(), pin.Request, pin.Request.Arg()),
	}
}

// Stores are the version stores a user's toolchains come from: their own,
// then the machine-wide one an administrator installs into (see Machine).
func Stores(h home.Home, getenv func(string) string) []*store.Store {
	sys, ok, _ := Machine(h, getenv)
	return storesOf(h, sys, ok)
}

func storesOf(h home.Home, sys home.Home, sysOK bool) []*store.Store {
	out := []*store.Store{store.New(h.Versions())}
	if sysOK {
		out = append(out, store.New(sys.Versions()))
	}
	return out
}

// Machine returns the machine-wide home whose versions (and current link)
// the user of h may run: it must exist, not be h, and be writable by
// administrators only, or else anyone who can write it could plant a
// toolchain that every user runs. When it exists but is ignored for that
// reason, ignored says so in one sentence (the shim stays silent; govm
// prints it as a warning and doctor's GOVM-SYSTEM-PERMS explains the fix).
//
// The cost on the shim's hot path is the stat of its versions directory
// that finding the store always took, plus homeperm.CheckHome: one more
// stat on Unix, one GetNamedSecurityInfo on Windows.
func Machine(h home.Home, getenv func(string) string) (sys home.Home, ok bool, ignored string) {
	sys, err := home.System(getenv)
	if err != nil || sameDir(sys.Root, h.Root) {
		return home.Home{}, false, ""
	}
	fi, err := os.Stat(sys.Versions())
	if err != nil || !fi.IsDir() {
		return home.Home{}, false, ""
	}
	if err := homeperm.CheckHome(sys.Root, fi); err != nil {
		return home.Home{}, false, err.Error() + "; its machine-wide versions are ignored (see 'govm doctor GOVM-SYSTEM-PERMS')"
	}
	return sys, true, ""
}

func hostKey(v goversion.Version) store.Key {
	return store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH}
}

// installedDir finds v for this platform in the first store that has it.
func installedDir(stores []*store.Store, v goversion.Version) (string, bool) {
	for _, st := range stores {
		if st.Has(hostKey(v)) {
			return st.Root(hostKey(v)), true
		}
	}
	return "", false
}

// SelectInstalled picks the installed host toolchain that satisfies req. An
// exact request needs that release. A go.mod minimum is satisfied by the
// active version when it is new enough (as the go command uses the local
// toolchain when it suffices), else by the newest installed match; other
// requests take the newest installed match.
func SelectInstalled(req goversion.Request, st *store.Store, active goversion.Version) (goversion.Version, bool) {
	if v, ok := req.Exact(); ok {
		return v, st.Has(store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH})
	}
	// Any release at least the minimum will do, even a prerelease that is
	// already active, exactly as the go command accepts a newer local toolchain.
	if _, isMin := req.Minimum(); isMin && !active.IsZero() && req.Matches(active, goversion.ResolveOptions{Pre: true}) {
		return active, true
	}
	list, err := st.List()
	if err != nil {
		return goversion.Version{}, false
	}
	for _, in := range list { // newest first
		if in.Key.OS == runtime.GOOS && in.Key.Arch == runtime.GOARCH && req.Matches(in.Key.Version, goversion.ResolveOptions{}) {
			return in.Key.Version, true
		}
	}
	return goversion.Version{}, false
}

// MachineActive is the version the machine-wide home sys's current link
// points at and its directory, when that is a version of sys's own store;
// else zero. Only the store is checked for who can write it (see Machine),
// so a link leading anywhere else is not followed.
func MachineActive(sys home.Home) (goversion.Version, string) {
	v, dir := activeVersion(sys)
	if v.IsZero() || !sameDir(filepath.Dir(dir), sys.Versions()) {
		return goversion.Version{}, ""
	}
	return v, dir
}

// activeVersion is the version the current link points at (in the user's
// or the machine-wide store) and its directory, or zero.
func activeVersion(h home.Home) (goversion.Version, string) {
	target, err := activate.ReadCurrent(h.Current())
	if err != nil {
		return goversion.Version{}, ""
	}
	v, err := goversion.Parse(filepath.Base(target))
	if err != nil {
		return goversion.Version{}, ""
	}
	return v, target
}

// HomeOf finds the govm home for a shim: GOVM_HOME when set, else the
// parent of the directory the executable lives in when that holds a versions
// directory (shims live in <home>/bin), else the default.
//
// Shims an administrator placed in the machine-wide home act for whoever
// runs them: that user's default home, whose stores include the machine's
// versions and whose global version falls back to the machine's. Using the
// machine-wide home itself would hide the user's own installs and pins.
func HomeOf(exe string, getenv func(string) string) (home.Home, error) {
	if h := getenv("GOVM_HOME"); h != "" {
		return home.New(h)
	}
	if exe != "" {
		root := filepath.Dir(filepath.Dir(exe))
		sys, err := home.System(getenv)
		if err != nil || !sameDir(sys.Root, root) {
			if fi, err := os.Stat(filepath.Join(root, "versions")); err == nil && fi.IsDir() {
				return home.New(root)
			}
		}
	}
	return home.Default(getenv)
}

// sameDir compares cleaned absolute paths, without case on Windows.
func sameDir(a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// Main runs the shim: decides the toolchain and replaces this process with
// it (a child process with forwarded exit code and Ctrl+C on Windows). It
// returns an exit code only when it could not run the tool: 5 when the
// machine policy forbids the decided version, 2 when the machine config
// file cannot be read or parsed, 1 otherwise.
//
// When a pin or a go1.X.Y name asks for a version that is not installed, the
// shim hands over to govm (`govm shim NAME ARGS...`), which applies the
// configuration and the machine policy, installs the version and runs the
// tool. Only that miss pays for govm's start-up; the hot path stays here.
func Main(argv0 string, args []string) int {
	tool, exact, _ := Tool(argv0)
	exe, _ := os.Executable()
	h, err := HomeOf(exe, os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "govm shim: %v\n", err)
		return 1
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "govm shim: %v\n", err)
		return 1
	}
	d, err := Decide(h, wd, exact, os.Getenv)
	var missing *NotInstalledError
	if errors.As(err, &missing) {
		if govm := govmFor(exe); govm != "" {
			argv := append([]string{govm, "shim", Name(argv0)}, args...)
			// govm must act on the home this shim decided for. The default
			// home is left to govm, which maps it to the machine-wide one for
			// an administrator in machine-wide mode.
			set := map[string]string{"GOVM_HOME": h.Root}
			if def, derr := home.Default(os.Getenv); derr == nil && def.Root == h.Root {
				set = nil
			}
			xerr := proc.Exec(govm, argv, proc.EnvWith(os.Environ(), set))
			fmt.Fprintf(os.Stderr, "govm shim: could not hand over to %s to install the missing version: %v\n", govm, xerr)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "govm shim (%s): %v\n", tool, err)
		return 1
	}
	if err := allowed(d, os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "govm shim (%s): %v\n", tool, err)
		if errors.Is(err, policy.ErrDenied) {
			return 5
		}
		return 2
	}
	if err := Run(d, tool, args); err != nil {
		fmt.Fprintf(os.Stderr, "govm shim: %v\n", err)
		return 1
	}
	return 0
}

// allowed reads the machine policy, exactly as govm would find, trust and
// parse it (package machinefile), and refuses d when the policy forbids its
// version. Where no machine file exists this costs one stat.
//
// A machine file that users other than administrators can change is
// ignored without a word: the warning is govm's (every command, status,
// doctor), while a shim's stderr belongs to the go command, whose output
// tools such as gopls and IDEs read. A file that cannot be read or parsed is
// an error: running a version it might forbid would be the silent failure
// the policy exists to prevent, and govm itself refuses to run then too.
func allowed(d Decision, getenv func(string) string) error {
	m, err := machinefile.Load(getenv, nil)
	if err != nil {
		return fmt.Errorf("%w; shims run no toolchain until the machine config is fixed (check it with 'govm config validate %s')", err, m.File)
	}
	return CheckVersion(&m.Policy, d)
}

// CheckVersion asks policy p whether the decided toolchain may run, with
// the message govm's use, exec and env give, plus what decided the version
// (a pin, the current link, a go1.X.Y name), which is what a user must
// change when it is refused.
func CheckVersion(p *policy.Policy, d Decision) error {
	return p.CheckVersion("run "+d.Version.String()+" ("+d.Reason+")", d.Version)
}

// Run replaces this process with tool ("go" or "gofmt") of the decided
// toolchain, passing args. It returns only when the tool could not start.
func Run(d Decision, tool string, args []string) error {
	target := d.Exe(tool)
	// A GOROOT left in the environment would make the chosen toolchain use
	// another one's standard library; each toolchain finds its own root.
	env := proc.EnvWith(os.Environ(), nil, "GOROOT")
	if err := proc.Exec(target, append([]string{target}, args...), env); err != nil {
		return fmt.Errorf("run %s: %w", target, err)
	}
	return nil
}

// Name is the shim name argv0 was invoked under: "go", "gofmt", "go1.22.5".
func Name(argv0 string) string {
	name := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	return strings.TrimSuffix(name, ".EXE")
}

// govmFor finds the govm a shim hands a missing version to: the one
// `govm setup` placed beside the shims, else the first on PATH; "" if none.
func govmFor(exe string) string {
	name := "govm"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if exe != "" {
		p := filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	if p, err := exec.LookPath("govm"); err == nil {
		return p
	}
	return ""
}
