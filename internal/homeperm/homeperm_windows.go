//go:build windows

package homeperm

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Secure gives root, the machine-wide home (created if missing), the
// descriptor SDDL: owned by Administrators, a protected DACL in which only
// SYSTEM and Administrators may write, inherited by everything below.
// Windows propagates the new inheritable entries to existing folders and
// files, so a home made by an older govm (which inherited "Users may create
// files and folders" from C:\ProgramData) is repaired on the spot. When the
// descriptor is already right it costs one read, so administrators'
// commands call it every time. Callers must hold administrator rights: for
// anyone else, cutting inheritance would lock them out of what they write.
//
// It also makes Administrators the owner of whatever this process creates
// from then on (the token's default owner), as the "Administrators group"
// owner policy would: with "object creator", the default on client
// editions, an administrator's installs would be owned by their own
// account, which other users' govm cannot tell from a planter's.
//
// Directories below root keep their owner, with one exception: versions
// owned by the calling administrator's own account (the "object creator"
// owner policy) goes to Administrators, so that other users trust it. A
// directory a user created there before may hold a planted toolchain, and
// giving it to Administrators would hide that: the returned error is an
// *Unsafe when root\versions is such a directory.
func Secure(root string) error {
	ownNewObjectsAsAdministrators()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	d, err := readDescriptor(root)
	if err != nil {
		return err
	}
	if needsSecuring(d) {
		if err := Apply(root); err != nil {
			return err
		}
	}
	versions := filepath.Join(root, "versions")
	fi, err := os.Stat(versions)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if vd, err := readDescriptor(versions); err == nil && vd.Owner != "" && vd.Owner == selfSID() {
		if err := setOwnerAdministrators(versions); err != nil {
			return err
		}
	}
	if why := Check(versions, fi); why != "" {
		return &Unsafe{Dir: versions, Reason: why}
	}
	return nil
}

// Apply writes SDDL on dir unconditionally (Secure calls it when needed).
// When the token may not name Administrators as owner (ERROR_INVALID_OWNER)
// it sets the DACL alone, which is what protects the home.
func Apply(dir string) error {
	sd, err := windows.SecurityDescriptorFromString(SDDL)
	if err != nil {
		return err
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	const info = windows.DACL_SECURITY_INFORMATION | windows.PROTECTED_DACL_SECURITY_INFORMATION
	err = windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, info|windows.OWNER_SECURITY_INFORMATION, owner, nil, dacl, nil)
	if errors.Is(err, windows.ERROR_INVALID_OWNER) {
		err = windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, info, nil, nil, dacl, nil)
	}
	runtime.KeepAlive(sd)
	if err != nil {
		return &os.PathError{Op: "set security descriptor", Path: dir, Err: err}
	}
	return nil
}

// tokenOwner is TOKEN_OWNER (winnt.h).
type tokenOwner struct {
	Owner *windows.SID
}

// ownNewObjectsAsAdministrators sets this process's default owner to
// BUILTIN\Administrators, which an elevated token may name (the group is
// in it with SE_GROUP_OWNER). Best effort: where it fails (a token without
// the group, SYSTEM's), new objects keep the token's owner, which Check
// trusts when it is SYSTEM.
func ownNewObjectsAsAdministrators() {
	var tok windows.Token
	if err := windows.OpenProcessToken(windows.CurrentProcess(), windows.TOKEN_ADJUST_DEFAULT|windows.TOKEN_QUERY, &tok); err != nil {
		return
	}
	defer tok.Close()
	ba, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if err != nil {
		return
	}
	to := tokenOwner{Owner: ba}
	_ = windows.SetTokenInformation(tok, windows.TokenOwner, (*byte)(unsafe.Pointer(&to)), uint32(unsafe.Sizeof(to)))
	runtime.KeepAlive(ba)
}

func setOwnerAdministrators(dir string) error {
	ba, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if err != nil {
		return err
	}
	err = windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION, ba, nil, nil, nil)
	if err != nil && !errors.Is(err, windows.ERROR_INVALID_OWNER) {
		return &os.PathError{Op: "set owner", Path: dir, Err: err}
	}
	return nil
}

// Check says why dir can be written by users other than administrators
// and the caller, or "" when it cannot: an owner other than SYSTEM,
// Administrators, TrustedInstaller, the caller or an administrator's own
// account, or a DACL entry that lets Everyone, Authenticated Users, Users
// (and similar groups of ordinary accounts) create, delete or re-permission
// entries. fi is not used on Windows; the cost is one GetNamedSecurityInfo
// call (plus a token query and a group lookup when the owner is none of the
// well-known trusted ones). A descriptor that cannot be read is not trusted.
func Check(dir string, _ fs.FileInfo) string {
	d, err := readDescriptor(dir)
	if err != nil {
		return "its access control list cannot be read: " + err.Error()
	}
	also := ""
	if !trustedOwner(d.Owner, "") {
		also = selfSID()
		if d.Owner != also && administratorAccount(d.Owner) {
			also = d.Owner
		}
	}
	return judgeDescriptor(d, also)
}

// CheckFile says why the file at path, the machine config that sets the
// policy for every user, can be changed by users other than administrators
// and the caller, or "" when it cannot. Only the file is judged: the folder
// holding it (under C:\ProgramData, where Users may create files) cannot be
// used to replace a file another account owns without the right to delete
// it, and a file put in its place would be owned by whoever put it there.
func CheckFile(path string) string {
	return Check(path, nil)
}

var procNetUserGetLocalGroups = windows.NewLazySystemDLL("netapi32.dll").NewProc("NetUserGetLocalGroups")

// administratorAccount reports whether sid is a user account in the local
// Administrators group, directly or through a domain group. Files and
// folders an administrator creates are owned by their own account, not by
// Administrators, where the policy "default owner for objects created by
// members of the Administrators group" is "object creator" (the default on
// client editions of Windows): such an owner is as trusted as the group.
func administratorAccount(sidText string) bool {
	if procNetUserGetLocalGroups.Find() != nil {
		return false
	}
	sid, err := windows.StringToSid(sidText)
	if err != nil {
		return false
	}
	account, domain, use, err := sid.LookupAccount("")
	if err != nil || use != windows.SidTypeUser {
		return false
	}
	admins, err := windows.CreateWellKnownSid(windows.WinBuiltinAdministratorsSid)
	if err != nil {
		return false
	}
	// Group names are localised ("Administratoren"): compare with this
	// machine's name for the well-known group.
	adminsName, _, _, err := admins.LookupAccount("")
	if err != nil {
		return false
	}
	name, err := windows.UTF16PtrFromString(domain + `\` + account)
	if err != nil {
		return false
	}
	const (
		lgIncludeIndirect  = 1          // LG_INCLUDE_INDIRECT: through global groups too
		maxPreferredLength = 0xFFFFFFFF // MAX_PREFERRED_LENGTH
	)
	var buf *byte
	var read, total uint32
	r, _, _ := procNetUserGetLocalGroups.Call(0, uintptr(unsafe.Pointer(name)), 0, lgIncludeIndirect,
		uintptr(unsafe.Pointer(&buf)), maxPreferredLength, uintptr(unsafe.Pointer(&read)), uintptr(unsafe.Pointer(&total)))
	if buf != nil {
		defer windows.NetApiBufferFree(buf)
	}
	if r != 0 || buf == nil {
		return false
	}
	// LOCALGROUP_USERS_INFO_0 holds one field, the group's name.
	for _, g := range unsafe.Slice((**uint16)(unsafe.Pointer(buf)), read) {
		if strings.EqualFold(windows.UTF16PtrToString(g), adminsName) {
			return true
		}
	}
	return false
}

// selfSID is the calling process's user SID, or "".
func selfSID() string {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return ""
	}
	return u.User.Sid.String()
}

// readDescriptor reads dir's owner and DACL.
func readDescriptor(dir string) (descriptor, error) {
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return descriptor{}, &os.PathError{Op: "read security descriptor", Path: dir, Err: err}
	}
	if sd == nil {
		return descriptor{NullDACL: true}, nil
	}
	return parseDescriptor(sd)
}

// parseDescriptor converts sd into the portable form judged in homeperm.go.
func parseDescriptor(sd *windows.SECURITY_DESCRIPTOR) (descriptor, error) {
	defer runtime.KeepAlive(sd) // the ACEs below point into it
	var d descriptor
	if owner, _, err := sd.Owner(); err == nil && owner != nil {
		d.Owner = owner.String()
	}
	ctrl, _, err := sd.Control()
	if err != nil {
		return d, err
	}
	d.Protected = ctrl&windows.SE_DACL_PROTECTED != 0
	dacl, _, err := sd.DACL()
	switch {
	case errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND):
		d.NullDACL = true
		return d, nil
	case err != nil:
		return d, err
	case dacl == nil:
		d.NullDACL = true
		return d, nil
	}
	for i := range uint32(dacl.AceCount) {
		var a *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &a); err != nil {
			return d, err
		}
		e := ace{Type: a.Header.AceType, Flags: a.Header.AceFlags, Mask: uint32(a.Mask)}
		switch e.Type {
		case aceAllowed, windows.ACCESS_DENIED_ACE_TYPE, aceAllowedCallback, aceDeniedCallback:
			// These share ACCESS_ALLOWED_ACE's layout: the SID follows the mask.
			e.SID = (*windows.SID)(unsafe.Pointer(&a.SidStart)).String()
		}
		d.ACEs = append(d.ACEs, e)
	}
	return d, nil
}

// CheckHome returns an *Unsafe when the machine-wide home at root lets
// users other than administrators (and the caller) change its versions.
// On Windows it reads root\versions' descriptor alone (one
// GetNamedSecurityInfo call): its effective DACL includes what it inherits
// from root, which is where a writable root shows (C:\ProgramData's "Users
// may create" entry), and its owner shows a versions folder a user made.
func CheckHome(root string, versionsInfo fs.FileInfo) error {
	versions := filepath.Join(root, "versions")
	if why := Check(versions, versionsInfo); why != "" {
		return &Unsafe{Dir: versions, Reason: why}
	}
	return nil
}
