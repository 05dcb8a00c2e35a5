package scan

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	cyclonedx "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The SBOM is valid against the CycloneDX 1.5 JSON schema, and the
// official Go library reads it: the file is what SBOM tools ingest, and a
// document that only looks right to our own structs helps nobody. The
// schema files ship in the cyclonedx-go module (a test dependency), found
// through the go command so no copy lives in this repository.
func TestCycloneDXValidAgainstSchema(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found: it locates the module holding the schema")
	}
	out, err := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
	if err != nil {
		t.Fatalf("locate the cyclonedx-go module: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "schema")
	c := jsonschema.NewCompiler()
	for url, file := range map[string]string{
		"http://cyclonedx.org/schema/bom-1.5.schema.json":  "bom-1.5.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schemax.json", // sic, in the module
	} {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	schema, err := c.Compile("http://cyclonedx.org/schema/bom-1.5.schema.json")
	if err != nil {
		t.Fatal(err)
	}

	sbom, _, _ := diamondSBOM(t)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(sbom.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("SBOM is not valid CycloneDX 1.5: %v\n%s", err, sbom)
	}

	// The schema has teeth: a component without its required name fails.
	var broken map[string]any
	if err := json.Unmarshal(sbom.Bytes(), &broken); err != nil {
		t.Fatal(err)
	}
	delete(broken["components"].([]any)[0].(map[string]any), "name")
	if err := schema.Validate(broken); err == nil {
		t.Error("a component without a name passed the schema")
	}

	var bom cyclonedx.BOM
	if err := cyclonedx.NewBOMDecoder(bytes.NewReader(sbom.Bytes()), cyclonedx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("cyclonedx-go cannot read the SBOM: %v", err)
	}
	if bom.SpecVersion != cyclonedx.SpecVersion1_5 || bom.Metadata == nil || bom.Metadata.Component == nil ||
		bom.Metadata.Component.PackageURL != "pkg:golang/example.com/main" || bom.Components == nil || bom.Dependencies == nil {
		t.Errorf("cyclonedx-go read: spec %v, metadata %+v", bom.SpecVersion, bom.Metadata)
	}
}
