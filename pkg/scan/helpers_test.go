package scan

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// fixture is a txtar test case: files under proxy/ are served by a fake
// GOPROXY (named path@version.mod), the rest is written to a work tree.
type fixture struct {
	comment string
	mods    map[module.Version][]byte
	tree    map[string][]byte
}

func loadFixture(t testing.TB, name string) fixture {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	comment, files := parseArchive(string(data))
	fx := fixture{comment: comment, mods: map[module.Version][]byte{}, tree: map[string][]byte{}}
	for _, f := range files {
		if rest, ok := strings.CutPrefix(f.Name, "proxy/"); ok {
			pv := strings.TrimSuffix(rest, ".mod")
			i := strings.LastIndex(pv, "@")
			fx.mods[module.Version{Path: pv[:i], Version: pv[i+1:]}] = f.Data
			continue
		}
		fx.tree[f.Name] = f.Data
	}
	return fx
}

// option returns the value of a "key: value" line of the fixture comment.
func (fx fixture) option(key string) string {
	for _, line := range strings.Split(fx.comment, "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func writeTree(t testing.TB, root string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeProxy serves @v/list, .info and .mod for the given go.mod files on
// loopback, and counts requests per URL path.
type fakeProxy struct {
	*httptest.Server
	mods map[module.Version][]byte
	mu   sync.Mutex
	hits map[string]int
}

func newFakeProxy(t testing.TB, mods map[module.Version][]byte) *fakeProxy {
	t.Helper()
	fp := &fakeProxy{mods: mods, hits: map[string]int{}}
	versions := map[string][]string{}
	for m := range mods {
		versions[m.Path] = append(versions[m.Path], m.Version)
	}
	byURL := map[string][]byte{}
	for m, data := range mods {
		ep, _ := module.EscapePath(m.Path)
		ev, _ := module.EscapeVersion(m.Version)
		byURL["/"+ep+"/@v/"+ev+".mod"] = data
		info, _ := json.Marshal(map[string]string{"Version": m.Version, "Time": "2024-01-01T00:00:00Z"})
		byURL["/"+ep+"/@v/"+ev+".info"] = info
	}
	for p, vs := range versions {
		sort.Strings(vs)
		ep, _ := module.EscapePath(p)
		byURL["/"+ep+"/@v/list"] = []byte(strings.Join(vs, "\n") + "\n")
	}
	fp.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fp.mu.Lock()
		fp.hits[r.URL.Path]++
		fp.mu.Unlock()
		data, ok := byURL[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
	}))
	t.Cleanup(fp.Close)
	return fp
}

// total is how many requests the proxy has answered.
func (fp *fakeProxy) total() int {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	n := 0
	for _, h := range fp.hits {
		n += h
	}
	return n
}

// goListM runs the real `go list -m all` in dir against the fake proxy,
// with nothing reaching the network. ok is false when the go command fails.
// Workspace mode refuses -mod=mod, so workspace is true drops it.
func goListM(t testing.TB, dir, proxyURL, gowork string, workspace bool) (string, bool) {
	t.Helper()
	return goListMIn(t, tempdir.New(t), dir, proxyURL, gowork, workspace)
}

// goListMIn is goListM with GOMODCACHE at home/modcache.
func goListMIn(t testing.TB, home, dir, proxyURL, gowork string, workspace bool) (string, bool) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found: the oracle needs it")
	}
	// With a fresh HOME the go command starts a telemetry child process
	// that outlives it and writes under HOME/.config while the test's
	// cleanup removes the directory ("directory not empty"). Mode "off"
	// keeps it from starting.
	modeFile := filepath.Join(home, ".config", "go", "telemetry", "mode")
	if err := os.MkdirAll(filepath.Dir(modeFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(modeFile, []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, "list", "-m", "all")
	cmd.Dir = dir
	goflags := "-mod=mod"
	if workspace {
		goflags = ""
	}
	cmd.Env = append(os.Environ(),
		"GOPROXY="+proxyURL, "GOSUMDB=off", "GONOSUMDB=*", "GOPRIVATE=", "GONOPROXY=",
		"GOFLAGS="+goflags, "GOTOOLCHAIN=local", "GOWORK="+gowork,
		"GOMODCACHE="+filepath.Join(home, "modcache"), "GOPATH="+filepath.Join(home, "gopath"),
		"GOCACHE="+filepath.Join(home, "cache"), "HOME="+home,
	)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return stderr.String(), false
	}
	return out.String(), true
}

type archiveFile struct {
	Name string
	Data []byte
}

// parseArchive reads the txtar format: a comment, then files introduced by
// "-- name --" lines.
func parseArchive(s string) (string, []archiveFile) {
	var comment strings.Builder
	var files []archiveFile
	for _, line := range strings.SplitAfter(s, "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			files = append(files, archiveFile{Name: strings.TrimSpace(trimmed[3 : len(trimmed)-3])})
			continue
		}
		if len(files) == 0 {
			comment.WriteString(line)
			continue
		}
		f := &files[len(files)-1]
		f.Data = append(f.Data, line...)
	}
	return comment.String(), files
}
