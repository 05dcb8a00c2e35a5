package scan

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// CycloneDX 1.5 JSON, written with our own structs: only the fields we fill.
//
// Hashes: go.sum records "h1:" hashes (a SHA-256 over a sorted manifest of
// the module's files, base64), which name no file and no CycloneDX hash
// algorithm. cyclonedx-gomod, as far as we could establish, re-encodes the h1
// digest as hex and labels it SHA-256, which a consumer would wrongly check
// against the module zip. We keep h1 verbatim in properties instead:
// "govm:gosum:h1" (module zip) and "govm:gosum:gomod:h1" (go.mod), and leave
// the hashes array empty.
type cdxBOM struct {
	BOMFormat    string          `json:"bomFormat"`
	SpecVersion  string          `json:"specVersion"`
	SerialNumber string          `json:"serialNumber"`
	Version      int             `json:"version"`
	Metadata     cdxMetadata     `json:"metadata"`
	Components   []cdxComponent  `json:"components"`
	Dependencies []cdxDependency `json:"dependencies"`
}

type cdxMetadata struct {
	Timestamp string       `json:"timestamp"`
	Tools     *cdxTools    `json:"tools,omitempty"`
	Component cdxComponent `json:"component"`
}

type cdxTools struct {
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	BOMRef     string        `json:"bom-ref,omitempty"`
	Type       string        `json:"type"`
	Name       string        `json:"name"`
	Version    string        `json:"version,omitempty"`
	PURL       string        `json:"purl,omitempty"`
	Properties []cdxProperty `json:"properties,omitempty"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// SBOMOptions configures WriteCycloneDX.
type SBOMOptions struct {
	// ToolVersion is govm's version, recorded in metadata.tools.
	ToolVersion string
	// Now and Serial make output reproducible in tests; zero values mean
	// the current time and a random urn:uuid.
	Now    time.Time
	Serial string
}

// WriteCycloneDX writes g as a CycloneDX 1.5 JSON SBOM: the first main
// module as metadata.component, every other build-list module as a library
// with a pkg:golang purl, and dependency edges from every go.mod the go
// command loads. Modules beyond the pruning horizon are components without
// a dependency entry, because their requirements are unknown.
func WriteCycloneDX(w io.Writer, g *Graph, opts SBOMOptions) error {
	bom, err := buildBOM(g, opts)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(bom); err != nil {
		return fmt.Errorf("write CycloneDX SBOM: %w", err)
	}
	return nil
}

func buildBOM(g *Graph, opts SBOMOptions) (*cdxBOM, error) {
	serial := opts.Serial
	if serial == "" {
		var err error
		if serial, err = newUUID(); err != nil {
			return nil, fmt.Errorf("SBOM serial number: %w", err)
		}
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	bom := &cdxBOM{BOMFormat: "CycloneDX", SpecVersion: "1.5", SerialNumber: "urn:uuid:" + serial, Version: 1,
		Components: []cdxComponent{}, Dependencies: []cdxDependency{}}
	bom.Metadata.Timestamp = now.UTC().Format(time.RFC3339)
	bom.Metadata.Tools = &cdxTools{Components: []cdxComponent{{Type: "application", Name: "govm", Version: opts.ToolVersion}}}
	refs := map[string]string{} // module path -> bom-ref
	for i, m := range g.Modules {
		c := cdxComponent{Type: "library", Name: m.Path, Version: m.Version}
		if m.Main {
			c.Type = "application"
			c.Version = ""
			c.PURL = PURL(m.Path, "")
		} else {
			c.PURL = PURL(m.Path, m.Version)
		}
		c.BOMRef = c.PURL
		c.Properties = moduleProperties(g, m)
		refs[m.Path] = c.BOMRef
		if i == 0 {
			bom.Metadata.Component = c
		} else {
			bom.Components = append(bom.Components, c)
		}
	}
	for _, m := range g.Modules {
		reqs, ok := g.Requirements(module.Version{Path: m.Path, Version: m.Version})
		if !ok {
			continue
		}
		dep := cdxDependency{Ref: refs[m.Path], DependsOn: []string{}}
		seen := map[string]bool{}
		for _, r := range reqs {
			if ref, ok := refs[r.Path]; ok && !seen[ref] && ref != dep.Ref {
				seen[ref] = true
				dep.DependsOn = append(dep.DependsOn, ref)
			}
		}
		bom.Dependencies = append(bom.Dependencies, dep)
	}
	return bom, nil
}

func moduleProperties(g *Graph, m *Module) []cdxProperty {
	var ps []cdxProperty
	add := func(name, value string) {
		if value != "" {
			ps = append(ps, cdxProperty{Name: name, Value: value})
		}
	}
	sumPath, sumVersion := m.Path, m.Version
	if m.Replace != nil {
		add("govm:replace", strings.TrimSpace(m.Replace.Path+" "+m.Replace.Version))
		sumPath, sumVersion = m.Replace.Path, m.Replace.Version
	}
	if sumVersion != "" {
		add("govm:gosum:h1", g.l.ms.sums.H1(sumPath, sumVersion))
		add("govm:gosum:gomod:h1", g.l.ms.sums.GoModH1(sumPath, sumVersion))
	}
	add("govm:go", m.GoVersion)
	return ps
}

// PURL returns the package URL of a Go module version,
// pkg:golang/<path>@<version>, each path segment and the version
// percent-encoded as the purl specification requires ("+incompatible"
// becomes "%2Bincompatible"). An empty version omits "@".
func PURL(path, version string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = purlEscape(s)
	}
	out := "pkg:golang/" + strings.Join(segs, "/")
	if version != "" {
		out += "@" + purlEscape(version)
	}
	return out
}

func purlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// newUUID returns a random (version 4) UUID.
func newUUID() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}
