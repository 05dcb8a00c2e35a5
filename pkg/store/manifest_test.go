package store

import (
	"bytes"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

const (
	hashA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	hashB = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
)

func TestManifestRoundTrip(t *testing.T) {
	files := []FileRecord{
		{Path: "src/cmd/go/testdata/with space.go", Size: 10, Mode: 0o644, SHA256: hashB},
		{Path: "bin/go", Size: 4, Mode: 0o755, SHA256: hashA},
		{Path: "misc/link", Mode: fs.ModeSymlink | 0o777},
		{Path: "empty", Size: 0, Mode: 0o444, SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}
	var buf bytes.Buffer
	if err := WriteManifest(&buf, files); err != nil {
		t.Fatal(err)
	}
	wantText := hashA + " 4 755 bin/go\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0 444 empty\n" +
		"- 0 1000000777 misc/link\n" +
		hashB + " 10 644 src/cmd/go/testdata/with space.go\n"
	if buf.String() != wantText {
		t.Errorf("manifest text:\n%s\nwant:\n%s", buf.String(), wantText)
	}
	got, err := ReadManifest(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []FileRecord{files[1], files[3], files[2], files[0]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %+v\nwant %+v", got, want)
	}
}

func TestReadManifestEmpty(t *testing.T) {
	got, err := ReadManifest(strings.NewReader(""))
	if err != nil || len(got) != 0 {
		t.Errorf("ReadManifest(\"\") = %v, %v; want no entries", got, err)
	}
}

func TestWriteManifestRejects(t *testing.T) {
	tests := []struct {
		name string
		f    FileRecord
	}{
		{"absolute path", FileRecord{Path: "/etc/passwd", Mode: 0o644, SHA256: hashA}},
		{"dot-dot", FileRecord{Path: "../x", Mode: 0o644, SHA256: hashA}},
		{"dot", FileRecord{Path: ".", Mode: 0o644, SHA256: hashA}},
		{"empty path", FileRecord{Path: "", Mode: 0o644, SHA256: hashA}},
		{"newline in path", FileRecord{Path: "a\nb", Mode: 0o644, SHA256: hashA}},
		{"backslash", FileRecord{Path: `bin\go`, Mode: 0o644, SHA256: hashA}},
		{"trailing slash", FileRecord{Path: "bin/", Mode: 0o644, SHA256: hashA}},
		{"short hash", FileRecord{Path: "a", Mode: 0o644, SHA256: "abc"}},
		{"upper-case hash", FileRecord{Path: "a", Mode: 0o644, SHA256: strings.ToUpper(hashA)}},
		{"no hash on a file", FileRecord{Path: "a", Mode: 0o644}},
		{"hash on a link", FileRecord{Path: "a", Mode: fs.ModeSymlink, SHA256: hashA}},
		{"directory", FileRecord{Path: "a", Mode: fs.ModeDir | 0o755}},
		{"negative size", FileRecord{Path: "a", Size: -1, Mode: 0o644, SHA256: hashA}},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		err := WriteManifest(&buf, []FileRecord{tc.f})
		if !errors.Is(err, ErrBadManifest) {
			t.Errorf("%s: WriteManifest = %v, want ErrBadManifest", tc.name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %q despite the error", tc.name, buf.String())
		}
	}
	dup := []FileRecord{{Path: "a", Mode: 0o644, SHA256: hashA}, {Path: "a", Mode: 0o644, SHA256: hashB}}
	if err := WriteManifest(&bytes.Buffer{}, dup); !errors.Is(err, ErrBadManifest) {
		t.Errorf("duplicate paths: WriteManifest = %v, want ErrBadManifest", err)
	}
}

func TestReadManifestRejects(t *testing.T) {
	tests := []struct{ name, text, wantLine string }{
		{"too few fields", hashA + " 4 755\n", "line 1"},
		{"bad hash", "xyz 4 755 bin/go\n", "line 1"},
		{"negative size", hashA + " -4 755 bin/go\n", "line 1"},
		{"size with plus", hashA + " +4 755 bin/go\n", "line 1"},
		{"size with leading zero", hashA + " 04 755 bin/go\n", "line 1"},
		{"decimal mode", hashA + " 4 789 bin/go\n", "line 1"},
		{"mode beyond 32 bits", hashA + " 4 777777777777 bin/go\n", "line 1"},
		{"escaping path", hashA + " 4 755 ../../etc/passwd\n", "line 1"},
		{"absolute path", hashA + " 4 755 /bin/go\n", "line 1"},
		{"crlf line", hashA + " 4 755 bin/go\r\n", "line 1"},
		{"double space", hashA + "  4 755 bin/go\n", "line 1"},
		{"unsorted", hashA + " 4 755 bin/z\n" + hashA + " 4 755 bin/a\n", "line 2"},
		{"duplicate", hashA + " 4 755 bin/go\n" + hashA + " 4 755 bin/go\n", "line 2"},
		{"blank line", hashA + " 4 755 bin/go\n\n", "line 2"},
		{"overlong line", hashA + " 4 755 " + strings.Repeat("a", maxManifestLine) + "\n", ""},
	}
	for _, tc := range tests {
		_, err := ReadManifest(strings.NewReader(tc.text))
		if !errors.Is(err, ErrBadManifest) {
			t.Errorf("%s: ReadManifest = %v, want ErrBadManifest", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.wantLine) {
			t.Errorf("%s: error %q does not say %q", tc.name, err, tc.wantLine)
		}
	}
}

// FuzzReadManifest checks that the reader never panics, that everything it
// accepts stays inside the tree, and that it writes back to the same text.
func FuzzReadManifest(f *testing.F) {
	f.Add(hashA + " 4 755 bin/go\n" + hashB + " 10 644 src/with space.go\n")
	f.Add("- 0 1000000777 misc/link\n")
	f.Add(hashA + " 4 755 ../x\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, text string) {
		files, err := ReadManifest(strings.NewReader(text))
		if err != nil {
			if !errors.Is(err, ErrBadManifest) {
				t.Fatalf("error %v does not wrap ErrBadManifest", err)
			}
			return
		}
		for _, f := range files {
			if !fs.ValidPath(f.Path) || strings.HasPrefix(f.Path, "/") {
				t.Fatalf("accepted path %q that leaves the tree", f.Path)
			}
		}
		var buf bytes.Buffer
		if err := WriteManifest(&buf, files); err != nil {
			t.Fatalf("accepted entries do not write back: %v", err)
		}
		normalised := text
		if normalised != "" && !strings.HasSuffix(normalised, "\n") {
			normalised += "\n"
		}
		if buf.String() != normalised {
			t.Fatalf("round trip changed the text:\n%q\n%q", text, buf.String())
		}
	})
}
