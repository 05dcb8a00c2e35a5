package scan

import (
	"context"
	"errors"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// TestGraphMatchesGoListM is the oracle test: for every hand-made graph in
// testdata/scan/graph, the native graph must print exactly what the real
// `go list -m all` prints against the same fake proxy.
func TestGraphMatchesGoListM(t *testing.T) {
	files, err := filepath.Glob("../../testdata/scan/graph/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no graph fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			fx := loadFixture(t, file)
			proxy := newFakeProxy(t, fx.mods)
			// The go command may rewrite go.mod (-mod=mod raises the go
			// line), so it gets its own copy of the tree.
			oracleRoot, root := tempdir.New(t), tempdir.New(t)
			writeTree(t, oracleRoot, fx.tree)
			writeTree(t, root, fx.tree)
			rel := filepath.FromSlash(fx.option("dir"))
			dir := filepath.Join(root, rel)
			_, workspace := fx.tree[path.Join(path.Dir(fx.option("dir")), "go.work")]
			want, ok := goListM(t, filepath.Join(oracleRoot, rel), proxy.URL, fx.option("gowork"), workspace)
			if !ok {
				t.Fatalf("go list -m all failed on the fixture itself:\n%s", want)
			}
			g, err := LoadGraph(context.Background(), dir, GraphOptions{
				Source: proxySource(t, proxy.URL),
				GoWork: fx.option("gowork"),
			})
			if err != nil {
				t.Fatalf("LoadGraph: %v", err)
			}
			if got := g.ListM(); got != want {
				t.Errorf("graph differs from go list -m all\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestGraphGoSumMismatchNamesModuleAndFile(t *testing.T) {
	fx := loadFixture(t, "../../testdata/scan/graph/chain.txtar")
	root := tempdir.New(t)
	fx.tree["main/go.sum"] = []byte("example.com/b v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
	writeTree(t, root, fx.tree)
	proxy := newFakeProxy(t, fx.mods)
	_, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: proxySource(t, proxy.URL)})
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("err = %v, want ErrChecksum", err)
	}
	for _, want := range []string{"example.com/b@v1.0.0", filepath.Join(root, "main", "go.sum"), "example.com/main requires example.com/b@v1.0.0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestGraphGoSumMatchPasses(t *testing.T) {
	fx := loadFixture(t, "../../testdata/scan/graph/chain.txtar")
	root := tempdir.New(t)
	var sum strings.Builder
	for m, data := range fx.mods {
		h, err := HashGoMod(data)
		if err != nil {
			t.Fatal(err)
		}
		sum.WriteString(m.Path + " " + m.Version + "/go.mod " + h + "\n")
	}
	fx.tree["main/go.sum"] = []byte(sum.String())
	writeTree(t, root, fx.tree)
	proxy := newFakeProxy(t, fx.mods)
	g, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: proxySource(t, proxy.URL)})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Modules) != 4 {
		t.Errorf("got %d modules, want 4:\n%s", len(g.Modules), g.ListM())
	}
}

func TestGraphMissingModuleNamesRequirementPath(t *testing.T) {
	fx := loadFixture(t, "../../testdata/scan/graph/chain.txtar")
	delete(fx.mods, modV("example.com/c", "v1.0.0"))
	root := tempdir.New(t)
	writeTree(t, root, fx.tree)
	proxy := newFakeProxy(t, fx.mods)
	_, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: proxySource(t, proxy.URL)})
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "example.com/main requires example.com/c@v1.0.0") {
		t.Fatalf("err = %v, want ErrNotFound naming the chain to example.com/c@v1.0.0", err)
	}
}

func TestGraphNoGoMod(t *testing.T) {
	_, err := LoadGraph(context.Background(), tempdir.New(t), GraphOptions{Source: Sources{}, GoWork: "off"})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

// A module beyond the pruning horizon is listed without its go.mod being
// needed: when it cannot be fetched the graph still loads, and the module
// says why its go line is unknown.
func TestGraphUnloadedModuleMayBeMissing(t *testing.T) {
	fx := loadFixture(t, "../../testdata/scan/graph/pruning.txtar")
	delete(fx.mods, modV("example.com/q", "v1.0.0"))
	root := tempdir.New(t)
	writeTree(t, root, fx.tree)
	proxy := newFakeProxy(t, fx.mods)
	g, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: proxySource(t, proxy.URL)})
	if err != nil {
		t.Fatal(err)
	}
	q := g.Module("example.com/q")
	if q == nil || q.Loaded || q.Error == "" || q.GoVersion != "" {
		t.Fatalf("q = %+v, want listed, not loaded, with an error", q)
	}
	if p := g.Module("example.com/p"); p == nil || !p.Loaded || p.GoVersion != "1.21" || !p.Direct {
		t.Errorf("p = %+v, want loaded direct go 1.21", p)
	}
	if o4 := g.Module("example.com/o4"); o4 == nil || !o4.Loaded {
		t.Errorf("o4 = %+v, want loaded through the unpruned old module", o4)
	}
}
