package release

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
	"os"
	"path/filepath"
	"testing"
)

const (
	sumA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	sumB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func TestParseArchiveName(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		version, goos, goarch string
		format                Format
		prefix                string
		bad                   bool
	}{
		{name: "go1.22.5.linux-amd64.tar.gz", version: "go1.22.5", goos: "linux", goarch: "amd64", format: TarGz, prefix: "go/"},
		{name: "go1.22.5.windows-amd64.zip", version: "go1.22.5", goos: "windows", goarch: "amd64", format: Zip, prefix: "go/"},
		{name: "go1.23rc1.linux-armv6l.tar.gz", version: "go1.23rc1", goos: "linux", goarch: "arm", format: TarGz, prefix: "go/"},
		{name: "go1.20.darwin-arm64.tar.gz", version: "go1.20", goos: "darwin", goarch: "arm64", format: TarGz, prefix: "go/"},
		{name: "v0.0.1-go1.22.5.linux-amd64.zip", version: "go1.22.5", goos: "linux", goarch: "amd64", format: Zip,
			prefix: "golang.org/toolchain@v0.0.1-go1.22.5.linux-amd64/"},
		{name: "v0.0.1-go1.22.5.linux-amd64.tar.gz", bad: true},
		{name: "go1.22.5.src.tar.gz", bad: true},
		{name: "go1.22.5.windows-amd64.msi", bad: true},
		{name: "go1.22.5.linux.tar.gz", bad: true},
		{name: "1.22.5.linux-amd64.tar.gz", bad: true},
		{name: "gox.linux-amd64.tar.gz", bad: true},
		{name: "go1.22.5.linux-amd64-extra.tar.gz", bad: true},
		{name: ".tar.gz", bad: true},
	} {
		an, err := ParseArchiveName(tc.name)
		if tc.bad {
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.name) {
				t.Errorf("ParseArchiveName(%s) err = %v, want ErrMalformed naming it", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseArchiveName(%s): %v", tc.name, err)
			continue
		}
		if an.Version.String() != tc.version || an.OS != tc.goos || an.Arch != tc.goarch || an.Format != tc.format || an.Prefix != tc.prefix {
			t.Errorf("ParseArchiveName(%s) = %+v", tc.name, an)
		}
	}
}

func FuzzParseArchiveName(f *testing.F) {
	for _, s := range []string{"go1.22.5.linux-amd64.tar.gz", "v0.0.1-go1.21rc2.windows-arm64.zip", "go1.22.5.src.tar.gz", "go..-.zip"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		an, err := ParseArchiveName(name)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if an.Version.IsZero() || an.OS == "" || an.Arch == "" || !strings.HasSuffix(an.Prefix, "/") {
			t.Fatalf("%q parsed to %+v", name, an)
		}
		if f, ok := formatOf(name); !ok || f != an.Format {
			t.Fatalf("%q: format %q", name, an.Format)
		}
	})
}

func TestParseSumFile(t *testing.T) {
	const name = "go1.22.5.linux-amd64.tar.gz"
	for _, tc := range []struct {
		desc, data, want string
	}{
		{"bare", sumB + "\n", sumB},
		{"bare upper case", strings.ToUpper(sumB), sumB},
		{"sha256sum", sumB + "  " + name + "\n", sumB},
		{"binary mode", sumB + " *" + name + "\n", sumB},
		{"several files", sumA + "  other.tar.gz\n" + sumB + "  " + name + "\n", sumB},
		{"only another file", sumA + "  other.tar.gz\n", ""},
		{"not hex", "zz" + sumB[2:], ""},
		{"short", "abc  " + name, ""},
		{"empty", "", ""},
	} {
		got, err := parseSumFile([]byte(tc.data), name)
		if tc.want == "" {
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: got %q, err %v; want ErrMalformed", tc.desc, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.desc, got, err, tc.want)
		}
	}
}

func FuzzParseSumFile(f *testing.F) {
	f.Add([]byte(sumB+"  go1.22.5.linux-amd64.tar.gz\n"), "go1.22.5.linux-amd64.tar.gz")
	f.Add([]byte(sumA), "x.zip")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		sum, err := parseSumFile(data, name)
		if err == nil && (len(sum) != 64 || strings.ToLower(sum) != sum || !hex64.MatchString(sum)) {
			t.Fatalf("accepted %q", sum)
		}
	})
}

// writeArchive puts a fake archive named name in a fresh directory.
func writeArchive(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(tempdir.New(t), name)
	if err := os.WriteFile(p, []byte("not really a tarball"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNewFileHash(t *testing.T) {
	const name = "go1.22.5.linux-amd64.tar.gz"
	for _, tc := range []struct {
		desc     string
		arg      string
		sidecar  string // written to <path>.sha256 when non-empty
		insecure bool
		want     Hash
		err      error
	}{
		{desc: "argument", arg: strings.ToUpper(sumA), want: Hash{Kind: SHA256, Value: sumA}},
		{desc: "argument wins over sidecar", arg: sumA, sidecar: sumB, want: Hash{Kind: SHA256, Value: sumA}},
		{desc: "sidecar sha256sum", sidecar: sumB + "  " + name + "\n", want: Hash{Kind: SHA256, Value: sumB}},
		{desc: "sidecar bare", sidecar: sumB, want: Hash{Kind: SHA256, Value: sumB}},
		{desc: "sidecar for another file", sidecar: sumB + "  go1.21.0.linux-amd64.tar.gz\n", err: ErrMalformed},
		{desc: "sidecar wins over insecure", sidecar: sumB, insecure: true, want: Hash{Kind: SHA256, Value: sumB}},
		{desc: "nothing", err: ErrInsecure},
		{desc: "nothing but insecure", insecure: true, want: Hash{Kind: None}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			p := writeArchive(t, name)
			if tc.sidecar != "" {
				if err := os.WriteFile(p+".sha256", []byte(tc.sidecar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			src, err := NewFile(p, tc.arg, tc.insecure)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), p) {
					t.Fatalf("err = %v, want %v naming %s", err, tc.err, p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.artifact.Hash != tc.want {
				t.Errorf("hash = %+v, want %+v", src.artifact.Hash, tc.want)
			}
		})
	}
}

func TestNewFileRejects(t *testing.T) {
	dir := tempdir.New(t)
	for _, tc := range []struct {
		desc, path, arg string
	}{
		{"missing file", filepath.Join(dir, "go1.22.5.linux-amd64.tar.gz"), sumA},
		{"directory", dir, sumA},
		{"bad name", writeArchive(t, "golang.tar.gz"), sumA},
		{"bad hash argument", writeArchive(t, "go1.22.5.linux-amd64.tar.gz"), "abc"},
	} {
		if _, err := NewFile(tc.path, tc.arg, false); err == nil || !strings.Contains(err.Error(), filepath.Base(tc.path)) {
			t.Errorf("%s: err = %v, want an error naming %s", tc.desc, err, tc.path)
		}
	}
}

func TestLocalFileSource(t *testing.T) {
	p := writeArchive(t, "v0.0.1-go1.23rc1.windows-arm64.zip")
	src, err := NewFile(p, sumA, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rs, err := src.List(ctx)
	if err != nil || len(rs) != 1 || rs[0].Version != "go1.23rc1" || rs[0].Stable || len(rs[0].Files) != 1 ||
		rs[0].Files[0].SHA256 != sumA || rs[0].Files[0].Size != 20 || rs[0].Files[0].Kind != "archive" {
		t.Fatalf("List = %+v, %v", rs, err)
	}
	a, err := src.Artifact(ctx, goversion.MustParse("1.23rc1"), "windows", "arm64")
	if err != nil {
		t.Fatal(err)
	}
	back, err := FilePath(a.URL)
	if err != nil || back != p {
		t.Errorf("URL %s leads to %q (%v), want %s", a.URL, back, err, p)
	}
	if a.Format != Zip || a.Prefix != "golang.org/toolchain@v0.0.1-go1.23rc1.windows-arm64/" || a.Size != 20 ||
		a.Filename != filepath.Base(p) || !strings.Contains(a.Source, p) {
		t.Errorf("Artifact = %+v", a)
	}
	for _, q := range [][3]string{{"1.23rc2", "windows", "arm64"}, {"1.23rc1", "linux", "arm64"}, {"1.23rc1", "windows", "amd64"}} {
		_, err := src.Artifact(ctx, goversion.MustParse(q[0]), q[1], q[2])
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "go1.23rc1 for windows/arm64") {
			t.Errorf("Artifact(%v) err = %v, want ErrNotFound saying what the file holds", q, err)
		}
	}
}

func TestFileURLForms(t *testing.T) {
	for _, tc := range []struct {
		path    string
		windows bool
		url     string
		back    string // when the round trip normalises the path
	}{
		{path: "/srv/go/go1.22.5.linux-amd64.tar.gz", url: "file:///srv/go/go1.22.5.linux-amd64.tar.gz"},
		{path: "/srv/my mirror/a#b%c.zip", url: "file:///srv/my%20mirror/a%23b%25c.zip"},
		{path: `C:\x\y.zip`, windows: true, url: "file:///C:/x/y.zip"},
		{path: `C:\Program Files\go\y.zip`, windows: true, url: "file:///C:/Program%20Files/go/y.zip"},
		{path: `\\server\share\y.zip`, windows: true, url: "file://server/share/y.zip"},
		{path: `\\server\share\go dir\y.zip`, windows: true, url: "file://server/share/go%20dir/y.zip"},
		{path: `\\?\C:\long\y.zip`, windows: true, url: "file:///C:/long/y.zip", back: `C:\long\y.zip`},
		{path: `\\?\UNC\server\share\y.zip`, windows: true, url: "file://server/share/y.zip", back: `\\server\share\y.zip`},
	} {
		if got := fileURL(tc.path, tc.windows); got != tc.url {
			t.Errorf("fileURL(%s, windows=%v) = %s, want %s", tc.path, tc.windows, got, tc.url)
		}
		want := tc.path
		if tc.back != "" {
			want = tc.back
		}
		if got, err := filePath(tc.url, tc.windows); err != nil || got != want {
			t.Errorf("filePath(%s, windows=%v) = %q, %v; want %q", tc.url, tc.windows, got, err, want)
		}
	}
}

func TestFilePathRejects(t *testing.T) {
	for _, tc := range []struct {
		url     string
		windows bool
	}{
		{"http://example.com/x.zip", false},
		{"file:relative/x.zip", false},
		{"file://server/share/x.zip", false},
		{"file://", true},
		{"file://%zz/x", true},
	} {
		if _, err := filePath(tc.url, tc.windows); err == nil || !strings.Contains(err.Error(), tc.url) {
			t.Errorf("filePath(%s, windows=%v): err = %v, want an error naming it", tc.url, tc.windows, err)
		}
	}
	if got, err := filePath("file://localhost/srv/x.zip", false); err != nil || got != "/srv/x.zip" {
		t.Errorf("localhost URL: %q, %v", got, err)
	}
}

func FuzzFilePath(f *testing.F) {
	f.Add("/srv/go/x.zip", false)
	f.Add(`\\server\share\x.zip`, true)
	f.Add(`C:\x y\z.zip`, true)
	f.Fuzz(func(t *testing.T, p string, windows bool) {
		// Every absolute path survives the trip to a URL and back.
		if windows {
			unc := strings.HasPrefix(p, `\\`) && strings.Index(p[2:], `\`) > 0 && !strings.ContainsAny(p[2:3], `?`)
			if !unc &&
				!(len(p) >= 3 && p[1] == ':' && p[2] == '\\' && isLetter(p[0])) {
				return
			}
			if strings.Contains(p, "/") {
				return
			}
		} else if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
			return
		}
		if strings.ContainsAny(p, "\x00") || !utf8.ValidString(p) {
			return
		}
		u := fileURL(p, windows)
		back, err := filePath(u, windows)
		if err != nil {
			// UNC host names that are not valid URL hosts are rejected, never mangled.
			if windows && strings.HasPrefix(p, `\\`) {
				return
			}
			t.Fatalf("filePath(%s): %v", u, err)
		}
		if back != p {
			t.Fatalf("%q -> %s -> %q", p, u, back)
		}
	})
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

func TestFileURLRoundTripHere(t *testing.T) {
	p := filepath.Join(tempdir.New(t), "a dir", "go1.22.5.linux-amd64.tar.gz")
	back, err := FilePath(FileURL(p))
	if err != nil || back != p {
		t.Errorf("FilePath(FileURL(%s)) = %q, %v", p, back, err)
	}
}
