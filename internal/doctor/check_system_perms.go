package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/govm-dev/govm/internal/home"
	"github.com/govm-dev/govm/internal/homeperm"
	"github.com/govm-dev/govm/internal/machinefile"
)

func init() {
	register(Check{
		ID:       "GOVM-SYSTEM-PERMS",
		Category: CatGovm,
		Title:    "only administrators can write the machine-wide home",
		Run:      checkSystemPerms,
	})
}

// checkSystemPerms looks at the machine-wide home every user's govm and
// shims read (%ProgramData%\govm, /opt/govm): whoever can create a folder
// there can plant a go that everybody runs. It reports the home's root,
// versions and bin directories when non-administrators can write them
// (govm then ignores the machine-wide versions), and the entries of
// versions that no administrator made: what a user planted before the home
// was repaired stays there until removed, and repairing the permissions
// would not remove it.
func checkSystemPerms(_ context.Context, e *Env) []Finding {
	sys, err := home.System(e.Getenv)
	if err != nil {
		return nil
	}
	details := map[string]any{"system_home": sys.Root}
	out := e.machineConfigPerms()
	if _, err := os.Stat(sys.Root); errors.Is(err, fs.ErrNotExist) {
		if len(out) > 0 {
			return out
		}
		return []Finding{{Severity: OK, Details: details, Message: "there is no machine-wide home (" + sys.Root + ")"}}
	} else if err != nil {
		return append(out, Finding{Severity: Warning, Details: details,
			Message: "cannot read the machine-wide home " + sys.Root + ": " + err.Error(),
			Fix:     "check the permissions of " + sys.Root})
	}
	for _, dir := range []string{sys.Root, sys.Versions(), sys.Bin()} {
		fi, err := os.Stat(dir)
		if err != nil {
			continue // absent: nothing to plant through it
		}
		why := homeperm.Check(dir, fi)
		if why == "" {
			continue
		}
		msg := dir + " can be written by users who are not administrators: " + why
		if dir == sys.Bin() {
			msg += "; anyone could replace the machine-wide shims that every user runs"
		} else {
			msg += "; anyone could plant a go that every user runs, so govm ignores the machine-wide versions"
		}
		out = append(out, Finding{Severity: Error, Message: msg, Fix: e.systemPermsFix(sys, dir, why),
			Details: map[string]any{"system_home": sys.Root, "path": dir, "reason": why}})
	}
	if f, ok := e.foreignVersions(sys); ok {
		out = append(out, f)
	}
	if len(out) == 0 {
		return []Finding{{Severity: OK, Details: details, Message: "only administrators can write the machine-wide home " + sys.Root}}
	}
	return out
}

// machineConfigPerms reports a machine config file (the machine policy:
// sources, allowed versions, machine-wide mode) that users other than
// administrators could have written for everyone, which govm therefore
// ignores (the judgement config.Load and the shims make).
func (e *Env) machineConfigPerms() []Finding {
	u := machinefile.Untrusted(machinefile.Path(e.Getenv), nil)
	if u == nil {
		return nil
	}
	file, why := u.File, u.Reason
	fix := "if you wrote it: sudo chown root " + file + " && sudo chmod go-w " + file + " " + filepath.Dir(file) + "; if not, remove it"
	if e.windows() {
		fix = `if an administrator wrote it, as administrator: icacls "` + file + `" /setowner *S-1-5-32-544 && icacls "` + file + `" /reset; if not, delete it`
	}
	return []Finding{{Severity: Error, Fix: fix,
		Details: map[string]any{"path": file, "reason": why},
		Message: "the machine config " + file + " can be changed by users who are not administrators (" + why + "), so govm ignores it: its policy and settings do not apply"}}
}

// systemPermsFix is the command that repairs dir. On Windows every folder
// of the home inherits the root's protected DACL, which any administrator's
// install re-applies; a folder a user owns keeps its owner and its own
// entries, so it is looked at first and then reset to inherit.
func (e *Env) systemPermsFix(sys home.Home, dir, why string) string {
	foreign := strings.Contains(why, "owned by")
	if e.windows() {
		root := `icacls "` + sys.Root + `" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX`
		if dir != sys.Root && foreign {
			return "a user made " + dir + ": as administrator, remove what you did not install in it, then run: " +
				`icacls "` + dir + `" /setowner *S-1-5-32-544 /T /C && icacls "` + dir + `" /reset /T /C`
		}
		return "as administrator, run any 'govm install --system VERSION' (it re-applies the permissions), or: " + root
	}
	fix := "sudo chown root " + dir + " && sudo chmod go-w " + dir
	if dir == sys.Root {
		fix += " (any 'sudo govm install --system VERSION' does this)"
	}
	if foreign {
		fix = "another user made " + dir + ": remove what you did not install in it, then " + fix
	}
	return fix
}

// foreignVersions reports the entries of the machine-wide versions
// directory that an administrator did not make (another user owns them,
// or they can be written by everyone), or a link, which govm never puts
// there. One of them may be a planted toolchain with a forged record.
func (e *Env) foreignVersions(sys home.Home) (Finding, bool) {
	entries, err := os.ReadDir(sys.Versions())
	if err != nil {
		return Finding{}, false
	}
	var paths, reasons []string
	for _, en := range entries {
		p := filepath.Join(sys.Versions(), en.Name())
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		why := "it is a link, which govm never puts there"
		if fi.Mode()&fs.ModeSymlink == 0 {
			why = homeperm.Check(p, fi)
		}
		if why != "" {
			paths = append(paths, p)
			reasons = append(reasons, en.Name()+": "+why)
		}
	}
	if len(paths) == 0 {
		return Finding{}, false
	}
	remove := "sudo rm -rf " + strings.Join(paths, " ")
	if e.windows() {
		remove = "remove them in an administrator's shell (rmdir /s /q DIR, del FILE)"
	}
	return Finding{Severity: Error,
		Details: map[string]any{"system_home": sys.Root, "paths": paths, "reasons": reasons},
		Message: fmt.Sprintf("%s in %s %s not made by an administrator, and every user's govm could run %s: %s",
			count(len(paths), "entry", "entries"), sys.Versions(), map[bool]string{true: "was", false: "were"}[len(paths) == 1],
			map[bool]string{true: "it", false: "them"}[len(paths) == 1], listSome(reasons)),
		Fix: "check whether you installed them; if not, " + remove}, true
}
