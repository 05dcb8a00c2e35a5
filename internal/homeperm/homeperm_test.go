package homeperm

import (
	"io/fs"
	"strings"
	"testing"
)

// modeCase is one Unix owner and mode, and what a judge says of it.
type modeCase struct {
	name string
	uid  uint32
	mode fs.FileMode
	want string // substring; "" means trusted
}

// testJudge runs judge (judgeMode, judgeFileDir) over tests as user 1000.
func testJudge(t *testing.T, judge func(uid, self uint32, mode fs.FileMode) string, tests []modeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judge(tt.uid, 1000, tt.mode)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("judge(%d, %v) = %q, want %q", tt.uid, tt.mode, got, tt.want)
			}
		})
	}
}

func TestJudgeMode(t *testing.T) {
	const self = 1000
	testJudge(t, judgeMode, []modeCase{
		{"root 0755", 0, fs.ModeDir | 0o755, ""},
		{"root 0555 (read-only store)", 0, fs.ModeDir | 0o555, ""},
		{"root 0750", 0, fs.ModeDir | 0o750, ""},
		{"root setgid 02755", 0, fs.ModeDir | fs.ModeSetgid | 0o755, ""},
		{"the caller's own 0755", self, fs.ModeDir | 0o755, ""},
		{"root 0777", 0, fs.ModeDir | 0o777, "world-writable (mode 0777)"},
		{"root 1777 sticky still lets users create", 0, fs.ModeDir | fs.ModeSticky | 0o777, "world-writable"},
		{"root 0775", 0, fs.ModeDir | 0o775, "group-writable (mode 0775)"},
		{"root 0757", 0, fs.ModeDir | 0o757, "world-writable"},
		{"another user's 0755", 1001, fs.ModeDir | 0o755, "owned by uid 1001, not root"},
		{"the caller's own 0777", self, fs.ModeDir | 0o777, "world-writable"},
	})
	// As root (tests run as root here), another user's directory is still not trusted.
	if got := judgeMode(1000, 0, fs.ModeDir|0o755); got == "" {
		t.Error("root trusts a directory owned by uid 1000")
	}
}

// safeACEs is SDDL's DACL in parsed form.
var safeACEs = []ace{
	{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit, Mask: fileAllAccess, SID: sidSystem},
	{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit, Mask: fileAllAccess, SID: sidAdministrators},
	{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit, Mask: usersReadExecute, SID: sidUsers},
}

// programDataACEs is what a folder created in C:\ProgramData inherits.
var programDataACEs = []ace{
	{Type: aceAllowed, Flags: aceInherited, Mask: fileAllAccess, SID: sidSystem},
	{Type: aceAllowed, Flags: aceInherited | aceObjectInherit | aceContainerInherit | aceInheritOnly, Mask: genericAll, SID: sidSystem},
	{Type: aceAllowed, Flags: aceInherited, Mask: fileAllAccess, SID: sidAdministrators},
	{Type: aceAllowed, Flags: aceInherited | aceObjectInherit | aceContainerInherit | aceInheritOnly, Mask: genericAll, SID: "S-1-3-0"},
	{Type: aceAllowed, Flags: aceInherited | aceObjectInherit | aceContainerInherit, Mask: usersReadExecute, SID: sidUsers},
	// BUILTIN\Users:(CI)(WD,AD,WEA,WA)
	{Type: aceAllowed, Flags: aceInherited | aceContainerInherit, Mask: 0x116, SID: sidUsers},
}

func withACE(base []ace, extra ...ace) []ace {
	return append(append([]ace(nil), base...), extra...)
}

func TestJudgeDescriptor(t *testing.T) {
	const self = "S-1-5-21-1-2-3-1001"
	tests := []struct {
		name string
		d    descriptor
		want string // substring; "" means trusted
	}{
		{"govm's descriptor", descriptor{Owner: sidAdministrators, Protected: true, ACEs: safeACEs}, ""},
		{"owned by SYSTEM (Ansible, SCCM)", descriptor{Owner: sidSystem, Protected: true, ACEs: safeACEs}, ""},
		{"owned by TrustedInstaller", descriptor{Owner: sidTrustedInstall, ACEs: safeACEs}, ""},
		{"the caller's own", descriptor{Owner: self, ACEs: safeACEs}, ""},
		{"inherited from ProgramData", descriptor{Owner: sidAdministrators, ACEs: programDataACEs}, `BUILTIN\Users write it (inherited from its parent)`},
		{"owned by another user", descriptor{Owner: "S-1-5-21-1-2-3-1002", ACEs: safeACEs}, "owned by S-1-5-21-1-2-3-1002"},
		{"null DACL", descriptor{Owner: sidAdministrators, NullDACL: true}, "no access control list"},
		{"Everyone modify", descriptor{Owner: sidAdministrators, ACEs: withACE(safeACEs, ace{Type: aceAllowed, Mask: 0x1301bf, SID: "S-1-1-0"})}, "lets Everyone write it"},
		{"Authenticated Users generic write, inherit-only", descriptor{Owner: sidAdministrators, ACEs: withACE(safeACEs, ace{Type: aceAllowed, Flags: aceContainerInherit | aceInheritOnly, Mask: genericWrite, SID: "S-1-5-11"})}, "Authenticated Users write the folders and files below it"},
		{"Domain Users delete child", descriptor{Owner: sidAdministrators, ACEs: withACE(safeACEs, ace{Type: aceAllowed, Mask: fileDeleteChild, SID: "S-1-5-21-7-8-9-513"})}, "Domain Users"},
		{"Users WRITE_DAC", descriptor{Owner: sidAdministrators, ACEs: withACE(safeACEs, ace{Type: aceAllowed, Mask: writeDAC, SID: sidUsers})}, `BUILTIN\Users`},
		{"Users write attributes only", descriptor{Owner: sidAdministrators, ACEs: withACE(safeACEs, ace{Type: aceAllowed, Mask: 0x110, SID: sidUsers})}, ""},
		{"a deny does not make a grant safe", descriptor{Owner: sidAdministrators, ACEs: withACE([]ace{{Type: 1, Mask: fileAddFile, SID: sidUsers}}, ace{Type: aceAllowed, Mask: fileAddFile, SID: sidUsers})}, `BUILTIN\Users`},
		{"a named administrator group may write", descriptor{Owner: sidAdministrators, ACEs: withACE(safeACEs, ace{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit, Mask: fileAllAccess, SID: "S-1-5-21-7-8-9-512"})}, ""},
		{"object ACE", descriptor{Owner: sidAdministrators, ACEs: withACE(safeACEs, ace{Type: aceAllowedObject, Mask: fileAllAccess})}, "cannot judge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judgeDescriptor(tt.d, self)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("judgeDescriptor = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNeedsSecuring(t *testing.T) {
	tests := []struct {
		name string
		d    descriptor
		want bool
	}{
		{"govm's descriptor", descriptor{Owner: sidAdministrators, Protected: true, ACEs: safeACEs}, false},
		{"owned by SYSTEM", descriptor{Owner: sidSystem, Protected: true, ACEs: safeACEs}, false},
		{"an administrator's extra read entry is kept", descriptor{Owner: sidAdministrators, Protected: true,
			ACEs: withACE(safeACEs, ace{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit, Mask: usersReadExecute, SID: "S-1-5-21-7-8-9-1234"})}, false},
		{"not protected", descriptor{Owner: sidAdministrators, ACEs: safeACEs}, true},
		{"inherited from ProgramData", descriptor{Owner: sidAdministrators, ACEs: programDataACEs}, true},
		{"protected but Users may write", descriptor{Owner: sidAdministrators, Protected: true,
			ACEs: withACE(safeACEs, ace{Type: aceAllowed, Flags: aceContainerInherit, Mask: fileAddSubdir, SID: sidUsers})}, true},
		{"owned by a user", descriptor{Owner: "S-1-5-21-1-2-3-1001", Protected: true, ACEs: safeACEs}, true},
		{"Users cannot read", descriptor{Owner: sidAdministrators, Protected: true, ACEs: safeACEs[:2]}, true},
		{"SYSTEM entry not inherited", descriptor{Owner: sidAdministrators, Protected: true,
			ACEs: []ace{{Type: aceAllowed, Mask: fileAllAccess, SID: sidSystem}, safeACEs[1], safeACEs[2]}}, true},
		{"null DACL", descriptor{Owner: sidAdministrators, Protected: true, NullDACL: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := needsSecuring(tt.d); got != tt.want {
				t.Errorf("needsSecuring = %t, want %t", got, tt.want)
			}
		})
	}
}

func TestUnsafeError(t *testing.T) {
	err := &Unsafe{Dir: "/opt/govm/versions", Reason: "it is world-writable (mode 0777)"}
	if got, want := err.Error(), "/opt/govm/versions can be written by users who are not administrators: it is world-writable (mode 0777)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestJudgeFileDir(t *testing.T) {
	const self = 1000
	testJudge(t, judgeFileDir, []modeCase{
		{"root 0755 (/etc/govm)", 0, fs.ModeDir | 0o755, ""},
		{"the caller's own 0700", self, fs.ModeDir | 0o700, ""},
		{"root 1777 (/tmp): others cannot replace the file", 0, fs.ModeDir | fs.ModeSticky | 0o777, ""},
		{"the caller's own sticky 1777", self, fs.ModeDir | fs.ModeSticky | 0o777, ""},
		{"another user's sticky 1777: its owner may replace the file", 1001, fs.ModeDir | fs.ModeSticky | 0o777, "owned by uid 1001"},
		{"root 0777", 0, fs.ModeDir | 0o777, "world-writable"},
		{"root 0775", 0, fs.ModeDir | 0o775, "group-writable"},
		{"another user's 0755", 1001, fs.ModeDir | 0o755, "owned by uid 1001"},
	})
}
