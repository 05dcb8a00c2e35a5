package scan

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

const testModulesTxt = `# example.com/a v1.2.0
## explicit; go 1.23
example.com/a
example.com/a/sub
# example.com/b v1.0.0 => example.com/bfork v1.0.1
## go 1.20
example.com/b
# example.com/c v1.0.0
## explicit
# example.com/d => ./local/d
# not a module line
`

func TestParseVendorModules(t *testing.T) {
	got, err := ParseVendorModules("modules.txt", []byte(testModulesTxt))
	if err != nil {
		t.Fatal(err)
	}
	want := []VendorModule{
		{Path: "example.com/a", Version: "v1.2.0", GoVersion: "1.23", Explicit: true, Packages: 2},
		{Path: "example.com/b", Version: "v1.0.0", Replace: &Replacement{Path: "example.com/bfork", Version: "v1.0.1"}, GoVersion: "1.20", Packages: 1},
		{Path: "example.com/c", Version: "v1.0.0", Explicit: true},
		{Path: "example.com/d", Replace: &Replacement{Path: "./local/d"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if _, err := ParseVendorModules("modules.txt", []byte("# ../bad v1.0.0\n")); err == nil {
		t.Error("accepted an invalid module path")
	}
}

func TestVendorGraph(t *testing.T) {
	root := tempdir.New(t)
	writeTree(t, root, map[string][]byte{
		"go.mod":             []byte("module example.com/main\n\ngo 1.21\n\nrequire (\n\texample.com/a v1.2.0\n\texample.com/c v1.0.0\n)\n\nrequire example.com/b v1.0.0 // indirect\n\nreplace example.com/b => example.com/bfork v1.0.1\n"),
		"vendor/modules.txt": []byte(testModulesTxt),
	})
	g, err := LoadGraph(context.Background(), root, GraphOptions{Vendor: true})
	if err != nil {
		t.Fatal(err)
	}
	want := "example.com/main\nexample.com/a v1.2.0\nexample.com/b v1.0.0 => example.com/bfork v1.0.1\nexample.com/c v1.0.0\n"
	if got := g.ListM(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if g.GoVersion != "1.23" || !g.Module("example.com/b").Loaded || g.Module("example.com/b").GoVersion != "1.20" {
		t.Errorf("go %s, b = %+v", g.GoVersion, g.Module("example.com/b"))
	}

	writeTree(t, root, map[string][]byte{"go.mod": []byte("module example.com/main\n\ngo 1.21\n\nrequire example.com/zzz v1.0.0\n")})
	if _, err := LoadGraph(context.Background(), root, GraphOptions{Vendor: true}); !errors.Is(err, ErrNotFound) {
		t.Errorf("requirement missing from modules.txt: err = %v, want ErrNotFound", err)
	}
	if _, err := LoadGraph(context.Background(), filepath.Join(tempdir.New(t)), GraphOptions{Vendor: true, GoWork: "off"}); err == nil {
		t.Error("no error without go.mod")
	}
}

func FuzzParseVendorModules(f *testing.F) {
	f.Add([]byte(testModulesTxt))
	f.Fuzz(func(t *testing.T, data []byte) {
		mods, err := ParseVendorModules("modules.txt", data)
		if err != nil {
			return
		}
		for _, m := range mods {
			if m.Path == "" || m.Packages < 0 {
				t.Errorf("bad module %+v", m)
			}
		}
	})
}
