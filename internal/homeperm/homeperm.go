// Package homeperm keeps the machine-wide govm home (%ProgramData%\govm,
// /opt/govm) writable by administrators only, and tells a user's govm when
// it is not.
//
// Every user's govm and shims run the toolchains of the machine-wide store.
// Whoever can create a directory there can therefore plant a go binary (and
// its install record) that every other user, administrators included, runs:
// a privilege escalation on shared machines. On Windows that is the default:
// C:\ProgramData lets BUILTIN\Users create folders and files in its
// subfolders. So an administrator's command that writes the machine-wide
// home first calls Secure, and a user's govm reads the store only when Check
// finds nobody but administrators (and that user) able to write it.
package homeperm

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
)

// SDDL is the security descriptor Secure gives the machine-wide home on
// Windows: owned by Administrators; a protected DACL (nothing inherited from
// ProgramData) in which SYSTEM and Administrators have full control and
// Users read and execute (0x1200a9: read data, read attributes and extended
// attributes, execute/traverse, read control, synchronize), each inherited
// by every folder and file below.
const SDDL = "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)"

// Well-known SIDs the judgement needs, as strings so that the logic below
// is portable and table-tested on every OS.
const (
	sidSystem         = "S-1-5-18"
	sidAdministrators = "S-1-5-32-544"
	sidUsers          = "S-1-5-32-545"
	sidTrustedInstall = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
)

// broadSIDs are groups that ordinary, non-administrator accounts belong to:
// a write grant to any of them lets a non-administrator plant a toolchain.
var broadSIDs = map[string]string{
	"S-1-1-0":      "Everyone",
	"S-1-2-0":      "LOCAL",
	"S-1-2-1":      "CONSOLE LOGON",
	"S-1-5-2":      "NETWORK",
	"S-1-5-4":      "INTERACTIVE",
	"S-1-5-7":      "ANONYMOUS LOGON",
	"S-1-5-11":     "Authenticated Users",
	"S-1-5-13":     "TERMINAL SERVER USER",
	"S-1-5-14":     "REMOTE INTERACTIVE LOGON",
	sidUsers:       `BUILTIN\Users`,
	"S-1-5-32-546": `BUILTIN\Guests`,
	"S-1-5-32-555": `BUILTIN\Remote Desktop Users`,
}

// broadName names sid when it is a group of ordinary accounts, including a
// domain's Domain Users (RID 513) and Domain Guests (RID 514).
func broadName(sid string) (string, bool) {
	if n, ok := broadSIDs[sid]; ok {
		return n, true
	}
	if strings.HasPrefix(sid, "S-1-5-21-") {
		switch {
		case strings.HasSuffix(sid, "-513"):
			return "Domain Users (" + sid + ")", true
		case strings.HasSuffix(sid, "-514"):
			return "Domain Guests (" + sid + ")", true
		}
	}
	return "", false
}

// Access rights that let a principal change what a directory holds: create
// files or subdirectories (FILE_ADD_FILE, FILE_ADD_SUBDIRECTORY), delete or
// rename entries (DELETE, FILE_DELETE_CHILD), or take the right to do so
// (WRITE_DAC, WRITE_OWNER), directly or through generic rights. Writing
// attributes or extended attributes alone cannot plant a binary.
const (
	fileAddFile      = 0x2
	fileAddSubdir    = 0x4
	fileDeleteChild  = 0x40
	deleteRight      = 0x10000
	writeDAC         = 0x40000
	writeOwner       = 0x80000
	genericAll       = 0x10000000
	genericWrite     = 0x40000000
	writeMask        = fileAddFile | fileAddSubdir | fileDeleteChild | deleteRight | writeDAC | writeOwner | genericAll | genericWrite
	fileAllAccess    = 0x1f01ff
	usersReadExecute = 0x1200a9
)

// ACE flags and types (winnt.h).
const (
	aceObjectInherit    = 0x1
	aceContainerInherit = 0x2
	aceInheritOnly      = 0x8
	aceInherited        = 0x10

	aceAllowed               = 0
	aceAllowedObject         = 5
	aceAllowedCallback       = 9
	aceDeniedCallback        = 0xa
	aceAllowedCallbackObject = 0xb
)

// ace is one access control entry, read from Windows' binary form; SID is
// in string form ("S-1-5-32-545").
type ace struct {
	Type  uint8
	Flags uint8
	Mask  uint32
	SID   string
}

// descriptor is what the judgement needs of a Windows security descriptor.
type descriptor struct {
	Owner     string
	Protected bool
	// NullDACL: no DACL at all, which grants everyone everything.
	NullDACL bool
	ACEs     []ace
}

// trustedOwner reports whether sid may own a machine-wide directory or
// file: the owner can always rewrite the DACL, so only SYSTEM,
// Administrators, TrustedInstaller and the account also names (the calling
// user, who trusts themselves, or an administrator's own account) qualify.
func trustedOwner(sid, also string) bool {
	switch sid {
	case sidSystem, sidAdministrators, sidTrustedInstall:
		return true
	}
	return sid != "" && sid == also
}

// judgeDescriptor says why an object with descriptor d can be written by
// non-administrators other than also (the calling user's SID, or the owner
// when it is an administrator's account), or "" when it cannot. Inherit-only entries count too: they make every folder below
// writable.
func judgeDescriptor(d descriptor, also string) string {
	if d.NullDACL {
		return "it has no access control list, which lets everyone write it"
	}
	for _, a := range d.ACEs {
		switch a.Type {
		case aceAllowed, aceAllowedCallback:
		case aceAllowedObject, aceAllowedCallbackObject:
			// Object entries carry their SID at another offset and are
			// never seen on files: refuse rather than guess.
			return fmt.Sprintf("its access control list holds an entry of type %d that govm cannot judge", a.Type)
		default:
			continue // deny entries (not weighed against grants: fail closed), audit entries
		}
		if a.Mask&writeMask == 0 {
			continue
		}
		name, ok := broadName(a.SID)
		if !ok {
			continue
		}
		where := "it"
		if a.Flags&aceInheritOnly != 0 {
			where = "the folders and files below it"
		}
		how := ""
		if a.Flags&aceInherited != 0 {
			how = " (inherited from its parent)"
		}
		return fmt.Sprintf("its access control list lets %s write %s%s", name, where, how)
	}
	if !trustedOwner(d.Owner, also) {
		return "it is owned by " + d.Owner + ", not by SYSTEM, Administrators or an administrator's account, and an owner can always grant itself write access"
	}
	return ""
}

// needsSecuring reports whether Secure must (re)write the machine-wide
// root's descriptor: it is not the protected, administrator-owned one with
// the three entries of SDDL, or it lets non-administrators write. Entries an
// administrator added that grant nothing unsafe are left alone.
func needsSecuring(d descriptor) bool {
	if !d.Protected || judgeDescriptor(d, "") != "" {
		return true
	}
	if d.Owner != sidAdministrators && d.Owner != sidSystem {
		return true
	}
	has := func(sid string, mask uint32) bool {
		return slices.ContainsFunc(d.ACEs, func(a ace) bool {
			return a.Type == aceAllowed && a.SID == sid && a.Mask&mask == mask &&
				a.Flags&(aceObjectInherit|aceContainerInherit) == aceObjectInherit|aceContainerInherit &&
				a.Flags&aceInheritOnly == 0
		})
	}
	return !has(sidSystem, fileAllAccess) || !has(sidAdministrators, fileAllAccess) || !has(sidUsers, usersReadExecute)
}

// judgeMode says why a Unix directory owned by uid with mode can be written
// by users other than root and self (the calling user's effective uid), or
// "" when it cannot. Group write counts: the group is rarely "admins only",
// and govm cannot tell. A sticky bit does not help: it stops users from
// replacing others' entries, not from creating a new version directory.
func judgeMode(uid, self uint32, mode fs.FileMode) string {
	if uid != 0 && uid != self {
		return "it is owned by uid " + strconv.FormatUint(uint64(uid), 10) + ", not root"
	}
	switch perm := mode.Perm(); {
	case perm&0o002 != 0:
		return fmt.Sprintf("it is world-writable (mode %04o)", perm)
	case perm&0o020 != 0:
		return fmt.Sprintf("it is group-writable (mode %04o)", perm)
	}
	return ""
}

// judgeFileDir says why a Unix directory owned by uid with mode lets users
// other than root and self replace a file in it, or "" when it does not. A
// sticky directory (such as /tmp) is fine when its owner is trusted: there
// nobody but the file's owner, the directory's owner and root may rename
// or remove the file, and the file's owner is checked on its own.
func judgeFileDir(uid, self uint32, mode fs.FileMode) string {
	if mode&fs.ModeSticky != 0 && (uid == 0 || uid == self) {
		return ""
	}
	return judgeMode(uid, self, mode)
}

// Unsafe is why a directory of the machine-wide home is not trusted.
type Unsafe struct {
	Dir    string
	Reason string
}

func (u *Unsafe) Error() string {
	return u.Dir + " can be written by users who are not administrators: " + u.Reason
}
