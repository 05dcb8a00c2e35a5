package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/modproxy"
)

// netProject is a real module graph: a main module written by hand that
// requires published modules at pinned versions (the proxy's @latest and
// version lists cannot be relied on here, and a moving target would make a
// failure unreproducible).
type netProject struct {
	name  string
	files map[string]string
	// tidy runs `go mod tidy` first, so the graph is the one a maintained
	// project has (every indirect requirement listed, go.sum complete);
	// without it the hand-written go.mod is scanned as is.
	tidy bool
}

var netProjects = []netProject{
	{
		name: "cobra",
		tidy: true,
		files: map[string]string{
			"go.mod": "module example.com/netcobra\n\ngo 1.21\n\nrequire github.com/spf13/cobra v1.10.2\n",
			"main.go": "package main\n\nimport \"github.com/spf13/cobra\"\n\n" +
				"func main() { _ = (&cobra.Command{}).Execute() }\n",
		},
	},
	{
		name: "viper",
		tidy: true,
		files: map[string]string{
			"go.mod": "module example.com/netviper\n\ngo 1.21\n\nrequire github.com/spf13/viper v1.21.0\n",
			"main.go": "package main\n\nimport \"github.com/spf13/viper\"\n\n" +
				"func main() { _ = viper.ReadInConfig() }\n",
		},
	},
	{
		// The largest of the set: a hundred-odd modules, most of them
		// beyond the pruning horizon.
		name: "client-go",
		tidy: true,
		files: map[string]string{
			"go.mod": "module example.com/netk8s\n\ngo 1.24.0\n\nrequire k8s.io/client-go v0.34.1\n",
			"main.go": "package main\n\nimport \"k8s.io/client-go/kubernetes\"\n\n" +
				"func main() { _, _ = kubernetes.NewForConfig(nil) }\n",
		},
	},
	{
		// An untidy pruned go.mod whose roots x/mod and x/net are below
		// what x/tools requires: MVS raises them, and the raised versions'
		// go.mod files are loaded in turn (cmd/go's updatePrunedRoots).
		name: "x-tools-untidy",
		files: map[string]string{
			"go.mod": `module example.com/nettools

go 1.24

require (
	golang.org/x/mod v0.20.0
	golang.org/x/net v0.30.0
	golang.org/x/tools v0.38.0
)
`,
		},
	},
	{
		// A main module from before graph pruning (go 1.16) over modules
		// without pruning either (go 1.13 lines, or none), so every go.mod
		// in the transitive graph is loaded; plus a version replacement and
		// an exclude in the main module, which apply to the whole graph.
		name: "prometheus-gin-go1.16",
		files: map[string]string{
			"go.mod": `module example.com/netold

go 1.16

require (
	github.com/gin-gonic/gin v1.7.7
	github.com/prometheus/client_golang v1.11.1
)

replace github.com/golang/protobuf => github.com/golang/protobuf v1.5.2

exclude github.com/json-iterator/go v1.1.11
`,
		},
	},
}

// TestGraphMatchesGoListMRealModules is TestGraphMatchesGoListM on real
// graphs from the module proxy: the go command fills a module cache of its
// own and prints `go list -m all`; the native graph of the same main module,
// computed through the proxy (verified by the checksum database or go.sum)
// and from that module cache alone, must print the same, and each module's
// go line must be the one `go list -m -json all` reports. It needs the
// network, so it runs only with GOVM_NET_TESTS=1.
func TestGraphMatchesGoListMRealModules(t *testing.T) {
	if os.Getenv("GOVM_NET_TESTS") != "1" {
		t.Skip("set GOVM_NET_TESTS=1 to compare real module graphs fetched through the module proxy")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("go command not found: the oracle needs it")
	}
	env, err := modproxy.GoEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range netProjects {
		t.Run(p.name, func(t *testing.T) {
			start := time.Now()
			home := tempdir.New(t)
			goCmd := newNetGo(t, goBin, home, env)
			dir := filepath.Join(home, "work")
			for name, data := range p.files {
				writeTree(t, dir, map[string][]byte{name: []byte(data)})
			}
			if p.tidy {
				goCmd(dir, "mod", "tidy")
			}
			// The go command may rewrite go.mod with -mod=mod, so the oracle
			// runs on a copy and the scan reads the file as the project has it.
			oracle := filepath.Join(home, "oracle")
			copyTree(t, dir, oracle)
			want := goCmd(oracle, "list", "-m", "all")
			goVersions := goListGoVersions(t, goCmd(oracle, "list", "-m", "-json", "all"))
			// When the go command rewrote go.mod (raising the go line to
			// what a dependency needs) the main module's go line differs
			// from the file the scan reads by design.
			rewritten := readFile(t, filepath.Join(dir, "go.mod")) != readFile(t, filepath.Join(oracle, "go.mod"))
			goTime := time.Since(start)

			proxy, err := modproxy.New(modproxy.Config{
				GOPROXY: env["GOPROXY"].Value, GONOPROXY: env["GONOPROXY"].Value, GOPRIVATE: env["GOPRIVATE"].Value,
				GOSUMDB: env["GOSUMDB"].Value, GONOSUMDB: env["GONOSUMDB"].Value, GONOSUMCHECK: env["GONOSUMCHECK"].Value,
				CacheDir: filepath.Join(home, "govm-sumdb"),
			})
			if err != nil {
				t.Fatal(err)
			}
			cache := filepath.Join(home, "modcache")
			for _, src := range []struct {
				name string
				src  ModSource
			}{
				{"proxy", &ModProxySource{Client: proxy}},
				{"module cache", ModCacheSource{Dir: cache}},
			} {
				t.Run(src.name, func(t *testing.T) {
					start := time.Now()
					g, err := LoadGraph(context.Background(), dir, GraphOptions{Source: src.src, GoWork: "off"})
					if err != nil {
						t.Fatalf("LoadGraph: %v", err)
					}
					if got := g.ListM(); got != want {
						t.Fatalf("graph differs from go list -m all\n%s", lineDiff(got, want))
					}
					for _, m := range g.Modules {
						if m.Main && rewritten {
							continue
						}
						// go list -m -json read every go.mod, so each is in
						// the cache and on the proxy.
						if m.Error != "" {
							t.Errorf("%s %s: %s", m.Path, m.Version, m.Error)
						}
						if gv, ok := goVersions[m.Path]; ok && gv != m.GoVersion {
							t.Errorf("%s %s: go line %q, go list -m -json says %q", m.Path, m.Version, m.GoVersion, gv)
						}
					}
					t.Logf("%d modules, go %s (from %s), %v native, %v for the go command",
						len(g.Modules), g.GoVersion, modString(g.GoVersionFrom), time.Since(start).Round(time.Millisecond), goTime.Round(time.Millisecond))
				})
			}
			// What `govm scan --offline` does with the same cache: the whole
			// report, not only the graph, must come out of it.
			target, _ := goversion.Parse("1.21")
			r, err := Scan(context.Background(), Options{Dir: dir, GoWork: "off", Source: ModCacheSource{Dir: cache}, Offline: true, Target: target})
			if err != nil {
				t.Fatalf("offline Scan: %v", err)
			}
			if len(r.Modules) != strings.Count(want, "\n") {
				t.Errorf("offline Scan listed %d modules, go list -m all %d", len(r.Modules), strings.Count(want, "\n"))
			}
		})
	}
}

// newNetGo returns a runner for the real go command with its own GOPATH,
// module cache and build cache under home, and the module proxy and checksum
// database this machine is configured for. It fails the test when the
// command fails.
func newNetGo(t *testing.T, goBin, home string, env map[string]modproxy.Setting) func(dir string, args ...string) string {
	// See goListMIn: a fresh HOME would start a telemetry child process
	// that outlives the command and writes into the directory being removed.
	writeTree(t, home, map[string][]byte{".config/go/telemetry/mode": []byte("off")})
	vars := append(os.Environ(),
		"GOPROXY="+env["GOPROXY"].Value, "GOSUMDB="+env["GOSUMDB"].Value,
		"GONOPROXY="+env["GONOPROXY"].Value, "GONOSUMDB="+env["GONOSUMDB"].Value, "GOPRIVATE="+env["GOPRIVATE"].Value,
		"GOFLAGS=-mod=mod", "GOTOOLCHAIN=local", "GOWORK=off", "GOENV=off",
		"GOPATH="+filepath.Join(home, "gopath"), "GOMODCACHE="+filepath.Join(home, "modcache"),
		"GOCACHE="+filepath.Join(home, "cache"), "HOME="+home,
	)
	return func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(goBin, args...)
		cmd.Dir, cmd.Env = dir, vars
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out.String()
	}
}

// goListGoVersions maps each module path of `go list -m -json all` to the
// go line the go command reports for it (of the replacement, if replaced).
func goListGoVersions(t *testing.T, out string) map[string]string {
	t.Helper()
	type mod struct {
		Path      string
		GoVersion string
		Replace   *mod
	}
	m := map[string]string{}
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var x mod
		if err := dec.Decode(&x); errors.Is(err, io.EOF) {
			return m
		} else if err != nil {
			t.Fatal(err)
		}
		gv := x.GoVersion
		if x.Replace != nil {
			gv = x.Replace.GoVersion
		}
		m[x.Path] = gv
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeTree(t, to, map[string][]byte{filepath.ToSlash(rel): data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// lineDiff lists the lines only one side has, which for build lists of a
// hundred modules says more than printing both.
func lineDiff(got, want string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			m[l] = true
		}
		return m
	}
	g, w := in(got), in(want)
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		if !w[l] {
			fmt.Fprintf(&b, "+ %s (native only)\n", l)
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(want), "\n") {
		if !g[l] {
			fmt.Fprintf(&b, "- %s (go list only)\n", l)
		}
	}
	if b.Len() == 0 {
		return "same lines in another order:\n" + got
	}
	return b.String()
}
