package scan

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/internal/testutil/gobinary"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
)

// buildTinyBinary builds, offline, a main module that depends on a module
// replaced by a local directory, and returns the executable's path.
func buildTinyBinary(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	root := tempdir.New(t)
	writeTree(t, root, map[string][]byte{
		"app/go.mod":  []byte("module example.com/app\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ../dep\n"),
		"app/main.go": []byte("package main\n\nimport \"example.com/dep\"\n\nfunc main() { println(dep.Name) }\n"),
		"dep/go.mod":  []byte("module example.com/dep\n\ngo 1.21\n"),
		"dep/dep.go":  []byte("package dep\n\nconst Name = \"dep\"\n"),
	})
	exe := filepath.Join(root, "app.exe")
	cmd := exec.Command(goBin, "build", "-o", exe, ".")
	cmd.Dir = filepath.Join(root, "app")
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

func TestScanBinary(t *testing.T) {
	b, err := ScanBinary(buildTinyBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if b.GoVersion != runtime.Version() {
		t.Errorf("GoVersion = %s, want %s", b.GoVersion, runtime.Version())
	}
	if b.Main.Path != "example.com/app" {
		t.Errorf("Main = %+v, want example.com/app", b.Main)
	}
	want := []BinaryModule{{Path: "example.com/dep", Version: "v1.0.0", Replace: &BinaryModule{Path: "../dep", Version: "(devel)"}}}
	if !reflect.DeepEqual(b.Modules, want) {
		t.Errorf("Modules = %+v, want %+v", b.Modules, want)
	}
	if b.Settings["GOOS"] != runtime.GOOS {
		t.Errorf("GOOS setting = %q, want %q", b.Settings["GOOS"], runtime.GOOS)
	}
	if len(b.ModuleVersions()) != 0 {
		t.Errorf("a directory replacement has no module version to check: %v", b.ModuleVersions())
	}
}

func TestScanBinaryRejectsNonGoFiles(t *testing.T) {
	dir := tempdir.New(t)
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("not an executable"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ScanBinary(text); err == nil || !contains(err.Error(), text) {
		t.Errorf("err = %v, want an error naming %s", err, text)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := ScanBinary(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestBinaryModuleVersionsFollowReplacements(t *testing.T) {
	b := &Binary{Modules: []BinaryModule{
		{Path: "a", Version: "v1.0.0"},
		{Path: "b", Version: "v1.0.0", Replace: &BinaryModule{Path: "fork/b", Version: "v1.1.0"}},
		{Path: "c", Version: "v1.0.0", Replace: &BinaryModule{Path: "../c"}},
	}}
	got := b.ModuleVersions()
	if len(got) != 2 || got[0] != modV("a", "v1.0.0") || got[1] != modV("fork/b", "v1.1.0") {
		t.Errorf("ModuleVersions = %v", got)
	}
}

// deployedModules are what the binary of the tests below links in: a
// dependency whose go line is above 1.21, one below it, and a module
// replaced by a fork at a version (whose code, not the original's, is in
// the binary).
var deployedModules = []gobinary.Module{
	{Path: "example.com/dep", Version: "v1.2.0", Go: "1.23"},
	{Path: "example.com/util", Version: "v1.0.0", Go: "1.20"},
	{Path: "example.com/orig", Version: "v1.0.0", Go: "1.20", Replace: &gobinary.Module{Path: "example.com/fork", Version: "v1.0.1", Go: "1.22"}},
}

// deployedProxy serves the go.mod files of deployedModules plus older
// releases whose go lines fit 1.21.
func deployedProxy(t *testing.T) *fakeProxy {
	t.Helper()
	mods := map[module.Version][]byte{}
	add := func(m gobinary.Module) { mods[modV(m.Path, m.Version)] = m.GoMod() }
	for _, m := range deployedModules {
		add(m)
		if m.Replace != nil {
			add(*m.Replace)
		}
	}
	add(gobinary.Module{Path: "example.com/dep", Version: "v1.1.0", Go: "1.20"})
	add(gobinary.Module{Path: "example.com/fork", Version: "v1.0.0", Go: "1.21"})
	return newFakeProxy(t, mods)
}

func TestScanBinaryRecordsModuleVersions(t *testing.T) {
	b, err := ScanBinary(gobinary.Build(t, deployedModules...))
	if err != nil {
		t.Fatal(err)
	}
	if b.Main.Path != gobinary.MainPath {
		t.Errorf("Main = %+v", b.Main)
	}
	byPath := map[string]BinaryModule{}
	for _, m := range b.Modules {
		byPath[m.Path] = m
	}
	if dep := byPath["example.com/dep"]; dep.Version != "v1.2.0" || !strings.HasPrefix(dep.Sum, "h1:") || dep.Replace != nil {
		t.Errorf("example.com/dep = %+v, want v1.2.0 with its h1: sum", dep)
	}
	if orig := byPath["example.com/orig"]; orig.Replace == nil || orig.Replace.Path != "example.com/fork" || orig.Replace.Version != "v1.0.1" || !strings.HasPrefix(orig.Replace.Sum, "h1:") {
		t.Errorf("example.com/orig = %+v, want replaced by example.com/fork v1.0.1", orig)
	}
	want := []module.Version{modV("example.com/dep", "v1.2.0"), modV("example.com/fork", "v1.0.1"), modV("example.com/util", "v1.0.0")}
	got := b.ModuleVersions()
	sortModules(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ModuleVersions = %v, want %v", got, want)
	}
}

// A deployed binary is checked as it would be rebuilt with the target:
// every module version linked in is loaded, so each go line above the
// target blocks, with the newest version that fits, and the verdict says so.
func TestScanBinaryBlockersAgainstTarget(t *testing.T) {
	exe := gobinary.Build(t, deployedModules...)
	proxy := deployedProxy(t)
	r, err := Scan(context.Background(), Options{Source: proxySource(t, proxy.URL), Binaries: []string{exe}, Target: goversion.MustParse("1.21")})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Binaries) != 1 {
		t.Fatalf("binary reports: %+v", r.Binaries)
	}
	br := r.Binaries[0]
	if br.BuiltBelowTarget {
		t.Errorf("built with %s, reported as older than go1.21", br.Binary.GoVersion)
	}
	want := []Blocker{
		{Path: "example.com/dep", Version: "v1.2.0", GoVersion: "1.23", Enforced: true, Selected: true,
			Chain: []string{gobinary.MainPath, "example.com/dep@v1.2.0"}, Fix: &Fix{Version: "v1.1.0", GoVersion: "1.20", Downgrade: true}},
		{Path: "example.com/fork", Version: "v1.0.1", GoVersion: "1.22", Enforced: true, Selected: true,
			Chain: []string{gobinary.MainPath, "example.com/fork@v1.0.1"}, Fix: &Fix{Version: "v1.0.0", GoVersion: "1.21", Downgrade: true}},
	}
	sort.Slice(br.Blockers, func(i, j int) bool { return br.Blockers[i].Path < br.Blockers[j].Path })
	if !reflect.DeepEqual(br.Blockers, want) {
		t.Errorf("blockers:\n got %+v\nwant %+v", br.Blockers, want)
	}
	if fail, reasons := ShouldFail([]*Report{r}, []FailOn{FailOnBlockers}); !fail || len(reasons) != 1 || reasons[0] != "blockers: 2" {
		t.Errorf("--fail-on blockers = %v %q, want blockers: 2", fail, reasons)
	}
	var table strings.Builder
	if err := WriteTable(&table, []*Report{r}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "can move to go1.21: no, 2 blockers") {
		t.Errorf("table verdict does not name the blockers:\n%s", table.String())
	}

	// At a target every go line fits, nothing blocks and the verdict is yes.
	r, err = Scan(context.Background(), Options{Source: proxySource(t, proxy.URL), Binaries: []string{exe}, Target: goversion.MustParse("1.23")})
	if err != nil {
		t.Fatal(err)
	}
	table.Reset()
	if err := WriteTable(&table, []*Report{r}); err != nil {
		t.Fatal(err)
	}
	if len(r.Binaries[0].Blockers) != 0 || !strings.Contains(table.String(), "can move to go1.23: yes") {
		t.Errorf("at go1.23: blockers %+v\n%s", r.Binaries[0].Blockers, table.String())
	}
	// Checked and clean reads "blockers": [], not a missing field.
	var js bytes.Buffer
	if err := WriteJSON(&js, []*Report{r}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"blockers": []`) {
		t.Errorf("JSON at go1.23 does not say \"blockers\": []:\n%s", js.String())
	}
}

// Offline, the module cache of the machine that built the binary is
// enough to find the blockers; fitting versions need version lists and
// are left out.
func TestScanBinaryBlockersOffline(t *testing.T) {
	exe := gobinary.Build(t, deployedModules...)
	r, err := Scan(context.Background(), Options{Source: ModCacheSource{Dir: gobinary.ModCache(exe)}, Offline: true, Binaries: []string{exe}, Target: goversion.MustParse("1.21")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range r.Binaries[0].Blockers {
		if b.Fix != nil {
			t.Errorf("offline blocker %s has a fix %+v", b.Path, b.Fix)
		}
		got = append(got, b.Path+"@"+b.Version+" go "+b.GoVersion)
	}
	sort.Strings(got)
	if want := []string{"example.com/dep@v1.2.0 go 1.23", "example.com/fork@v1.0.1 go 1.22"}; !reflect.DeepEqual(got, want) {
		t.Errorf("offline blockers %q, want %q", got, want)
	}
}

// Vulnerabilities are matched against the module versions linked in: the
// replacement's version rather than the module it replaces.
func TestScanBinaryModuleVulns(t *testing.T) {
	exe := gobinary.Build(t, deployedModules...)
	entry := func(id, path, introduced, fixed string) string {
		events := `{"introduced":"` + introduced + `"}`
		if fixed != "" {
			events += `,{"fixed":"` + fixed + `"}`
		}
		return `{"id":"` + id + `","modified":"2024-01-01T00:00:00Z","summary":"` + id + ` summary",
 "affected":[{"package":{"name":"` + path + `","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[` + events + `]}]}]}`
	}
	db, err := OpenVulnDB(context.Background(), writeVulnDir(t, map[string]string{
		"index/db.json": `{"modified":"2024-05-06T07:08:09Z"}`,
		"index/modules.json": `[{"path":"example.com/dep","vulns":[{"id":"GO-2024-0101"}]},
 {"path":"example.com/util","vulns":[{"id":"GO-2024-0102"}]},
 {"path":"example.com/orig","vulns":[{"id":"GO-2024-0103"}]},
 {"path":"example.com/fork","vulns":[{"id":"GO-2024-0104"}]}]`,
		"ID/GO-2024-0101.json": entry("GO-2024-0101", "example.com/dep", "0", "1.2.1"),
		"ID/GO-2024-0102.json": entry("GO-2024-0102", "example.com/util", "1.1.0", ""),
		"ID/GO-2024-0103.json": entry("GO-2024-0103", "example.com/orig", "0", ""),
		"ID/GO-2024-0104.json": entry("GO-2024-0104", "example.com/fork", "1.0.0", "1.0.2"),
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := Scan(context.Background(), Options{Source: proxySource(t, deployedProxy(t).URL), Binaries: []string{exe}, VulnDB: db})
	if err != nil {
		t.Fatal(err)
	}
	v := r.Binaries[0].Vulns
	if v == nil {
		t.Fatal("no vulnerability report for the binary")
	}
	var got []string
	for _, m := range v.Modules {
		got = append(got, m.ID+" "+m.Module+"@"+m.Version+" fixed "+m.Fixed)
	}
	sort.Strings(got)
	want := []string{"GO-2024-0101 example.com/dep@v1.2.0 fixed v1.2.1", "GO-2024-0104 example.com/fork@v1.0.1 fixed v1.0.2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("binary module vulnerabilities %q, want %q", got, want)
	}
	if v.Current != runtime.Version() {
		t.Errorf("Go release checked = %q, want the one that built the binary, %s", v.Current, runtime.Version())
	}
	if fail, reasons := ShouldFail([]*Report{r}, []FailOn{FailOnVulns}); !fail || reasons[0] != "vulns: 2" {
		t.Errorf("--fail-on vulns = %v %q, want vulns: 2", fail, reasons)
	}
}
