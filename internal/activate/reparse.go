package activate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// The REPARSE_DATA_BUFFER of a junction (IO_REPARSE_TAG_MOUNT_POINT), as
// documented for FSCTL_SET_REPARSE_POINT; all fields are little-endian:
//
//	0  uint32 ReparseTag           0xA0000003
//	4  uint16 ReparseDataLength    bytes after this 8-byte header
//	6  uint16 Reserved             0
//	8  uint16 SubstituteNameOffset bytes into PathBuffer
//	10 uint16 SubstituteNameLength bytes, without the NUL
//	12 uint16 PrintNameOffset
//	14 uint16 PrintNameLength
//	16 PathBuffer                  UTF-16LE names, each NUL-terminated
//
// It lives in portable code so Linux tests can check it byte for byte.
const (
	tagMountPoint       = 0xA0000003
	reparseHeaderSize   = 8
	mountPointFixedSize = 8 // the four offsets and lengths
	// maxReparseSize is MAXIMUM_REPARSE_DATA_BUFFER_SIZE: the kernel rejects
	// anything larger.
	maxReparseSize = 16 * 1024
	ntPrefix       = `\??\`
	win32Prefix    = `\\?\`
)

// errBadReparse is wrapped by every parse failure of a reparse buffer.
var errBadReparse = errors.New("malformed junction reparse data")

// junctionNames returns the substitute name (the NT path the kernel follows,
// `\??\C:\dir`) and the print name (what dir and Explorer show, `C:\dir`)
// for an absolute local Windows path. Forward slashes are accepted.
// Network targets wrap ErrLinksUnsupported: junctions only point to local
// volumes.
func junctionNames(target string) (substitute, print string, err error) {
	p := strings.ReplaceAll(target, "/", `\`)
	switch {
	case strings.HasPrefix(p, win32Prefix+`UNC\`), strings.HasPrefix(p, `\\`) && !strings.HasPrefix(p, win32Prefix):
		return "", "", fmt.Errorf("junction target %s: %w: junctions cannot point to network paths", target, ErrLinksUnsupported)
	case strings.HasPrefix(p, win32Prefix):
		rest := p[len(win32Prefix):]
		if isDriveAbs(rest) {
			return ntPrefix + rest, rest, nil
		}
		return ntPrefix + rest, p, nil
	case isDriveAbs(p):
		return ntPrefix + p, p, nil
	}
	return "", "", fmt.Errorf("junction target '%s': not an absolute path with a drive letter", target)
}

// isDriveAbs reports a path of the form `C:\...`.
func isDriveAbs(p string) bool {
	if len(p) < 3 || p[1] != ':' || p[2] != '\\' {
		return false
	}
	c := p[0] | 0x20
	return 'a' <= c && c <= 'z'
}

// buildMountPoint returns the reparse buffer that makes a directory a
// junction to target.
func buildMountPoint(target string) ([]byte, error) {
	sub, prt, err := junctionNames(target)
	if err != nil {
		return nil, err
	}
	s16 := utf16.Encode([]rune(sub))
	p16 := utf16.Encode([]rune(prt))
	subLen := 2 * len(s16)
	prtLen := 2 * len(p16)
	pathBuf := subLen + 2 + prtLen + 2
	total := reparseHeaderSize + mountPointFixedSize + pathBuf
	if total > maxReparseSize {
		return nil, fmt.Errorf("junction target %s: path too long for a junction (%d bytes of reparse data, at most %d)", target, total, maxReparseSize)
	}
	b := make([]byte, total)
	le := binary.LittleEndian
	le.PutUint32(b[0:], tagMountPoint)
	le.PutUint16(b[4:], uint16(mountPointFixedSize+pathBuf))
	le.PutUint16(b[8:], 0)
	le.PutUint16(b[10:], uint16(subLen))
	le.PutUint16(b[12:], uint16(subLen+2))
	le.PutUint16(b[14:], uint16(prtLen))
	off := reparseHeaderSize + mountPointFixedSize
	for _, u := range s16 {
		le.PutUint16(b[off:], u)
		off += 2
	}
	off += 2 // NUL after the substitute name
	for _, u := range p16 {
		le.PutUint16(b[off:], u)
		off += 2
	}
	return b, nil
}

// mountPoint is a parsed junction reparse buffer.
type mountPoint struct {
	Substitute string
	Print      string
}

// parseMountPoint decodes a junction reparse buffer as returned by
// FSCTL_GET_REPARSE_POINT. It checks the tag, that the data length matches
// the buffer, and that both names lie inside the path buffer with even
// lengths; NUL terminators are not required (the kernel does not need them).
func parseMountPoint(b []byte) (mountPoint, error) {
	le := binary.LittleEndian
	if len(b) < reparseHeaderSize+mountPointFixedSize {
		return mountPoint{}, fmt.Errorf("%w: %d bytes, shorter than the %d-byte header", errBadReparse, len(b), reparseHeaderSize+mountPointFixedSize)
	}
	if tag := le.Uint32(b[0:]); tag != tagMountPoint {
		return mountPoint{}, fmt.Errorf("%w: tag %#x is not a mount point (%#x)", errBadReparse, tag, uint32(tagMountPoint))
	}
	dataLen := int(le.Uint16(b[4:]))
	if dataLen < mountPointFixedSize || reparseHeaderSize+dataLen > len(b) {
		return mountPoint{}, fmt.Errorf("%w: data length %d does not fit a %d-byte buffer", errBadReparse, dataLen, len(b))
	}
	path := b[reparseHeaderSize+mountPointFixedSize : reparseHeaderSize+dataLen]
	name := func(off, n uint16, what string) (string, error) {
		o, l := int(off), int(n)
		if o%2 != 0 || l%2 != 0 || o+l > len(path) {
			return "", fmt.Errorf("%w: %s name at %d+%d outside a %d-byte path buffer", errBadReparse, what, o, l, len(path))
		}
		u := make([]uint16, l/2)
		for i := range u {
			u[i] = le.Uint16(path[o+2*i:])
		}
		return string(utf16.Decode(u)), nil
	}
	sub, err := name(le.Uint16(b[8:]), le.Uint16(b[10:]), "substitute")
	if err != nil {
		return mountPoint{}, err
	}
	prt, err := name(le.Uint16(b[12:]), le.Uint16(b[14:]), "print")
	if err != nil {
		return mountPoint{}, err
	}
	return mountPoint{Substitute: sub, Print: prt}, nil
}

// Target returns the Win32 path the junction points to: the substitute name
// without its `\??\` prefix, or with `\\?\` for volume GUID paths that have
// no drive letter.
func (m mountPoint) Target() string {
	rest, ok := strings.CutPrefix(m.Substitute, ntPrefix)
	if !ok {
		return m.Substitute
	}
	if isDriveAbs(rest) {
		return rest
	}
	return win32Prefix + rest
}
