package scan

import (
	"archive/zip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
)

var testDBModified = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// testVulnDB is a small database in the vuln.go.dev layout.
func testVulnDB() map[string]string {
	return map[string]string{
		"index/db.json": `{"modified":"2024-05-06T07:08:09Z"}`,
		"index/modules.json": `[
 {"path":"example.com/b","vulns":[{"id":"GO-2024-0001"},{"id":"GO-2024-0002"},{"id":"GO-2024-0005"}]},
 {"path":"stdlib","vulns":[{"id":"GO-2024-0003"}]},
 {"path":"toolchain","vulns":[{"id":"GO-2024-0004"}]}]`,
		"ID/GO-2024-0001.json": `{"id":"GO-2024-0001","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1"],"summary":"b leaks",
 "affected":[{"package":{"name":"example.com/b","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.1"}]}]}],
 "database_specific":{"url":"https://pkg.go.dev/vuln/GO-2024-0001"}}`,
		"ID/GO-2024-0002.json": `{"id":"GO-2024-0002","modified":"2024-01-01T00:00:00Z","summary":"b 1.1 only",
 "affected":[{"package":{"name":"example.com/b","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.1.0"},{"fixed":"1.2.0"}]}]}]}`,
		"ID/GO-2024-0003.json": `{"id":"GO-2024-0003","modified":"2024-01-01T00:00:00Z","summary":"net/http panics",
 "affected":[{"package":{"name":"stdlib","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.21.9"},{"introduced":"1.22.0-0"},{"fixed":"1.22.2"}]}]}]}`,
		"ID/GO-2024-0004.json": `{"id":"GO-2024-0004","modified":"2024-01-01T00:00:00Z","summary":"cmd/go runs code",
 "affected":[{"package":{"name":"toolchain","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.22.0"}]}]}]}`,
		"ID/GO-2024-0005.json": `{"id":"GO-2024-0005","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z",
 "affected":[{"package":{"name":"example.com/b","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`,
	}
}

func writeVulnDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := tempdir.New(t)
	tree := map[string][]byte{}
	for k, v := range files {
		tree[k] = []byte(v)
	}
	writeTree(t, dir, tree)
	return dir
}

func writeVulnZip(t *testing.T, files map[string]string, prefix string) string {
	t.Helper()
	name := filepath.Join(tempdir.New(t), "vulndb.zip")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for k, v := range files {
		w, err := zw.Create(prefix + k)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(v))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

func serveVulnDB(t *testing.T, files map[string]string) string {
	t.Helper()
	return serveVulnDBAuth(t, files, nil)
}

// serveVulnDBAuth serves files, answering 401 to requests allow refuses.
func serveVulnDBAuth(t *testing.T, files map[string]string, allow func(*http.Request) bool) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allow != nil && !allow(r) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		data, ok := files[r.URL.Path[1:]]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(data))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCheckVulnsEveryLocationKind(t *testing.T) {
	files := testVulnDB()
	locs := map[string]string{
		"dir":        writeVulnDir(t, files),
		"zip":        writeVulnZip(t, files, ""),
		"zip-prefix": writeVulnZip(t, files, "vulndb-main/"),
		"http":       serveVulnDB(t, files),
	}
	mods := []module.Version{modV("example.com/b", "v1.0.0"), modV("example.com/clean", "v1.0.0")}
	opts := VulnOptions{Current: goversion.MustParse("1.22.1"), Target: goversion.MustParse("1.22.5")}
	wantModules := []Vuln{{ID: "GO-2024-0001", Aliases: []string{"CVE-2024-1"}, Summary: "b leaks", URL: "https://pkg.go.dev/vuln/GO-2024-0001",
		Module: "example.com/b", Version: "v1.0.0", Fixed: "v1.0.1"}}
	wantGo := []GoVuln{
		{ID: "GO-2024-0003", Summary: "net/http panics", Package: "stdlib", AffectsCurrent: true, FixedByTarget: true, Fixed: "go1.22.2"},
		{ID: "GO-2024-0004", Summary: "cmd/go runs code", Package: "toolchain", AffectsCurrent: true, AffectsTarget: true},
	}
	for kind, loc := range locs {
		t.Run(kind, func(t *testing.T) {
			db, err := OpenVulnDB(context.Background(), loc, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if !db.Modified.Equal(testDBModified) {
				t.Errorf("Modified = %v, want %v", db.Modified, testDBModified)
			}
			r, err := CheckVulns(context.Background(), db, mods, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Modules, wantModules) {
				t.Errorf("modules:\n got %+v\nwant %+v", r.Modules, wantModules)
			}
			if !reflect.DeepEqual(r.Go, wantGo) {
				t.Errorf("go:\n got %+v\nwant %+v", r.Go, wantGo)
			}
			if r.Current != "go1.22.1" || r.Target != "go1.22.5" || r.Database != loc {
				t.Errorf("header %q %q %q", r.Current, r.Target, r.Database)
			}
		})
	}
}

func TestOpenVulnDBErrors(t *testing.T) {
	noModified := testVulnDB()
	noModified["index/db.json"] = `{}`
	badModules := testVulnDB()
	badModules["index/modules.json"] = `{"not":"a list"}`
	tests := map[string]string{
		"missing dir":      filepath.Join(tempdir.New(t), "nope"),
		"missing zip":      filepath.Join(tempdir.New(t), "nope.zip"),
		"empty dir":        tempdir.New(t),
		"no modified time": writeVulnDir(t, noModified),
		"bad modules.json": writeVulnDir(t, badModules),
		"http 404":         serveVulnDB(t, map[string]string{}),
	}
	for name, loc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := OpenVulnDB(context.Background(), loc, nil)
			if !errors.Is(err, ErrVulnDB) {
				t.Fatalf("err = %v, want ErrVulnDB", err)
			}
		})
	}
}

func TestCheckVulnsUnreadableEntryIsAnError(t *testing.T) {
	files := testVulnDB()
	delete(files, "ID/GO-2024-0001.json")
	db, err := OpenVulnDB(context.Background(), writeVulnDir(t, files), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = CheckVulns(context.Background(), db, []module.Version{modV("example.com/b", "v1.0.0")}, VulnOptions{})
	if !errors.Is(err, ErrVulnDB) {
		t.Fatalf("err = %v, want ErrVulnDB: a hole in the database is not 'no vulnerabilities'", err)
	}
	if _, err := CheckVulns(context.Background(), nil, nil, VulnOptions{}); !errors.Is(err, ErrVulnDB) {
		t.Fatalf("nil db: err = %v, want ErrVulnDB", err)
	}
}

func TestInRange(t *testing.T) {
	ev := func(pairs ...string) []OSVEvent {
		var out []OSVEvent
		for i := 0; i < len(pairs); i += 2 {
			if pairs[i] == "i" {
				out = append(out, OSVEvent{Introduced: pairs[i+1]})
			} else {
				out = append(out, OSVEvent{Fixed: pairs[i+1]})
			}
		}
		return out
	}
	tests := []struct {
		events   []OSVEvent
		version  string
		affected bool
		fixed    string
	}{
		{ev("i", "0", "f", "1.2.0"), "v1.1.9", true, "1.2.0"},
		{ev("i", "0", "f", "1.2.0"), "v1.2.0", false, ""},
		{ev("i", "0", "f", "1.2.0"), "v0.0.1-pre", true, "1.2.0"},
		{ev("i", "1.1.0", "f", "1.2.0"), "v1.0.0", false, ""},
		{ev("i", "1.1.0"), "v9.0.0", true, ""},
		{ev("f", "1.2.0", "i", "0", "i", "1.5.0", "f", "1.5.3"), "v1.5.1", true, "1.5.3"},
		{ev("i", "0", "f", "1.2.0", "i", "1.5.0", "f", "1.5.3"), "v1.3.0", false, ""},
		{ev("i", "1.22.0-0", "f", "1.22.2"), "v1.22.0-rc.1", true, "1.22.2"},
	}
	for _, tt := range tests {
		a, f := inRange(tt.events, tt.version)
		if a != tt.affected || f != tt.fixed {
			t.Errorf("inRange(%v, %s) = %v %q, want %v %q", tt.events, tt.version, a, f, tt.affected, tt.fixed)
		}
	}
}

func TestGoSemverRoundTrip(t *testing.T) {
	tests := []struct{ goV, sem string }{
		{"go1.22.5", "v1.22.5"}, {"go1.20", "v1.20.0"}, {"go1.21rc1", "v1.21.0-rc.1"},
		{"go1.9beta2", "v1.9.0-beta.2"}, {"go1.21.0", "v1.21.0"},
	}
	for _, tt := range tests {
		if got := GoSemver(goversion.MustParse(tt.goV)); got != tt.sem {
			t.Errorf("GoSemver(%s) = %s, want %s", tt.goV, got, tt.sem)
		}
		if got := semverToGo(tt.sem); got != tt.goV {
			t.Errorf("semverToGo(%s) = %s, want %s", tt.sem, got, tt.goV)
		}
	}
	if got := GoSemver(goversion.MustParse("go1.22")); got != "v1.22.0" {
		t.Errorf("language version go1.22 maps to %s, want v1.22.0", got)
	}
}

func TestParseOSVRejects(t *testing.T) {
	for name, in := range map[string]string{
		"not json":      `{`,
		"no id":         `{"affected":[]}`,
		"both in event": `{"id":"X","affected":[{"package":{"name":"m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1.0.0"}]}]}]}`,
		"bad version":   `{"id":"X","affected":[{"package":{"name":"m"},"ranges":[{"type":"SEMVER","events":[{"fixed":"one"}]}]}]}`,
	} {
		if _, err := ParseOSV([]byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// A database behind basic auth: the credentials in the URL are used, and
// never shown, neither in the report (which CI uploads) nor in errors.
func TestVulnDBURLCredentialsNeverShown(t *testing.T) {
	base := serveVulnDBAuth(t, testVulnDB(), func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && u == "ci" && p == "s3cret-token"
	})
	withAuth := func(pass string) string { return strings.Replace(base, "://", "://ci:"+pass+"@", 1) }

	db, err := OpenVulnDB(context.Background(), withAuth("s3cret-token"), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := CheckVulns(context.Background(), db, []module.Version{modV("example.com/b", "v1.0.0")}, VulnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Database, "s3cret") || !strings.Contains(r.Database, "ci:") {
		t.Errorf("report database %q: want the user without the password", r.Database)
	}

	_, err = OpenVulnDB(context.Background(), withAuth("wrong-pass"), nil)
	if !errors.Is(err, ErrVulnDB) || strings.Contains(err.Error(), "wrong-pass") || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong credentials: %v; want ErrVulnDB naming the 401, without the password", err)
	}
}
