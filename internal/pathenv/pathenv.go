// Package pathenv puts govm on the user's persistent PATH (`govm setup`) and
// takes it off again (`govm setup --undo`).
//
// On Windows the PATH lives in the registry: the raw user value in
// HKCU\Environment (or the machine value in HKLM with --system) is read with
// its type, edited as a list, written back with the same type, and
// WM_SETTINGCHANGE is broadcast. The process environment is never written
// back: it is expanded and merged with the system PATH.
//
// On Unix a block between marker comments goes into the rc file of each
// shell the user has; the rest of every file is kept byte for byte.
//
// The list editing (Rules) and both flows are portable code driven through
// seams in Options, so Linux tests exercise the Windows logic too; the
// *_windows.go and *_unix.go files only wire the real registry or file system.
package pathenv

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
)

// ErrNeedsElevation is wrapped when the machine-wide PATH cannot be written
// without administrator rights.
var ErrNeedsElevation = errors.New("administrator rights needed")

// Options says whose PATH to edit and how. Zero values of the seams mean the
// real machine.
type Options struct {
	// Home is the govm home root; its current/bin and bin go on PATH.
	Home string
	// System edits the machine-wide PATH (HKLM on Windows, /etc/profile.d on
	// Unix) instead of the user's.
	System bool
	// Shims puts Home/bin before Home/current/bin, so that shims (which
	// resolve per-directory pins) win over the active toolchain.
	Shims bool
	// DryRun computes the Report, Content included, without writing anything.
	DryRun bool

	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// HomeDir is the user's home directory, where rc files live (Unix);
	// empty means os.UserHomeDir().
	HomeDir string
	// GOOS selects OS-specific choices such as the macOS bash login file;
	// empty means runtime.GOOS. It does not switch between registry and rc files.
	GOOS string
	// LookPath finds shell binaries to decide which shells the user has
	// (Unix); nil means exec.LookPath.
	LookPath func(string) (string, error)
	// EtcDir is the root of machine-wide shell configuration for System on
	// Unix; empty means /etc.
	EtcDir string

	// Store is the PATH value to edit on Windows; nil means the Path value of
	// HKCU\Environment, or of HKLM\...\Session Manager\Environment with System.
	Store Store
	// SystemStore is the machine PATH read to find a go.exe that would win
	// over govm's (Windows); nil means HKLM's.
	SystemStore Store
	// Broadcast announces a changed environment to running programs
	// (Windows); nil means WM_SETTINGCHANGE to every top-level window.
	Broadcast func() error
}

// Action is what happened, or would happen with DryRun, to one target.
type Action string

// Actions reported per target.
const (
	Unchanged Action = "unchanged" // already as wanted
	Created   Action = "created"   // new file written
	Updated   Action = "updated"   // block or value added or replaced
	Removed   Action = "removed"   // block or entries taken out, the rest kept
	Deleted   Action = "deleted"   // a file of govm's own removed (fish conf.d)
)

// Target is one place that holds PATH configuration: an rc file or a
// registry value.
type Target struct {
	// Shell is bash, zsh, fish, pwsh, sh (profile.d), or "registry".
	Shell string `json:"shell"`
	// Path is the file written (a symlink's target) or the registry value.
	Path string `json:"path"`
	// Action is what Setup or Undo did, or would do with DryRun.
	Action Action `json:"action"`
	// Content is the block for an rc file, or the new PATH value.
	Content string `json:"content,omitempty"`
	// Change lists the PATH entries added or removed (registry targets).
	Change Change `json:"change,omitzero"`
}

// Report is the result of Setup, Undo or Print.
type Report struct {
	// Entries are the PATH entries govm manages, in PATH order, as written.
	Entries []string `json:"entries"`
	// Targets are the files or registry values looked at.
	Targets []Target `json:"targets"`
	// Shadowing are go executables on the machine PATH that come before
	// govm's entries and so win over them (Windows: the system PATH is
	// searched before the user PATH). Fix: remove them from the system PATH,
	// uninstall the MSI, or run `govm setup --system`.
	Shadowing []string `json:"shadowing,omitempty"`
	// Broadcast is true when running programs were told about the change.
	Broadcast bool `json:"broadcast,omitempty"`
}

// Changed reports whether any target was (or with DryRun would be) modified.
func (r Report) Changed() bool {
	for _, t := range r.Targets {
		if t.Action != Unchanged {
			return true
		}
	}
	return false
}

// Status says whether govm is on PATH, persistently and in this process.
type Status struct {
	// Entries are the directories govm needs on PATH.
	Entries []string `json:"entries"`
	// Persistent is true when new shells get the entries: the registry value
	// holds them all (Windows), or every shell found has the block (Unix).
	Persistent bool `json:"persistent"`
	// Configured and Unconfigured list the targets with and without govm.
	Configured   []string `json:"configured,omitempty"`
	Unconfigured []string `json:"unconfigured,omitempty"`
	// Process is true when this process's PATH holds every entry. Persistent
	// without Process means the shell was started before setup: restart it.
	Process bool `json:"process"`
	// Shadowing is as in Report.
	Shadowing []string `json:"shadowing,omitempty"`
}

// Setup puts govm's directories on the persistent PATH. Running it again
// changes nothing.
func Setup(opts Options) (Report, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Report{}, err
	}
	return setup(o)
}

// Print is Setup with DryRun: the report holds the blocks or values that
// Setup would write, and nothing is written.
func Print(opts Options) (Report, error) {
	opts.DryRun = true
	return Setup(opts)
}

// Undo removes what Setup added and nothing else.
func Undo(opts Options) (Report, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Report{}, err
	}
	return undo(o)
}

// Check reports whether govm is on the persistent PATH and on this process's.
func Check(opts Options) (Status, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Status{}, err
	}
	return status(o)
}

func (o Options) withDefaults() (Options, error) {
	if o.Home == "" {
		return o, errors.New("pathenv: Options.Home is empty")
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.GOOS == "" {
		o.GOOS = runtime.GOOS
	}
	if o.LookPath == nil {
		o.LookPath = exec.LookPath
	}
	if o.EtcDir == "" {
		o.EtcDir = "/etc"
	}
	if o.HomeDir == "" && !o.System {
		h, err := os.UserHomeDir()
		if err != nil {
			return o, err
		}
		o.HomeDir = h
	}
	return o, nil
}
