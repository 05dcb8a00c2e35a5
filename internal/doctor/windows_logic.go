package doctor

import (
	"errors"
	"fmt"

	"github.com/govm-dev/govm/internal/activate"
)

// The Windows checks are wired to the registry and the file system in
// checks_windows.go; their judgement lives here so Linux tests cover it.

// enableLongPaths is the administrator command that turns long paths on.
const enableLongPaths = `New-ItemProperty -Path "HKLM:\SYSTEM\CurrentControlSet\Control\FileSystem" -Name LongPathsEnabled -Value 1 -PropertyType DWORD -Force (PowerShell as administrator)`

// judgeLongPaths reads LongPathsEnabled (present: the value exists).
func judgeLongPaths(value uint64, present bool, err error) []Finding {
	details := map[string]any{"LongPathsEnabled": value, "present": present}
	switch {
	case err != nil:
		return []Finding{{Severity: Info, Message: "cannot read LongPathsEnabled: " + err.Error()}}
	case present && value == 1:
		return []Finding{{Severity: OK, Details: details, Message: "long paths are enabled (LongPathsEnabled=1)"}}
	}
	return []Finding{{Severity: Info, Details: details,
		Message: "long paths are not enabled: go itself copes, but cgo's C compiler, git and older tools fail on paths over 260 characters (deep module caches)",
		Fix:     enableLongPaths}}
}

// judgeDevMode reads AllowDevelopmentWithoutDevLicense. Developer Mode only
// matters for symbolic links; govm uses junctions, which need neither it
// nor administrator rights, and people often turn it on for nothing.
func judgeDevMode(value uint64, present bool) []Finding {
	if present && value == 1 {
		return []Finding{{Severity: OK, Message: "Developer Mode is on; govm does not need it (junctions work without it)"}}
	}
	return []Finding{{Severity: Info, Message: "Developer Mode is off, which is fine: govm's current link is a junction, which needs neither Developer Mode nor administrator rights"}}
}

// judgeEnvKey reads the result of opening HKCU\Environment for writing.
func judgeEnvKey(err error) []Finding {
	if err == nil {
		return []Finding{{Severity: OK, Message: `HKCU\Environment is writable: govm setup can edit the user PATH`}}
	}
	return []Finding{{Severity: Error, Details: map[string]any{"error": err.Error()},
		Message: `cannot write HKCU\Environment (` + err.Error() + `): govm setup cannot put govm on the user PATH; a Group Policy may lock the environment`,
		Fix:     "ask your administrator to run govm setup --system, or add the directories from govm setup --print to PATH by hand"}}
}

// judgeJunction reads the result of creating a probe junction in the home.
func judgeJunction(home string, err error) []Finding {
	switch {
	case err == nil:
		return []Finding{{Severity: OK, Message: "junctions work on the volume of " + home}}
	case errors.Is(err, activate.ErrLinksUnsupported):
		return []Finding{{Severity: Warning, Details: map[string]any{"error": err.Error()},
			Message: "the volume of " + home + " cannot hold junctions (FAT, exFAT or a network share): govm use cannot switch the current link",
			Fix:     "govm setup --shims (shims need no links), or set GOVM_HOME to a folder on an NTFS volume"}}
	}
	return []Finding{{Severity: Warning, Details: map[string]any{"error": err.Error()},
		Message: fmt.Sprintf("cannot create a junction in %s: %v", home, err),
		Fix:     "check the permissions of " + home + ", or govm setup --shims"}}
}
