package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// gen is a format-neutral entry of the hostile corpus. kind: f file, d dir,
// l symlink, h hard link (tar only), c char device, b block device (tar
// only), p fifo, s socket (zip only).
type gen struct {
	kind byte
	name string
	body string
	link string
}

func (g gen) tar() (tarEntry, bool) {
	e := tarEntry{name: g.name, body: g.body, link: g.link}
	if strings.ContainsRune(g.name, 0) {
		return e, false // tar headers cannot carry a NUL in a name
	}
	switch g.kind {
	case 'f':
		e.typeflag = tar.TypeReg
	case 'd':
		e.typeflag = tar.TypeDir
	case 'l':
		e.typeflag = tar.TypeSymlink
	case 'h':
		e.typeflag = tar.TypeLink
	case 'c':
		e.typeflag = tar.TypeChar
	case 'b':
		e.typeflag = tar.TypeBlock
	case 'p':
		e.typeflag = tar.TypeFifo
	default:
		return e, false
	}
	return e, true
}

func (g gen) zip() (zipEntry, bool) {
	e := zipEntry{name: g.name, body: g.body}
	switch g.kind {
	case 'f':
	case 'd':
		e.mode = fs.ModeDir | 0o755
	case 'l':
		e.mode, e.body = fs.ModeSymlink|0o777, g.link
	case 'c':
		e.mode = fs.ModeDevice | fs.ModeCharDevice | 0o644
	case 'p':
		e.mode = fs.ModeNamedPipe | 0o644
	case 's':
		e.mode = fs.ModeSocket | 0o644
	default:
		return e, false
	}
	return e, true
}

// hostileCase is one way an archive can be unsafe. "$P" in names stands for
// the sandbox's parent directory, so that absolute names point somewhere
// the test can watch rather than at the real /etc.
type hostileCase struct {
	name    string
	entries []gen
	opts    Options
	bad     string // the entry the error must name
	reason  string // a substring of the reason
	limit   bool   // the error must also wrap ErrLimit
}

func hostileCorpus() []hostileCase {
	f := func(name string) gen { return gen{kind: 'f', name: name, body: "x"} }
	ok := f("go/ok.txt")
	big := strings.Repeat("0123456789abcdef", 64) // 1 KiB
	win := Options{Prefix: "go/", WindowsNames: true}
	cases := []hostileCase{
		{name: "absolute", entries: []gen{ok, f("$P/evil")}, bad: "$P/evil", reason: "absolute"},
		{name: "drive letter", entries: []gen{ok, f("C:/evil")}, bad: "C:/evil", reason: "Windows drive"},
		{name: "drive backslash", entries: []gen{ok, f(`C:\evil`)}, bad: `C:\evil`, reason: "backslash"},
		{name: "UNC", entries: []gen{ok, f(`\\server\share\evil`)}, bad: `\\server\share\evil`, reason: "backslash"},
		{name: "dotdot", entries: []gen{ok, f("go/../../evil")}, bad: "go/../../evil", reason: "'..'"},
		{name: "dotdot at start", entries: []gen{ok, f("../evil")}, bad: "../evil", reason: "'..'"},
		{name: "backslash dotdot", entries: []gen{ok, f(`go\..\..\evil`)}, bad: `go\..\..\evil`, reason: "backslash"},
		{name: "NUL", entries: []gen{ok, f("go/a\x00b")}, bad: "go/a\x00b", reason: "NUL"},
		{name: "control char", entries: []gen{ok, f("go/a\x1bb")}, bad: "go/a\x1bb", reason: "control"},
		{name: "symlink absolute", entries: []gen{ok, {kind: 'l', name: "go/abs", link: "$P"}}, bad: "go/abs", reason: "absolute symlink"},
		{name: "symlink dotdot", entries: []gen{ok, {kind: 'l', name: "go/sub/up", link: "../../.."}}, bad: "go/sub/up", reason: "leaves"},
		{name: "symlink through symlink", entries: []gen{ok,
			{kind: 'l', name: "go/a/up", link: ".."},
			{kind: 'l', name: "go/t", link: "a/up/../.."}}, bad: "go/t", reason: "leaves"},
		{name: "symlink inside through symlink is fine", entries: []gen{ok,
			{kind: 'l', name: "go/a/up", link: ".."},
			{kind: 'l', name: "go/t", link: "a/up/.."},
			f("go/../x")}, bad: "go/../x", reason: "'..'"},
		{name: "symlink loop", entries: []gen{ok,
			{kind: 'l', name: "go/x", link: "y"},
			{kind: 'l', name: "go/y", link: "x"}}, reason: "leaves"},
		{name: "entry under symlink", entries: []gen{ok,
			{kind: 'l', name: "go/lnk", link: "."},
			f("go/lnk/evil")}, bad: "go/lnk/evil", reason: "through symlink"},
		{name: "hardlink outside", entries: []gen{ok, {kind: 'h', name: "go/h", link: "../../etc/passwd"}}, bad: "go/h", reason: "hard link target"},
		{name: "hardlink absolute", entries: []gen{ok, {kind: 'h', name: "go/h", link: "$P/x"}}, bad: "go/h", reason: "absolute"},
		{name: "hardlink missing", entries: []gen{ok, {kind: 'h', name: "go/h", link: "go/missing"}}, bad: "go/h", reason: "not an earlier file"},
		{name: "hardlink to later", entries: []gen{{kind: 'h', name: "go/h", link: "go/ok.txt"}, ok}, bad: "go/h", reason: "not an earlier file"},
		{name: "char device", entries: []gen{ok, {kind: 'c', name: "go/tty"}}, bad: "go/tty", reason: "device"},
		{name: "block device", entries: []gen{ok, {kind: 'b', name: "go/sda"}}, bad: "go/sda", reason: "device"},
		{name: "fifo", entries: []gen{ok, {kind: 'p', name: "go/fifo"}}, bad: "go/fifo", reason: "fifo"},
		{name: "socket", entries: []gen{ok, {kind: 's', name: "go/sock"}}, bad: "go/sock", reason: "socket"},
		{name: "duplicate", entries: []gen{ok, f("go/ok.txt")}, bad: "go/ok.txt", reason: "duplicate"},
		{name: "file over dir", entries: []gen{f("go/d/x"), f("go/d")}, bad: "go/d", reason: "conflicts"},
		{name: "dir then file under file", entries: []gen{f("go/d"), f("go/d/x")}, bad: "go/d/x", reason: "not a directory"},
		{name: "outside prefix", entries: []gen{ok, f("other/x")}, opts: Options{Prefix: "go"}, bad: "other/x", reason: "outside the expected prefix"},
		{name: "prefix lookalike", entries: []gen{ok, f("gopher/x")}, opts: Options{Prefix: "go/"}, bad: "gopher/x", reason: "outside the expected prefix"},
		{name: "too many files", entries: []gen{ok, f("go/2"), f("go/3")}, opts: Options{Limits: Limits{MaxFiles: 2}}, bad: "go/3", reason: "MaxFiles", limit: true},
		{name: "file too big", entries: []gen{ok, {kind: 'f', name: "go/big", body: big}}, opts: Options{Limits: Limits{MaxFileBytes: 1000}}, bad: "go/big", reason: "MaxFileBytes", limit: true},
		{name: "total too big", entries: []gen{ok, {kind: 'f', name: "go/b1", body: big}, {kind: 'f', name: "go/b2", body: big}}, opts: Options{Limits: Limits{MaxTotalBytes: 1500}}, bad: "go/b2", reason: "MaxTotalBytes", limit: true},
		{name: "case collision", entries: []gen{ok, f("go/README"), f("go/readme")}, opts: Options{CaseInsensitive: true}, bad: "go/readme", reason: "case"},
		{name: "case collision in directory", entries: []gen{ok, f("go/Src/a"), f("go/src/b")}, opts: Options{CaseInsensitive: true}, bad: "go/src/b", reason: "case"},
		{name: "case collision non-ASCII", entries: []gen{ok, f("go/ÄRGER"), f("go/ärger")}, opts: Options{CaseInsensitive: true}, bad: "go/ärger", reason: "case"},
	}
	for _, n := range []string{"CON", "con.txt", "Nul", "nul.tar.gz", "NUL .txt", "aux", "prn.h", "COM1", "com9.go", "LPT1", "lpt¹", "COM²", "conin$", "CONOUT$"} {
		cases = append(cases, hostileCase{name: "reserved " + n, entries: []gen{ok, f("go/" + n)}, opts: win, bad: "go/" + n, reason: "reserved"})
	}
	cases = append(cases, hostileCase{name: "reserved dir", entries: []gen{ok, f("go/aux/x.go")}, opts: win, bad: "go/aux/x.go", reason: "reserved"})
	for _, n := range []string{"a.", "a ", "dir./x"} {
		cases = append(cases, hostileCase{name: "trailing " + n, entries: []gen{ok, f("go/" + n)}, opts: win, bad: "go/" + n, reason: "trailing"})
	}
	for _, c := range `<>:"|?*` {
		n := "go/a" + string(c) + "b"
		cases = append(cases, hostileCase{name: "char " + string(c), entries: []gen{ok, f(n)}, opts: win, bad: n, reason: "not allowed on Windows"})
	}
	return cases
}

func (c hostileCase) subst(parent string) ([]gen, string) {
	p := filepath.ToSlash(parent)
	entries := make([]gen, len(c.entries))
	for i, e := range c.entries {
		e.name = strings.ReplaceAll(e.name, "$P", p)
		e.link = strings.ReplaceAll(e.link, "$P", p)
		entries[i] = e
	}
	return entries, strings.ReplaceAll(c.bad, "$P", p)
}

func checkHostile(t *testing.T, c hostileCase, bad string, err error) {
	t.Helper()
	var ue *UnsafeEntryError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUnsafe) {
		t.Fatalf("error %v (%T), want *UnsafeEntryError wrapping ErrUnsafe", err, err)
	}
	if bad != "" && ue.Entry != bad {
		t.Errorf("error names entry %q, want %q", ue.Entry, bad)
	}
	if !strings.Contains(ue.Reason, c.reason) {
		t.Errorf("reason %q does not mention %q", ue.Reason, c.reason)
	}
	if c.limit != errors.Is(err, ErrLimit) {
		t.Errorf("errors.Is(err, ErrLimit) = %v, want %v", !c.limit, c.limit)
	}
}

func TestHostileTarGz(t *testing.T) {
	for _, c := range hostileCorpus() {
		t.Run(c.name, func(t *testing.T) {
			out, parent := sandbox(t)
			entries, bad := c.subst(parent)
			var tes []tarEntry
			for _, g := range entries {
				e, ok := g.tar()
				if !ok {
					t.Skipf("tar cannot hold entry kind %c", g.kind)
				}
				tes = append(tes, e)
			}
			_, err := ExtractTarGz(context.Background(), bytes.NewReader(makeTarGz(t, tes...)), out, c.opts)
			checkHostile(t, c, bad, err)
			assertConfined(t, parent, out)
		})
	}
}

func TestHostileZip(t *testing.T) {
	for _, c := range hostileCorpus() {
		t.Run(c.name, func(t *testing.T) {
			out, parent := sandbox(t)
			entries, bad := c.subst(parent)
			var zes []zipEntry
			for _, g := range entries {
				e, ok := g.zip()
				if !ok {
					t.Skipf("zip cannot hold entry kind %c", g.kind)
				}
				zes = append(zes, e)
			}
			data := makeZip(t, zes...)
			_, err := ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, c.opts)
			checkHostile(t, c, bad, err)
			assertConfined(t, parent, out)
		})
	}
}

func TestTarShortBody(t *testing.T) {
	out, parent := sandbox(t)
	data := makeTarGz(t, file("go/ok", "x"), tarEntry{name: "go/short", typeflag: tar.TypeReg, body: strings.Repeat("y", 5000), short: 100})
	_, err := ExtractTarGz(context.Background(), bytes.NewReader(data), out, Options{})
	checkHostile(t, hostileCase{reason: "shorter"}, "go/short", err)
	assertConfined(t, parent, out)
}

func TestZipSizeLies(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		declared uint64
		reason   string
	}{
		{"longer than declared", strings.Repeat("z", 5000), 100, "longer"},
		{"shorter than declared", strings.Repeat("z", 100), 5000, "shorter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, parent := sandbox(t)
			data := makeZip(t, zipEntry{name: "go/ok", body: "x"}, zipEntry{name: "go/liar", body: tc.body, declared: tc.declared})
			_, err := ExtractZip(context.Background(), bytes.NewReader(data), int64(len(data)), out, Options{})
			checkHostile(t, hostileCase{reason: tc.reason}, "go/liar", err)
			assertConfined(t, parent, out)
		})
	}
}
