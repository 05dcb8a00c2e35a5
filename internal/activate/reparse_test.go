package activate

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// TestBuildMountPointBytes checks the buffer for C:\g\v against bytes worked
// out by hand from the REPARSE_DATA_BUFFER layout.
func TestBuildMountPointBytes(t *testing.T) {
	want := []byte{
		0x03, 0x00, 0x00, 0xA0, // ReparseTag IO_REPARSE_TAG_MOUNT_POINT
		0x2C, 0x00, // ReparseDataLength 44 = 8 + 36-byte path buffer
		0x00, 0x00, // Reserved
		0x00, 0x00, // SubstituteNameOffset 0
		0x14, 0x00, // SubstituteNameLength 20 (10 UTF-16 units)
		0x16, 0x00, // PrintNameOffset 22 (after the substitute's NUL)
		0x0C, 0x00, // PrintNameLength 12 (6 units)
		// \??\C:\g\v
		0x5C, 0x00, 0x3F, 0x00, 0x3F, 0x00, 0x5C, 0x00, 0x43, 0x00,
		0x3A, 0x00, 0x5C, 0x00, 0x67, 0x00, 0x5C, 0x00, 0x76, 0x00,
		0x00, 0x00, // NUL
		// C:\g\v
		0x43, 0x00, 0x3A, 0x00, 0x5C, 0x00, 0x67, 0x00, 0x5C, 0x00, 0x76, 0x00,
		0x00, 0x00, // NUL
	}
	for _, in := range []string{`C:\g\v`, `C:/g/v`, `\\?\C:\g\v`} {
		got, err := buildMountPoint(in)
		if err != nil {
			t.Fatalf("buildMountPoint(%q): %v", in, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("buildMountPoint(%q) =\n% x\nwant\n% x", in, got, want)
		}
	}
}

func TestBuildMountPointNonASCII(t *testing.T) {
	// U+1F600 needs a surrogate pair: lengths count UTF-16 units, not runes.
	got, err := buildMountPoint("C:\\\U0001F600")
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if sub := le.Uint16(got[10:]); sub != 2*(4+3+2) {
		t.Errorf("substitute length = %d, want 18", sub)
	}
	if n := le.Uint16(got[14:]); n != 2*(3+2) {
		t.Errorf("print length = %d, want 10", n)
	}
	mp, err := parseMountPoint(got)
	if err != nil {
		t.Fatal(err)
	}
	if mp.Target() != "C:\\\U0001F600" {
		t.Errorf("round trip = %q", mp.Target())
	}
}

func TestJunctionNames(t *testing.T) {
	tests := []struct {
		in, sub, print string
		unsupported    bool
		bad            bool
	}{
		{in: `C:\Users\me\govm\versions\go1.22.5`, sub: `\??\C:\Users\me\govm\versions\go1.22.5`, print: `C:\Users\me\govm\versions\go1.22.5`},
		{in: `d:/x`, sub: `\??\d:\x`, print: `d:\x`},
		{in: `\\?\D:\long\path`, sub: `\??\D:\long\path`, print: `D:\long\path`},
		{in: `\\?\Volume{0b1c}\v`, sub: `\??\Volume{0b1c}\v`, print: `\\?\Volume{0b1c}\v`},
		{in: `\\server\share\govm`, unsupported: true},
		{in: `//server/share/govm`, unsupported: true},
		{in: `\\?\UNC\server\share`, unsupported: true},
		{in: `versions\go1.22.5`, bad: true},
		{in: `C:relative`, bad: true},
		{in: `\rooted\no\drive`, bad: true},
		{in: ``, bad: true},
		{in: `1:\x`, bad: true},
	}
	for _, tt := range tests {
		sub, prt, err := junctionNames(tt.in)
		switch {
		case tt.unsupported:
			if !errors.Is(err, ErrLinksUnsupported) {
				t.Errorf("junctionNames(%q) err = %v, want ErrLinksUnsupported", tt.in, err)
			}
		case tt.bad:
			if err == nil || errors.Is(err, ErrLinksUnsupported) {
				t.Errorf("junctionNames(%q) err = %v, want a not-absolute error", tt.in, err)
			} else if !strings.Contains(err.Error(), tt.in) {
				t.Errorf("error %q does not name the input %q", err, tt.in)
			}
		case err != nil:
			t.Errorf("junctionNames(%q): %v", tt.in, err)
		case sub != tt.sub || prt != tt.print:
			t.Errorf("junctionNames(%q) = %q, %q; want %q, %q", tt.in, sub, prt, tt.sub, tt.print)
		}
	}
}

func TestBuildMountPointTooLong(t *testing.T) {
	// 16 KiB of reparse data holds about 4090 UTF-16 units per name pair.
	long := `C:\` + strings.Repeat("a", 4100)
	if _, err := buildMountPoint(long); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("err = %v, want a too-long error", err)
	}
	ok := `C:\` + strings.Repeat("a", 4000)
	if _, err := buildMountPoint(ok); err != nil {
		t.Fatalf("4003-character target: %v", err)
	}
}

func TestParseMountPointRejects(t *testing.T) {
	good, err := buildMountPoint(`C:\g\v`)
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	le := binary.LittleEndian
	tests := []struct {
		name string
		buf  []byte
		want string
	}{
		{"empty", nil, "shorter"},
		{"header only", good[:12], "shorter"},
		{"symlink tag", mutate(func(b []byte) []byte { le.PutUint32(b, 0xA000000C); return b }), "not a mount point"},
		{"data length past end", mutate(func(b []byte) []byte { le.PutUint16(b[4:], 200); return b }), "data length"},
		{"data length below fixed part", mutate(func(b []byte) []byte { le.PutUint16(b[4:], 4); return b }), "data length"},
		{"odd substitute length", mutate(func(b []byte) []byte { le.PutUint16(b[10:], 19); return b }), "substitute"},
		{"print name past end", mutate(func(b []byte) []byte { le.PutUint16(b[12:], 30); return b }), "print"},
		{"truncated buffer", good[:40], "data length"},
	}
	for _, tt := range tests {
		_, err := parseMountPoint(tt.buf)
		if !errors.Is(err, errBadReparse) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want errBadReparse mentioning %q", tt.name, err, tt.want)
		}
	}
}

func TestParseMountPointWithoutTerminators(t *testing.T) {
	// Some tools write names without NUL terminators; the lengths decide.
	b := []byte{0x03, 0x00, 0x00, 0xA0, 0x14, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x04, 0x00,
		'\\', 0, '?', 0, '?', 0, '\\', 0, 'Z', 0, ':', 0}
	mp, err := parseMountPoint(b)
	if err != nil {
		t.Fatal(err)
	}
	if mp.Substitute != `\??\` || mp.Print != `Z:` {
		t.Errorf("got %+v", mp)
	}
}

func TestMountPointTarget(t *testing.T) {
	tests := []struct{ sub, want string }{
		{`\??\C:\g\v`, `C:\g\v`},
		{`\??\Volume{abc}\v`, `\\?\Volume{abc}\v`},
		{`C:\already\plain`, `C:\already\plain`},
	}
	for _, tt := range tests {
		if got := (mountPoint{Substitute: tt.sub}).Target(); got != tt.want {
			t.Errorf("Target(%q) = %q, want %q", tt.sub, got, tt.want)
		}
	}
}

func FuzzParseMountPoint(f *testing.F) {
	for _, p := range []string{`C:\g\v`, `C:\Users\me\govm\versions\go1.22.5`, `\\?\Volume{x}\y`} {
		b, err := buildMountPoint(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x03, 0x00, 0x00, 0xA0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		mp, err := parseMountPoint(b)
		if err != nil {
			return
		}
		// Whatever parses must describe names inside the buffer it came from.
		if 2*len(mp.Substitute) > 3*len(b) || 2*len(mp.Print) > 3*len(b) {
			t.Fatalf("names longer than the buffer could hold: %+v from %d bytes", mp, len(b))
		}
	})
}

func FuzzBuildMountPointRoundTrip(f *testing.F) {
	for _, p := range []string{`C:\g\v`, `d:/a/b`, `\\?\C:\x`, `\\?\Volume{1}\z`, `\\srv\share`, `rel`} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, target string) {
		b, err := buildMountPoint(target)
		if err != nil {
			return
		}
		mp, err := parseMountPoint(b)
		if err != nil {
			t.Fatalf("parse of built %q: %v", target, err)
		}
		sub, prt, _ := junctionNames(target)
		// Invalid UTF-8 is replaced on encoding; compare through the same lens.
		if mp.Substitute != string([]rune(sub)) || mp.Print != string([]rune(prt)) {
			t.Fatalf("round trip of %q = %+v, want %q %q", target, mp, sub, prt)
		}
		if !strings.HasPrefix(mp.Substitute, ntPrefix) {
			t.Fatalf("substitute %q lacks the \\??\\ prefix", mp.Substitute)
		}
	})
}
