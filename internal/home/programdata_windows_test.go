//go:build windows

package home

import (
	"path/filepath"
	"strings"
	"testing"
)

// The machine-wide home (and the machine config beside it) must not follow
// the ProgramData variable: a user who points it at a folder of their own
// would otherwise drop the administrator's policy.
func TestProgramDataIgnoresTheVariable(t *testing.T) {
	want := ProgramData()
	if !filepath.IsAbs(want) || !strings.EqualFold(filepath.Base(want), "ProgramData") {
		t.Fatalf("ProgramData() = %q, want an absolute ...\\ProgramData", want)
	}
	mine := `C:\Users\mallory\mine`
	t.Setenv("ProgramData", mine)
	t.Setenv("SystemDrive", `Z:`)
	if got := programData(); got != want { // uncached: read again under the new variables
		t.Errorf("with ProgramData=%s SystemDrive=Z:, ProgramData() = %q, want %q", mine, got, want)
	}
	sys, err := System(func(k string) string {
		if k == "ProgramData" {
			return mine
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if sys.Root != filepath.Join(want, "govm") {
		t.Errorf("System() = %s, want %s", sys.Root, filepath.Join(want, "govm"))
	}
}

func TestReplaceFold(t *testing.T) {
	for _, tt := range [][3]string{
		{`%SystemDrive%\ProgramData`, `C:`, `C:\ProgramData`},
		{`%SYSTEMDRIVE%\ProgramData`, `D:`, `D:\ProgramData`},
		{`E:\Data`, `C:`, `E:\Data`},
	} {
		if got := replaceFold(tt[0], "%SystemDrive%", tt[1]); got != tt[2] {
			t.Errorf("replaceFold(%q) = %q, want %q", tt[0], got, tt[2])
		}
	}
}
