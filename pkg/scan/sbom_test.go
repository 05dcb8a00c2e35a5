package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestPURL(t *testing.T) {
	tests := []struct{ path, version, want string }{
		{"github.com/spf13/cobra", "v1.8.0", "pkg:golang/github.com/spf13/cobra@v1.8.0"},
		{"github.com/x/y", "v2.0.0+incompatible", "pkg:golang/github.com/x/y@v2.0.0%2Bincompatible"},
		{"example.com/Upper Case", "v1.0.0", "pkg:golang/example.com/Upper%20Case@v1.0.0"},
		{"example.com/main", "", "pkg:golang/example.com/main"},
		{"gopkg.in/yaml.v3", "v3.0.1", "pkg:golang/gopkg.in/yaml.v3@v3.0.1"},
	}
	for _, tt := range tests {
		if got := PURL(tt.path, tt.version); got != tt.want {
			t.Errorf("PURL(%q, %q) = %q, want %q", tt.path, tt.version, got, tt.want)
		}
	}
}

// diamondSBOM is the SBOM of the diamond graph with a go.sum, and the
// go.mod hash of example.com/a v1.0.0 it records.
func diamondSBOM(t *testing.T) (sbom *bytes.Buffer, goModHash string, modules int) {
	t.Helper()
	fx := loadFixture(t, "../../testdata/scan/graph/diamond.txtar")
	root := tempdir.New(t)
	h, err := HashGoMod(fx.mods[modV("example.com/a", "v1.0.0")])
	if err != nil {
		t.Fatal(err)
	}
	fx.tree["main/go.sum"] = []byte("example.com/a v1.0.0 h1:zipzipzip=\nexample.com/a v1.0.0/go.mod " + h + "\n")
	writeTree(t, root, fx.tree)
	proxy := newFakeProxy(t, fx.mods)
	g, err := LoadGraph(context.Background(), filepath.Join(root, "main"), GraphOptions{Source: proxySource(t, proxy.URL)})
	if err != nil {
		t.Fatal(err)
	}
	buf := &bytes.Buffer{}
	if err := WriteCycloneDX(buf, g, SBOMOptions{ToolVersion: "v0.1.0", Now: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	return buf, h, len(g.Modules)
}

// TestCycloneDXShape checks what a consumer relies on: the required
// top-level fields, unique bom-refs, every dependency ref and dependsOn
// pointing at a declared component, and the go.sum hash carried through.
func TestCycloneDXShape(t *testing.T) {
	buf, h, modules := diamondSBOM(t)
	var bom cdxBOM
	if err := json.Unmarshal(buf.Bytes(), &bom); err != nil {
		t.Fatalf("SBOM is not JSON: %v", err)
	}
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.5" || bom.Version != 1 {
		t.Errorf("header %q %q %d", bom.BOMFormat, bom.SpecVersion, bom.Version)
	}
	if !regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(bom.SerialNumber) {
		t.Errorf("serialNumber %q is not a urn:uuid v4", bom.SerialNumber)
	}
	if bom.Metadata.Timestamp != "2024-01-02T03:04:05Z" || bom.Metadata.Component.Name != "example.com/main" || bom.Metadata.Component.Type != "application" {
		t.Errorf("metadata %+v", bom.Metadata)
	}
	refs := map[string]bool{bom.Metadata.Component.BOMRef: true}
	for _, c := range bom.Components {
		if c.BOMRef == "" || c.Name == "" || c.Version == "" || c.PURL == "" || c.Type != "library" {
			t.Errorf("component missing required fields: %+v", c)
		}
		if refs[c.BOMRef] {
			t.Errorf("duplicate bom-ref %s", c.BOMRef)
		}
		refs[c.BOMRef] = true
	}
	if len(bom.Components) != modules-1 {
		t.Errorf("%d components for %d modules", len(bom.Components), modules)
	}
	for _, d := range bom.Dependencies {
		if !refs[d.Ref] {
			t.Errorf("dependency ref %s is not a component", d.Ref)
		}
		for _, on := range d.DependsOn {
			if !refs[on] {
				t.Errorf("%s dependsOn unknown %s", d.Ref, on)
			}
		}
	}
	if len(bom.Dependencies) == 0 || bom.Dependencies[0].Ref != "pkg:golang/example.com/main" || len(bom.Dependencies[0].DependsOn) != 5 {
		t.Errorf("main dependencies = %+v, want 5 edges from the main module first", bom.Dependencies)
	}
	var a *cdxComponent
	for i := range bom.Components {
		if bom.Components[i].Name == "example.com/a" {
			a = &bom.Components[i]
		}
	}
	want := []cdxProperty{{"govm:gosum:h1", "h1:zipzipzip="}, {"govm:gosum:gomod:h1", h}, {"govm:go", "1.21"}}
	if a == nil || len(a.Properties) != 3 || a.Properties[0] != want[0] || a.Properties[1] != want[1] || a.Properties[2] != want[2] {
		t.Errorf("example.com/a properties = %+v, want %+v", a, want)
	}
}
