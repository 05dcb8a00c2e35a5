package scan

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
)

// planGraph loads testdata/scan/plan.txtar against a fake proxy.
func planGraph(t *testing.T) (*Graph, *fakeProxy, string) {
	t.Helper()
	fx := loadFixture(t, "../../testdata/scan/plan.txtar")
	root := tempdir.New(t)
	writeTree(t, root, fx.tree)
	proxy := newFakeProxy(t, fx.mods)
	dir := filepath.Join(root, "main")
	g, err := LoadGraph(context.Background(), dir, GraphOptions{Source: proxySource(t, proxy.URL)})
	if err != nil {
		t.Fatal(err)
	}
	return g, proxy, dir
}

func TestCheckCompat(t *testing.T) {
	g, proxy, dir := planGraph(t)
	src := proxySource(t, proxy.URL)
	tests := []struct {
		target   string
		ok       bool
		blockers []Blocker
		tcAbove  bool
	}{
		{target: "1.23.0", ok: true, tcAbove: true, blockers: []Blocker{}},
		{target: "1.24", ok: true, blockers: []Blocker{}},
		{target: "1.22.5", ok: false, tcAbove: true, blockers: []Blocker{
			{Path: "example.com/a", Version: "v1.2.0", GoVersion: "1.23", Enforced: true, Selected: true,
				Chain: []string{"example.com/main", "example.com/a@v1.2.0"},
				Fix:   &Fix{Version: "v1.1.0", GoVersion: "1.21", Downgrade: true}},
			{Path: "example.com/q", Version: "v1.0.0", GoVersion: "1.23", Selected: true,
				Chain: []string{"example.com/main", "example.com/p@v1.0.0", "example.com/q@v1.0.0"},
				Note:  "no published version fits the target"},
		}},
		{target: "1.20", ok: false, tcAbove: true, blockers: []Blocker{
			{Path: "example.com/main", GoVersion: "1.21", Main: true, Enforced: true, Selected: true, Chain: []string{"example.com/main"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			c, err := CheckCompat(context.Background(), g, goversion.MustParse(tt.target), CompatOptions{Source: src})
			if err != nil {
				t.Fatal(err)
			}
			if c.OK != tt.ok || c.RequiredGo != "1.23" || c.RequiredBy != "example.com/a@v1.2.0" {
				t.Errorf("OK=%v RequiredGo=%s by %s, want OK=%v 1.23 by example.com/a@v1.2.0", c.OK, c.RequiredGo, c.RequiredBy, tt.ok)
			}
			if tt.target != "1.20" && !reflect.DeepEqual(c.Blockers, tt.blockers) {
				t.Errorf("blockers:\n got %+v\nwant %+v", c.Blockers, tt.blockers)
			}
			if tt.target == "1.20" && !reflect.DeepEqual(c.Blockers[0], tt.blockers[0]) {
				t.Errorf("first blocker %+v, want the main module %+v", c.Blockers[0], tt.blockers[0])
			}
			wantTC := []ToolchainLine{{File: filepath.Join(dir, "go.mod"), Toolchain: "go1.23.4", AboveTarget: tt.tcAbove}}
			if !reflect.DeepEqual(c.Toolchains, wantTC) {
				t.Errorf("toolchains %+v, want %+v", c.Toolchains, wantTC)
			}
		})
	}
}

func TestCheckCompatCandidateBound(t *testing.T) {
	g, proxy, _ := planGraph(t)
	c, err := CheckCompat(context.Background(), g, goversion.MustParse("1.20"), CompatOptions{Source: proxySource(t, proxy.URL), MaxCandidates: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range c.Blockers {
		if b.Path == "example.com/a" && (b.Fix != nil || b.Note != "none of the newest 1 versions fits") {
			t.Errorf("a: fix %+v note %q, want the bound reported", b.Fix, b.Note)
		}
	}
}

func TestCheckCompatNeedsTarget(t *testing.T) {
	g, _, _ := planGraph(t)
	if _, err := CheckCompat(context.Background(), g, goversion.Version{}, CompatOptions{}); err == nil {
		t.Fatal("no error for a zero target")
	}
}

func TestCheckOutdated(t *testing.T) {
	g, proxy, _ := planGraph(t)
	got, err := CheckOutdated(context.Background(), g, OutdatedOptions{Source: proxySource(t, proxy.URL)})
	if err != nil {
		t.Fatal(err)
	}
	want := []Outdated{
		{Path: "example.com/b", Version: "v1.0.0", Latest: "v1.3.0", LatestGo: "1.22", LatestPatch: "v1.0.1", LatestPatchGo: "1.20",
			Newer: 3, Retracted: []string{"v1.2.0"}, Deprecated: "use example.com/c instead."},
		{Path: "example.com/pre", Version: "v1.0.0-rc.1", Latest: "v1.0.0-rc.2", LatestGo: "1.21", Newer: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outdated:\n got %+v\nwant %+v", got, want)
	}
}

func TestCheckOutdatedRetractedCurrent(t *testing.T) {
	mods := map[[2]string]string{
		{"example.com/x", "v1.0.0"}: "module example.com/x\n",
		{"example.com/x", "v1.1.0"}: "module example.com/x\nretract [v1.0.0, v1.0.5] // leaks memory\n",
	}
	src := memSource{}
	for k, v := range mods {
		src[modV(k[0], k[1])] = []byte(v)
	}
	o := checkOne(context.Background(), src, "example.com/x", "v1.0.0")
	if o.CurrentRetracted != "leaks memory" || o.Latest != "v1.1.0" {
		t.Errorf("got %+v, want current retracted (leaks memory) and latest v1.1.0", o)
	}
}

func TestCheckOutdatedNoVersionList(t *testing.T) {
	o := checkOne(context.Background(), memSource{}, "example.com/gone", "v1.0.0")
	if o.Error == "" || o.Latest != "" {
		t.Errorf("got %+v, want an error saying the list is unavailable", o)
	}
}

func TestToolchainAbove(t *testing.T) {
	target := goversion.MustParse("1.22.5")
	above := func(goLine string) bool { return goLineAbove(goLine, target) }
	tests := map[string]bool{
		"go1.22.5": false, "go1.22.6": true, "go1.23.4+auto": true, "go1.21.0-custom": false,
		"default": false, "go1.22": false, "go1.23rc1": true,
	}
	for name, want := range tests {
		if got := toolchainAbove(name, above); got != want {
			t.Errorf("toolchainAbove(%q) = %v, want %v", name, got, want)
		}
	}
}
