package cli

import (
	"context"
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/homeperm"
	"github.com/govm-dev/govm/internal/oplog"
	"github.com/govm-dev/govm/internal/policy"
	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/internal/state"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/install"
	"github.com/govm-dev/govm/pkg/store"
)

// allowVersion asks the machine policy whether v may be installed or run.
func (a *app) allowVersion(action string, v goversion.Version) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	return cfg.Policy.CheckVersion(action+" "+v.String(), v)
}

// allowSource asks the machine policy whether this invocation may fetch
// toolchains from the configured source (or a local archive) and whether
// it may skip verification. It runs before any source is opened, so a
// denied command touches no network.
func (a *app) allowSource(action string, archive string) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	p := &cfg.Policy
	if err := p.CheckInsecure(action, cfg.Insecure); err != nil {
		return err
	}
	if archive != "" {
		return p.CheckSource(action, policy.SourceFile, archive)
	}
	if err := p.CheckMirror(action, cfg.Source); err != nil {
		return err
	}
	return p.CheckSource(action, policy.SourceKind(cfg.Source, cfg.Mirror), cfg.Source)
}

// opRecord collects what a state-changing command did, for its log line.
type opRecord struct {
	// noop means the command changed nothing and must write nothing (the
	// ensure fast path): no log line, no state write.
	noop   bool
	source string
	hash   string
}

// installed notes one install result; with several, the last one wins the
// source and hash fields (each is also printed).
func (r *opRecord) installed(res install.Result) {
	if r == nil {
		return
	}
	r.source = res.Source
	if res.Hash.Value != "" {
		r.hash = string(res.Hash.Kind) + ":" + res.Hash.Value
	}
}

// addLogFlag gives a state-changing command --log-file.
func (a *app) addLogFlag(cmd *cobra.Command) {
	cmd.Flags().Func("log-file", "append the operation log line to this file (config log_file, env GOVM_LOG_FILE)", func(s string) error {
		a.flagValues["log_file"] = s
		return nil
	})
}

// logged runs a state-changing command and then appends its log line and
// records it as the last operation in state.json. Failing to log never
// turns a successful command into a failure: it is reported as a warning.
func (a *app) logged(cmd *cobra.Command, args []string, run func(rec *opRecord) error) error {
	start := time.Now()
	a.secureSystemHome()
	before := a.activeName()
	rec := &opRecord{}
	err := run(rec)
	if rec.noop {
		return err
	}
	h, herr := a.home()
	cfg, cerr := a.config()
	if herr != nil || cerr != nil {
		// No home or config: nowhere to log; the command's error says why.
		return err
	}
	e := oplog.Entry{
		Time:       start.UTC(),
		User:       currentUser(a.env.Getenv),
		Host:       hostname(),
		Command:    commandName(cmd),
		Args:       append([]string(nil), args...),
		Before:     before,
		After:      a.activeName(),
		Source:     rec.source,
		Hash:       rec.hash,
		DurationMS: time.Since(start).Milliseconds(),
		Result:     oplog.ResultOK,
	}
	if err != nil {
		e.Result, e.Error = oplog.ResultError, err.Error()
	}
	path := cfg.LogFile
	if path == "" {
		path = h.Log()
	}
	if lerr := (oplog.Log{Path: path}).Append(cmd.Context(), e); lerr != nil {
		a.warn("could not write the operation log: " + lerr.Error())
	}
	if serr := a.recordLast(cmd.Context(), e); serr != nil {
		a.warn("could not record the last operation: " + serr.Error())
	}
	return err
}

// recordLast stores e as state.json's last operation, under the lock that
// guards switches so a concurrent switch's history is not lost.
func (a *app) recordLast(ctx context.Context, e oplog.Entry) error {
	h, err := a.home()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(h.Locks(), 0o755); err != nil {
		return err
	}
	lock, err := fsx.Lock(ctx, filepath.Join(h.Locks(), "current.lock"))
	if err != nil {
		return err
	}
	defer lock.Unlock()
	s, err := state.Load(h.State())
	if err != nil {
		return err
	}
	version := e.After
	if len(e.Args) > 0 && e.Command != "use" && e.Command != "ensure" && e.Command != "rollback" {
		version = e.Args[0]
	}
	s.Last = &state.Operation{Command: e.Command, Version: version, At: e.Time, OK: e.Result == oplog.ResultOK, Error: oplog.Redact(e.Error)}
	return state.Save(h.State(), s)
}

// activeName is the active version's directory name, or "".
func (a *app) activeName() string {
	if dir := a.activeVersion(); dir != "" {
		return filepath.Base(dir)
	}
	return ""
}

func currentUser(getenv func(string) string) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := getenv("USER"); n != "" {
		return n
	}
	return getenv("USERNAME")
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}

// commandName is the command path without "govm": "install", "mirror sync".
func commandName(cmd *cobra.Command) string {
	if cmd.HasParent() {
		return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
	}
	return cmd.Name()
}

// systemHome is the machine-wide home an administrator installs into:
// %ProgramData%\govm or /opt/govm, or GOVM_SYSTEM_HOME (tests, unusual
// layouts). Users only read it: their state stays in their own home.
func (a *app) systemHome() (home.Home, error) {
	return home.System(a.env.Getenv)
}

// machineActive is the directory the machine-wide home's current link
// points at, when h is not that home and the home is trusted (see
// machine); else "". Like the shims, it only counts a version of the
// machine's own store, wherever the link points.
func (a *app) machineActive(h home.Home) string {
	sys, ok := a.machine(h)
	if !ok {
		return ""
	}
	_, dir := shim.MachineActive(sys)
	return dir
}

// machine is shim.Machine with its verdict said once per invocation: a
// machine-wide home that users other than administrators can write is
// ignored, with a warning, so that nobody runs a toolchain planted there.
func (a *app) machine(h home.Home) (home.Home, bool) {
	sys, ok, ignored := shim.Machine(h, a.env.Getenv)
	if ignored != "" {
		a.machineWarn.Do(func() { a.warn(ignored) })
	}
	return sys, ok
}

// secureSystemHome restricts the machine-wide home to administrators
// before an administrator's command writes it (homeperm.Secure: a
// protected DACL on Windows, root-owned and not group/world-writable on
// Unix). It runs every time, cheaply, so a home made by an older govm (or
// inherited from C:\ProgramData) is repaired by the next install. Failing
// never fails the command: users' govm ignores a home it cannot trust.
func (a *app) secureSystemHome() {
	h, err := a.home()
	if err != nil {
		return // the command reports it
	}
	a.secureIfSystem(h)
}

// secureIfSystem is secureSystemHome for a command that is about to write
// h, which is not always a.home() (setup --system).
func (a *app) secureIfSystem(h home.Home) {
	sys, err := a.systemHome()
	if err != nil || h.Root != sys.Root || !a.env.Elevated() {
		return
	}
	if err := homeperm.Secure(sys.Root); err != nil {
		var u *homeperm.Unsafe
		if errors.As(err, &u) {
			// Not taken over: it may hold what a user planted there.
			a.warn(u.Error() + "; see 'govm doctor GOVM-SYSTEM-PERMS'")
			return
		}
		a.warn("could not restrict " + sys.Root + " to administrators: " + err.Error())
	}
}

// addSystemFlag gives an administrator's command --system: act on the
// machine-wide home instead of the user's.
func (a *app) addSystemFlag(cmd *cobra.Command) {
	cmd.Flags().BoolFunc("system", "act on the machine-wide versions (%ProgramData%\\govm, /opt/govm; administrator/root)", func(string) error {
		h, err := a.systemHome()
		if err != nil {
			return err
		}
		a.flagValues["home"] = h.Root
		return nil
	})
}

// selectInstalled finds the installed version that serves req: the user's
// own installs first, then the machine-wide ones an administrator put there.
func (a *app) selectInstalled(h home.Home, req goversion.Request) (goversion.Version, string, bool) {
	for _, st := range a.stores(h) {
		if v, ok := shim.SelectInstalled(req, st, goversion.Version{}); ok {
			return v, st.Root(store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH}), true
		}
	}
	return goversion.Version{}, "", false
}

// installedDir returns the GOROOT of v for this platform in the user's or
// the machine-wide store.
func (a *app) installedDir(h home.Home, v goversion.Version) (string, bool) {
	key := store.Key{Version: v, OS: runtime.GOOS, Arch: runtime.GOARCH}
	for _, st := range a.stores(h) {
		if st.Has(key) {
			return st.Root(key), true
		}
	}
	return "", false
}

// stores are the version stores a user's commands read, their own first,
// then the machine-wide one when it is trusted (see machine).
func (a *app) stores(h home.Home) []*store.Store {
	out := []*store.Store{store.New(h.Versions())}
	if sys, ok := a.machine(h); ok {
		out = append(out, store.New(sys.Versions()))
	}
	return out
}
