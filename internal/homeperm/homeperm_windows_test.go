//go:build windows

package homeperm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// sddlOf returns dir's owner and DACL in SDDL form.
func sddlOf(t *testing.T, dir string) string {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	return sd.String()
}

// setSDDL gives dir the DACL of sddl (protected or not, as it says).
func setSDDL(t *testing.T, dir, sddl string) {
	t.Helper()
	sd, err := windows.SecurityDescriptorFromString(sddl)
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	info := windows.SECURITY_INFORMATION(windows.DACL_SECURITY_INFORMATION)
	if strings.Contains(sddl, "D:P") {
		info |= windows.PROTECTED_DACL_SECURITY_INFORMATION
	} else {
		info |= windows.UNPROTECTED_DACL_SECURITY_INFORMATION
	}
	if err := windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, info, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
}

// underWine reports whether the tests run under Wine, whose upstream
// releases (Debian's wine 8) keep no file security descriptors: they
// synthesise one from the Unix mode bits on every read, so what
// SetNamedSecurityInfo wrote cannot be read back there.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// keptOrSkip skips the rest of a test when the file system gave back a
// descriptor other than the one just written and this is Wine.
func keptOrSkip(t *testing.T, dir, wrote string) {
	t.Helper()
	got := sddlOf(t, dir)
	if underWine() && !strings.Contains(got, "D:P") {
		t.Skipf("Wine keeps no file security descriptors (wrote %s, reads back %s); the round trip is asserted on real Windows", wrote, got)
	}
}

// The parsing and judging of real binary descriptors, built by Windows'
// own SDDL parser: this part runs under Wine too.
func TestParseDescriptor(t *testing.T) {
	tests := []struct {
		sddl      string
		protected bool
		aces      []ace
		unsafe    string // substring of judgeDescriptor; "" means trusted
		secure    bool   // needsSecuring
	}{
		{SDDL, true, safeACEs, "", false},
		{"O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)(A;CI;0x116;;;BU)", true,
			withACE(safeACEs, ace{Type: aceAllowed, Flags: aceContainerInherit, Mask: 0x116, SID: sidUsers}),
			`BUILTIN\Users write it`, true},
		{"O:SYD:AI(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIIOID;GW;;;WD)", false,
			[]ace{
				{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit | aceInherited, Mask: fileAllAccess, SID: sidSystem},
				{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit | aceInherited, Mask: fileAllAccess, SID: sidAdministrators},
				{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit | aceInheritOnly | aceInherited, Mask: genericWrite, SID: "S-1-1-0"},
			},
			"Everyone write the folders and files below it (inherited from its parent)", true},
		{"O:S-1-5-21-1-2-3-1002D:P(A;OICI;FA;;;SY)(D;;FA;;;BU)", true,
			[]ace{
				{Type: aceAllowed, Flags: aceObjectInherit | aceContainerInherit, Mask: fileAllAccess, SID: sidSystem},
				{Type: 1, Mask: fileAllAccess, SID: sidUsers},
			},
			"owned by S-1-5-21-1-2-3-1002", true},
	}
	for _, tt := range tests {
		t.Run(tt.sddl, func(t *testing.T) {
			sd, err := windows.SecurityDescriptorFromString(tt.sddl)
			if err != nil {
				t.Fatal(err)
			}
			d, err := parseDescriptor(sd)
			if err != nil {
				t.Fatal(err)
			}
			if d.Protected != tt.protected || d.NullDACL {
				t.Errorf("protected %t null %t, want protected %t", d.Protected, d.NullDACL, tt.protected)
			}
			if len(d.ACEs) != len(tt.aces) {
				t.Fatalf("ACEs %+v, want %+v", d.ACEs, tt.aces)
			}
			for i := range d.ACEs {
				if d.ACEs[i] != tt.aces[i] {
					t.Errorf("ACE %d = %+v, want %+v", i, d.ACEs[i], tt.aces[i])
				}
			}
			got := judgeDescriptor(d, "")
			if (tt.unsafe == "") != (got == "") || !strings.Contains(got, tt.unsafe) {
				t.Errorf("judgeDescriptor = %q, want %q", got, tt.unsafe)
			}
			if needsSecuring(d) != tt.secure {
				t.Errorf("needsSecuring = %t, want %t", !tt.secure, tt.secure)
			}
		})
	}
}

// Secure on a real directory, read back with GetNamedSecurityInfo.
func TestSecureReadsBack(t *testing.T) {
	root := filepath.Join(tempdir.New(t), "govm")
	if err := Secure(root); err != nil {
		t.Fatal(err)
	}
	keptOrSkip(t, root, SDDL)
	got := sddlOf(t, root)
	d, err := readDescriptor(root)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Protected || !strings.Contains(got, "D:P") {
		t.Errorf("DACL is not protected: %s", got)
	}
	if needsSecuring(d) {
		t.Errorf("needsSecuring after Secure: %s", got)
	}
	for i, want := range []string{"(A;OICI;FA;;;SY)", "(A;OICI;FA;;;BA)", "(A;OICI;0x1200a9;;;BU)"} {
		if !strings.Contains(got, want) {
			t.Errorf("entry %d %s missing from %s", i, want, got)
		}
	}
	if len(d.ACEs) != 3 {
		t.Errorf("%d entries, want 3: %s", len(d.ACEs), got)
	}
	if why := Check(root, nil); why != "" {
		t.Errorf("Check after Secure = %q", why)
	}
	// A folder created below inherits the entries and nothing from the temp dir.
	sub := filepath.Join(root, "versions")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if why := Check(sub, nil); why != "" {
		t.Errorf("Check(versions) = %q (%s)", why, sddlOf(t, sub))
	}
	if err := Secure(root); err != nil {
		t.Errorf("Secure again: %v", err)
	}
}

// Check on a directory whose DACL lets Users or Everyone write, and Secure
// repairing it.
func TestCheckUnsafeDir(t *testing.T) {
	root := filepath.Join(tempdir.New(t), "govm")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	// As C:\ProgramData hands it down: Users may create folders below.
	const programData = "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)(A;CI;0x116;;;BU)"
	setSDDL(t, root, programData)
	keptOrSkip(t, root, programData)
	if why := Check(root, nil); !strings.Contains(why, `BUILTIN\Users write it`) {
		t.Errorf("Check = %q, want Users write", why)
	}
	sub := filepath.Join(root, "versions")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if why := Check(sub, nil); !strings.Contains(why, "(inherited from its parent)") {
		t.Errorf("Check(versions) = %q, want an inherited Users grant (%s)", why, sddlOf(t, sub))
	}
	setSDDL(t, root, "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICIIO;GW;;;WD)")
	if why := Check(root, nil); !strings.Contains(why, "Everyone write the folders and files below it") {
		t.Errorf("Check = %q, want Everyone below", why)
	}
	// Secure repairs it, and Windows propagates the repair to what is below.
	if err := Secure(root); err != nil {
		t.Fatal(err)
	}
	if why := Check(root, nil); why != "" {
		t.Errorf("Check after Secure = %q (%s)", why, sddlOf(t, root))
	}
	if why := Check(sub, nil); why != "" {
		t.Errorf("Check(versions) after Secure = %q (%s)", why, sddlOf(t, sub))
	}
}

// What Wine does give back: a descriptor synthesised from the Unix mode,
// which Check must still read (owner = this user, Everyone may read).
func TestCheckSynthesised(t *testing.T) {
	dir := tempdir.New(t)
	t.Logf("%s: %s", dir, sddlOf(t, dir))
	if why := Check(dir, nil); why != "" && !strings.Contains(why, "Everyone") {
		t.Errorf("Check(temp dir) = %q", why)
	}
}

// After Secure, what this process creates belongs to Administrators.
func TestDefaultOwner(t *testing.T) {
	if underWine() {
		t.Skip("Wine 8 does not implement SetTokenInformation(TokenOwner): it returns ERROR_INVALID_FUNCTION")
	}
	tok := windows.GetCurrentProcessToken()
	if !tok.IsElevated() {
		t.Skip("not elevated: the token may not name Administrators as owner")
	}
	ownNewObjectsAsAdministrators()
	var n uint32
	_ = windows.GetTokenInformation(tok, windows.TokenOwner, nil, 0, &n)
	if n == 0 {
		t.Fatal("GetTokenInformation(TokenOwner) gave no size")
	}
	buf := make([]byte, n)
	if err := windows.GetTokenInformation(tok, windows.TokenOwner, &buf[0], n, &n); err != nil {
		t.Fatal(err)
	}
	owner := (*tokenOwner)(unsafe.Pointer(&buf[0])).Owner
	if !owner.IsWellKnown(windows.WinBuiltinAdministratorsSid) {
		t.Errorf("default owner %s, want BUILTIN\\Administrators", owner)
	}
}

// An administrator's own account owns what they create where the owner
// policy is "object creator": administratorAccount must accept it, and
// never a group or a well-known account.
func TestAdministratorAccount(t *testing.T) {
	for _, sid := range []string{sidUsers, sidAdministrators, sidSystem, "S-1-1-0", "not a sid"} {
		if administratorAccount(sid) {
			t.Errorf("administratorAccount(%s) = true, want false: it is no user account", sid)
		}
	}
	self := selfSID()
	got := administratorAccount(self)
	if underWine() {
		t.Logf("Wine: administratorAccount(self %s) = %v (Wine's group lookup is not asserted)", self, got)
		return
	}
	ba, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if err != nil {
		t.Fatal(err)
	}
	member, err := windows.GetCurrentProcessToken().IsMember(ba)
	if err != nil {
		t.Fatal(err)
	}
	if member && !got {
		t.Errorf("administratorAccount(self %s) = false, but this elevated process is in Administrators", self)
	}
}

// A config file this user writes in a folder of its own is trusted.
func TestCheckFileOwn(t *testing.T) {
	f := filepath.Join(tempdir.New(t), "config.yaml")
	if err := os.WriteFile(f, []byte("source: auto\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if why := CheckFile(f); why != "" && !(underWine() && strings.Contains(why, "Everyone")) {
		t.Errorf("CheckFile(own file) = %q (%s)", why, sddlOf(t, f))
	}
	setSDDL(t, f, "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;BU)")
	if got := sddlOf(t, f); underWine() && !strings.Contains(got, "D:P") {
		t.Skipf("Wine keeps no file security descriptors (reads back %s)", got)
	}
	if why := CheckFile(f); !strings.Contains(why, `BUILTIN\Users`) {
		t.Errorf("CheckFile(file Users may write) = %q, want it to name BUILTIN\\Users", why)
	}
}
