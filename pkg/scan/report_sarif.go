package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"

	"golang.org/x/mod/module"
)

// SARIF 2.1.0, only the parts code-scanning consumers read.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
	HelpURI          string       `json:"helpUri,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// ruleBlocker is the SARIF rule of a go line above the target.
const ruleBlocker = "govm/go-line-blocker"

// WriteSARIF writes blockers (enforced ones as errors, pruned ones as notes)
// and vulnerabilities (module versions, and the target Go release) as SARIF
// 2.1.0 results. Module findings point at the require line of the go.mod
// that names the module directly, or at the go.mod's first line;
// binary findings point at the binary.
func WriteSARIF(w io.Writer, reports []*Report, toolVersion string) error {
	rules := map[string]sarifRule{ruleBlocker: {ID: ruleBlocker, ShortDescription: sarifMessage{"go line above the target Go release"}}}
	run := sarifRun{Results: []sarifResult{}}
	for _, r := range reports {
		loc := goModLocator(r)
		if r.Compat != nil {
			for _, b := range r.Compat.Blockers {
				run.Results = append(run.Results, blockerResult(b, r.Compat.Target, loc(b.Path)))
			}
		}
		run.Results = append(run.Results, vulnResults(r.Vulns, rules, loc)...)
		for _, br := range r.Binaries {
			at := func(string) sarifLocation { return location(filepath.ToSlash(br.Binary.File), 0) }
			target := ""
			if r.Compat != nil {
				target = r.Compat.Target
			}
			for _, b := range br.Blockers {
				run.Results = append(run.Results, blockerResult(b, target, at(b.Path)))
			}
			run.Results = append(run.Results, vulnResults(br.Vulns, rules, at)...)
		}
	}
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rules[id])
	}
	run.Tool.Driver.Name, run.Tool.Driver.InformationURI, run.Tool.Driver.Version = "govm", "https://github.com/govm-dev/govm", toolVersion
	doc := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write SARIF report: %w", err)
	}
	return nil
}

func blockerResult(b Blocker, target string, loc sarifLocation) sarifResult {
	level, how := "error", "the go command refuses to build with it"
	if !b.Enforced {
		level, how = "note", "beyond the pruning horizon: enforced only if its packages are built"
	}
	msg := fmt.Sprintf("%s requires go %s, above %s; %s (via %v)", modString(module.Version{Path: b.Path, Version: b.Version}), b.GoVersion, target, how, b.Chain)
	if b.Fix != nil {
		msg += fmt.Sprintf("; %s fits (go %s)", b.Fix.Version, dash(b.Fix.GoVersion))
	}
	return sarifResult{RuleID: ruleBlocker, Level: level, Message: sarifMessage{msg}, Locations: []sarifLocation{loc}}
}

func vulnResults(v *VulnReport, rules map[string]sarifRule, loc func(string) sarifLocation) []sarifResult {
	if v == nil {
		return nil
	}
	var out []sarifResult
	for _, m := range v.Modules {
		rules[m.ID] = sarifRule{ID: m.ID, ShortDescription: sarifMessage{dash(m.Summary)}, HelpURI: m.URL}
		msg := fmt.Sprintf("%s@%s is affected by %s", m.Module, m.Version, m.ID)
		if m.Fixed != "" {
			msg += "; fixed in " + m.Fixed
		}
		out = append(out, sarifResult{RuleID: m.ID, Level: "error", Message: sarifMessage{msg}, Locations: []sarifLocation{loc(m.Module)}})
	}
	for _, g := range v.Go {
		if !(g.AffectsTarget || v.Target == "" && g.AffectsCurrent) {
			continue
		}
		rules[g.ID] = sarifRule{ID: g.ID, ShortDescription: sarifMessage{dash(g.Summary)}, HelpURI: g.URL}
		release := v.Target
		if release == "" {
			release = v.Current
		}
		msg := fmt.Sprintf("Go %s (%s) is affected by %s", release, g.Package, g.ID)
		if g.Fixed != "" {
			msg += "; fixed in " + g.Fixed
		}
		out = append(out, sarifResult{RuleID: g.ID, Level: "warning", Message: sarifMessage{msg}, Locations: []sarifLocation{loc("")}})
	}
	return out
}

// goModLocator finds the go.mod line that requires a module directly.
func goModLocator(r *Report) func(path string) sarifLocation {
	type spot struct {
		uri  string
		line int
	}
	spots := map[string]spot{}
	first := spot{uri: "go.mod"}
	if r.Graph != nil {
		for i, mm := range r.Graph.l.ms.mains {
			uri := relURI(r.Dir, filepath.Join(mm.dir, "go.mod"))
			if i == 0 {
				first = spot{uri: uri}
			}
			for _, req := range mm.file.Require {
				if _, ok := spots[req.Mod.Path]; !ok && req.Syntax != nil {
					spots[req.Mod.Path] = spot{uri, req.Syntax.Start.Line}
				}
			}
		}
	}
	return func(path string) sarifLocation {
		if s, ok := spots[path]; ok {
			return location(s.uri, s.line)
		}
		return location(first.uri, 0)
	}
}

func relURI(base, p string) string {
	if abs, err := filepath.Abs(base); err == nil {
		base = abs
	}
	if rel, err := filepath.Rel(base, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

func location(uri string, line int) sarifLocation {
	l := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}}
	if line > 0 {
		l.PhysicalLocation.Region = &sarifRegion{StartLine: line}
	}
	return l
}
