package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
)

// scanPlan runs a full Scan of testdata/scan/plan.txtar with a vulnerability
// database in which example.com/b v1.0.0 is vulnerable.
func scanPlan(t *testing.T, target string, offline bool) *Report {
	t.Helper()
	fx := loadFixture(t, "../../testdata/scan/plan.txtar")
	root := tempdir.New(t)
	writeTree(t, root, fx.tree)
	proxy := newFakeProxy(t, fx.mods)
	db, err := OpenVulnDB(context.Background(), writeVulnDir(t, testVulnDB()), nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{
		Dir: filepath.Join(root, "main"), Source: proxySource(t, proxy.URL), Offline: offline,
		Current: goversion.MustParse("1.22.1"), Outdated: true, VulnDB: db,
	}
	if target != "" {
		opts.Target = goversion.MustParse(target)
	}
	r, err := Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestScanAndFailOn(t *testing.T) {
	tests := []struct {
		target   string
		offline  bool
		conds    string
		fail     bool
		reasons  string
		verdict  string
		outdated int
	}{
		{"1.22.5", false, "blockers", true, "blockers: 1", "can move to go1.22.5: no, 1 blocker", 2},
		{"1.23.1", false, "blockers", false, "", "can move to go1.23.1: yes", 2},
		{"1.23.1", false, "vulns", true, "vulns: 2", "", 2}, // b's module vuln + the toolchain one
		{"1.23.1", false, "outdated", true, "outdated: 2", "", 2},
		{"1.23.1", true, "outdated", false, "", "", 0},
		{"", false, "blockers,vulns", true, "vulns: 3", "graph requires go 1.23", 2},
	}
	for _, tt := range tests {
		t.Run(tt.target+"/"+tt.conds, func(t *testing.T) {
			r := scanPlan(t, tt.target, tt.offline)
			if len(r.Outdated) != tt.outdated {
				t.Errorf("%d outdated, want %d", len(r.Outdated), tt.outdated)
			}
			conds, err := ParseFailOn(tt.conds)
			if err != nil {
				t.Fatal(err)
			}
			fail, reasons := ShouldFail([]*Report{r}, conds)
			if fail != tt.fail || strings.Join(reasons, ",") != tt.reasons {
				t.Errorf("ShouldFail = %v %v, want %v %q", fail, reasons, tt.fail, tt.reasons)
			}
			var buf bytes.Buffer
			if err := WriteTable(&buf, []*Report{r}); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(buf.String(), "\n")
			if !strings.HasPrefix(lines[1], tt.verdict) {
				t.Errorf("table does not lead with %q:\n%s", tt.verdict, buf.String())
			}
		})
	}
}

func TestParseFailOnRejectsUnknown(t *testing.T) {
	if _, err := ParseFailOn("blockers,typo"); err == nil || !strings.Contains(err.Error(), "typo") {
		t.Errorf("err = %v, want one naming the unknown condition", err)
	}
}

func TestWritersAgree(t *testing.T) {
	r := scanPlan(t, "1.22.5", false)
	reports := []*Report{r}

	var js bytes.Buffer
	if err := WriteJSON(&js, reports); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema  string `json:"schema"`
		Reports []struct {
			Compat struct {
				OK       bool      `json:"ok"`
				Blockers []Blocker `json:"blockers"`
			} `json:"compat"`
			Vulns struct {
				Modules []Vuln   `json:"modules"`
				Go      []GoVuln `json:"go"`
			} `json:"vulns"`
		} `json:"reports"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != JSONSchema || len(doc.Reports) != 1 || doc.Reports[0].Compat.OK || len(doc.Reports[0].Compat.Blockers) != 2 {
		t.Errorf("JSON: %s", js.String())
	}
	if got := doc.Reports[0].Vulns.Go; len(got) != 2 || !got[0].FixedByTarget {
		t.Errorf("JSON go vulns %+v, want the stdlib one fixed by the target", got)
	}

	var md bytes.Buffer
	if err := WriteMarkdown(&md, reports); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**can move to go1.22.5: no, 1 blocker", "| example.com/a | v1.2.0 | 1.23 | yes | v1.1.0 (go 1.21) downgrade |", "GO-2024-0001", "moving from go1.22.1 to go1.22.5 fixes 1 of them"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}

	var sarif bytes.Buffer
	if err := WriteSARIF(&sarif, reports, "v0.1.0"); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(sarif.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("SARIF header: %s", sarif.String())
	}
	rules := map[string]bool{}
	for _, rule := range log.Runs[0].Tool.Driver.Rules {
		rules[rule.ID] = true
	}
	levels := map[string]int{}
	for _, res := range log.Runs[0].Results {
		if !rules[res.RuleID] {
			t.Errorf("result with undeclared rule %s", res.RuleID)
		}
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.ArtifactLocation.URI != "go.mod" {
			t.Errorf("result %+v not located in go.mod", res)
		}
		levels[res.RuleID+"/"+res.Level]++
	}
	want := map[string]int{ruleBlocker + "/error": 1, ruleBlocker + "/note": 1, "GO-2024-0001/error": 1, "GO-2024-0004/warning": 1}
	if len(levels) != len(want) {
		t.Errorf("SARIF results %v, want %v", levels, want)
	}
	for k, n := range want {
		if levels[k] != n {
			t.Errorf("SARIF results %v, want %v", levels, want)
		}
	}
	for _, res := range log.Runs[0].Results {
		if res.RuleID == "GO-2024-0001" && res.Locations[0].PhysicalLocation.Region == nil {
			t.Error("vulnerable direct requirement has no go.mod line")
		}
	}
}

func TestScanBinaryAgainstTarget(t *testing.T) {
	exe := buildTinyBinary(t)
	db, err := OpenVulnDB(context.Background(), writeVulnDir(t, testVulnDB()), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Scan(context.Background(), Options{Source: memSource{}, Binaries: []string{exe}, Target: goversion.MustParse("1.99.0"), VulnDB: db})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Binaries) != 1 || !r.Binaries[0].BuiltBelowTarget || r.Binaries[0].Vulns == nil {
		t.Fatalf("binary report %+v", r.Binaries)
	}
	if r.Binaries[0].Vulns.Current == "" {
		t.Error("the binary's Go release was not checked for vulnerabilities")
	}
	if _, err := Scan(context.Background(), Options{Source: memSource{}, Binaries: []string{filepath.Join(tempdir.New(t), "none")}}); err == nil {
		t.Error("a missing binary is not an error")
	}
}

func TestScanNeedsSource(t *testing.T) {
	if _, err := Scan(context.Background(), Options{Dir: "."}); err == nil {
		t.Error("no error without a module source")
	}
}

// The JSON tells "not checked" (field absent) from "checked, nothing found"
// (empty list), as docs/scan.md promises: a fleet dashboard must not read a
// skipped check as a clean one.
func TestJSONCheckedVersusNotChecked(t *testing.T) {
	root := tempdir.New(t)
	writeTree(t, root, map[string][]byte{"solo/go.mod": []byte("module example.com/solo\n\ngo 1.21\n")})
	proxy := newFakeProxy(t, nil)
	jsonOf := func(opts Options) map[string]any {
		t.Helper()
		opts.Dir, opts.Source = filepath.Join(root, "solo"), proxySource(t, proxy.URL)
		r, err := Scan(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteJSON(&buf, []*Report{r}); err != nil {
			t.Fatal(err)
		}
		var doc struct{ Reports []map[string]any }
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Reports[0]
	}

	checked := jsonOf(Options{Target: goversion.MustParse("1.24.0"), Outdated: true})
	if o, ok := checked["outdated"].([]any); !ok || len(o) != 0 {
		t.Errorf("outdated checked, nothing found: %#v, want []", checked["outdated"])
	}
	compat, _ := checked["compat"].(map[string]any)
	if b, ok := compat["blockers"].([]any); !ok || len(b) != 0 {
		t.Errorf("compat checked, no blockers: %#v, want []", compat["blockers"])
	}

	skipped := jsonOf(Options{})
	for _, k := range []string{"outdated", "compat", "vulns"} {
		if v, ok := skipped[k]; ok {
			t.Errorf("%s not checked, but the JSON has %#v", k, v)
		}
	}
}

// Progress hears every request the scan makes and the outdated check's
// progress up to its total, from many goroutines at once.
func TestScanProgress(t *testing.T) {
	fx := loadFixture(t, "../../testdata/scan/plan.txtar")
	root := tempdir.New(t)
	writeTree(t, root, fx.tree)
	proxy := newFakeProxy(t, fx.mods)
	var mu sync.Mutex
	var fetches, outDone, outTotal int
	_, err := Scan(context.Background(), Options{
		Dir: filepath.Join(root, "main"), Source: proxySource(t, proxy.URL), Outdated: true,
		Progress: func(p Progress) {
			mu.Lock()
			defer mu.Unlock()
			switch p.Phase {
			case "fetch":
				fetches = max(fetches, p.Done)
			case "outdated":
				outDone, outTotal = max(outDone, p.Done), p.Total
			default:
				t.Errorf("unknown phase %q", p.Phase)
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := proxy.total(); fetches != want {
		t.Errorf("progress counted %d fetches; the proxy answered %d requests", fetches, want)
	}
	if outTotal == 0 || outDone != outTotal {
		t.Errorf("outdated progress %d/%d, want it complete", outDone, outTotal)
	}
}
