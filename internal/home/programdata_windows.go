//go:build windows

package home

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// programData is the machine's ProgramData folder, read from where Windows
// keeps it (the ProgramData value of HKLM\...\ProfileList), never from the
// ProgramData environment variable: every user can set that one, and with
// it move the machine config, and so the administrator's policy, to a
// folder of their own. It is a registry read, not SHGetKnownFolderPath,
// because shims call it on every run and shell32 is slow to load.
func programData() string {
	drive := systemDrive()
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList`, registry.QUERY_VALUE)
	if err == nil {
		defer k.Close()
		// A REG_EXPAND_SZ of "%SystemDrive%\ProgramData": expanded here
		// from the Windows directory, since SystemDrive is a variable too.
		if v, _, err := k.GetStringValue("ProgramData"); err == nil && v != "" {
			v = replaceFold(v, "%SystemDrive%", drive)
			if !strings.Contains(v, "%") && filepath.IsAbs(v) {
				return filepath.Clean(v)
			}
		}
	}
	return drive + `\ProgramData`
}

// systemDrive is the volume Windows is installed on ("C:").
func systemDrive() string {
	if dir, err := windows.GetSystemWindowsDirectory(); err == nil {
		if vol := filepath.VolumeName(dir); vol != "" {
			return vol
		}
	}
	return "C:"
}

// replaceFold replaces old in s ignoring case: Windows writes the variable
// in whatever case it likes.
func replaceFold(s, old, repl string) string {
	if i := strings.Index(strings.ToLower(s), strings.ToLower(old)); i >= 0 {
		return s[:i] + repl + s[i+len(old):]
	}
	return s
}
