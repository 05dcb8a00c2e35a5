//go:build unix

package pathenv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// rcTarget is one file that gets govm's block.
type rcTarget struct {
	shell string
	path  string
	// own marks a file govm creates for itself alone (fish conf.d,
	// profile.d): Undo deletes it once the block is gone and nothing is left.
	own bool
}

// configDir is $XDG_CONFIG_HOME or ~/.config, where fish and pwsh look.
func configDir(o Options) string {
	if d := o.Getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return d
	}
	return filepath.Join(o.HomeDir, ".config")
}

func zshDir(o Options) string {
	if d := o.Getenv("ZDOTDIR"); d != "" {
		return d
	}
	return o.HomeDir
}

// bashLoginFiles are the files a bash login shell reads, first existing one
// only; a login shell does not read ~/.bashrc unless that file sources it.
func bashLoginFiles(o Options) []string {
	return []string{
		filepath.Join(o.HomeDir, ".bash_profile"),
		filepath.Join(o.HomeDir, ".bash_login"),
		filepath.Join(o.HomeDir, ".profile"),
	}
}

func fishFile(dir string) string { return filepath.Join(dir, "fish", "conf.d", "govm.fish") }

func pwshProfile(o Options) string {
	return filepath.Join(configDir(o), "powershell", "Microsoft.PowerShell_profile.ps1")
}

// hasShell decides whether the user has a shell: it is the login shell
// ($SHELL), its binary is on PATH, or its configuration already exists.
// Only shells that pass get a file created.
func hasShell(o Options, binary string, configs ...string) bool {
	if filepath.Base(o.Getenv("SHELL")) == binary {
		return true
	}
	if _, err := o.LookPath(binary); err == nil {
		return true
	}
	for _, c := range configs {
		if _, err := os.Lstat(c); err == nil {
			return true
		}
	}
	return false
}

// setupTargets are the files Setup writes for the shells the user has.
//
// bash: ~/.bashrc (interactive non-login shells). Login shells (macOS
// Terminal, ssh) read only the first existing of ~/.bash_profile,
// ~/.bash_login, ~/.profile: that file gets the block too unless it mentions
// .bashrc (it then sources it). On macOS, where every Terminal window is a
// login shell, ~/.bash_profile is created when none of the three exists;
// elsewhere a missing login file is left missing, since creating
// ~/.bash_profile would stop bash from reading ~/.profile.
func setupTargets(o Options) ([]rcTarget, error) {
	if o.System {
		ts := []rcTarget{{shell: ShellPOSIX, path: filepath.Join(o.EtcDir, "profile.d", "govm.sh"), own: true}}
		if hasShell(o, ShellFish, filepath.Join(o.EtcDir, "fish")) {
			ts = append(ts, rcTarget{shell: ShellFish, path: fishFile(o.EtcDir), own: true})
		}
		return ts, nil
	}
	var ts []rcTarget
	bashrc := filepath.Join(o.HomeDir, ".bashrc")
	if hasShell(o, ShellBash, bashrc) {
		ts = append(ts, rcTarget{shell: ShellBash, path: bashrc})
		login, err := bashLoginTarget(o)
		if err != nil {
			return nil, err
		}
		if login != "" {
			ts = append(ts, rcTarget{shell: ShellBash, path: login})
		}
	}
	zshrc := filepath.Join(zshDir(o), ".zshrc")
	if hasShell(o, ShellZsh, zshrc) {
		ts = append(ts, rcTarget{shell: ShellZsh, path: zshrc})
	}
	cfg := configDir(o)
	if hasShell(o, ShellFish, filepath.Join(cfg, "fish")) {
		ts = append(ts, rcTarget{shell: ShellFish, path: fishFile(cfg), own: true})
	}
	if profile := pwshProfile(o); hasShell(o, ShellPowerShell, profile) {
		ts = append(ts, rcTarget{shell: ShellPowerShell, path: profile})
	}
	return ts, nil
}

func bashLoginTarget(o Options) (string, error) {
	for _, f := range bashLoginFiles(o) {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("read %s: %w", f, err)
		}
		if sourcesBashrc(string(data)) && !strings.Contains(string(data), MarkerStart) {
			return "", nil
		}
		return f, nil
	}
	if o.GOOS == "darwin" {
		return bashLoginFiles(o)[0], nil
	}
	return "", nil
}

// sourcesBashrc reports whether a login file mentions .bashrc outside a
// comment, which in practice means it sources it.
func sourcesBashrc(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "#") && strings.Contains(line, ".bashrc") {
			return true
		}
	}
	return false
}

// undoTargets are every file Setup may ever have written, whether or not
// the shell is still installed.
func undoTargets(o Options) []rcTarget {
	if o.System {
		return []rcTarget{
			{shell: ShellPOSIX, path: filepath.Join(o.EtcDir, "profile.d", "govm.sh"), own: true},
			{shell: ShellFish, path: fishFile(o.EtcDir), own: true},
		}
	}
	ts := []rcTarget{{shell: ShellBash, path: filepath.Join(o.HomeDir, ".bashrc")}}
	for _, f := range bashLoginFiles(o) {
		ts = append(ts, rcTarget{shell: ShellBash, path: f})
	}
	return append(ts,
		rcTarget{shell: ShellZsh, path: filepath.Join(zshDir(o), ".zshrc")},
		rcTarget{shell: ShellFish, path: fishFile(configDir(o)), own: true},
		rcTarget{shell: ShellPowerShell, path: pwshProfile(o)},
	)
}

func rcSetup(o Options) (Report, error) {
	targets, err := setupTargets(o)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Entries: dirs(o.Home, o.Shims)}
	for _, t := range targets {
		block := shellBlock(t.shell, rep.Entries)
		path, err := resolveLink(t.path)
		if err != nil {
			return rep, err
		}
		text, mode, exists, err := readText(path)
		if err != nil {
			return rep, err
		}
		updated, err := withBlock(text, block)
		if err != nil {
			return rep, fmt.Errorf("%s: %w: fix or delete the govm lines by hand", path, err)
		}
		res := Target{Shell: t.shell, Path: path, Action: Unchanged, Content: block}
		switch {
		case updated == text && exists:
		case !exists:
			res.Action = Created
		default:
			res.Action = Updated
		}
		if res.Action != Unchanged && !o.DryRun {
			if err := writeFileAtomic(path, []byte(updated), mode); err != nil {
				return rep, elevationHint(o, err)
			}
		}
		rep.Targets = append(rep.Targets, res)
	}
	return rep, nil
}

func rcUndo(o Options) (Report, error) {
	rep := Report{Entries: dirs(o.Home, o.Shims)}
	for _, t := range undoTargets(o) {
		path, err := resolveLink(t.path)
		if err != nil {
			return rep, err
		}
		text, mode, exists, err := readText(path)
		if err != nil {
			return rep, err
		}
		if !exists {
			continue
		}
		updated, found, err := withoutBlock(text)
		if err != nil {
			return rep, fmt.Errorf("%s: %w: fix or delete the govm lines by hand", path, err)
		}
		res := Target{Shell: t.shell, Path: path, Action: Unchanged}
		if found {
			res.Action = Removed
			if t.own && strings.TrimSpace(updated) == "" {
				res.Action = Deleted
			}
		}
		if !o.DryRun {
			switch res.Action {
			case Removed:
				err = writeFileAtomic(path, []byte(updated), mode)
			case Deleted:
				err = os.Remove(path)
			}
			if err != nil {
				return rep, elevationHint(o, fmt.Errorf("undo %s: %w", path, err))
			}
		}
		rep.Targets = append(rep.Targets, res)
	}
	return rep, nil
}

// elevationHint marks a permission error on the machine-wide files, so the
// CLI can say to run with sudo.
func elevationHint(o Options, err error) error {
	if o.System && errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w (run with sudo): %w", ErrNeedsElevation, err)
	}
	return err
}

func rcStatus(o Options) (Status, error) {
	st := Status{Entries: dirs(o.Home, o.Shims), Process: true}
	targets, err := setupTargets(o)
	if err != nil {
		return st, err
	}
	for _, t := range targets {
		path, err := resolveLink(t.path)
		if err != nil {
			return st, err
		}
		text, _, _, err := readText(path)
		if err != nil {
			return st, err
		}
		start, end, found, err := blockSpan(text)
		if err != nil {
			return st, fmt.Errorf("%s: %w", path, err)
		}
		want := strings.TrimSuffix(shellBlock(t.shell, st.Entries), "\n")
		if found && strings.TrimRight(text[start:end], "\r\n") == want {
			st.Configured = append(st.Configured, path)
		} else {
			st.Unconfigured = append(st.Unconfigured, path)
		}
	}
	st.Persistent = len(st.Configured) > 0 && len(st.Unconfigured) == 0
	rules := UnixRules()
	for _, e := range st.Entries {
		st.Process = st.Process && rules.Contains(o.Getenv("PATH"), e)
	}
	return st, nil
}

// dirs are govm's PATH directories under home, first one first on PATH.
func dirs(home string, shims bool) []string {
	cur := filepath.Join(home, "current", "bin")
	bin := filepath.Join(home, "bin")
	if shims {
		return []string{bin, cur}
	}
	return []string{cur, bin}
}
