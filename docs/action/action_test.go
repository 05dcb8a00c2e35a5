// Package action_test runs the composite action in action.yml the way a
// runner would, on loopback: each bash step in order, with its env
// expressions evaluated, GITHUB_ENV/GITHUB_PATH/GITHUB_OUTPUT read back
// between steps, against a served govm release and a fake go.dev.
package action_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/govm-dev/govm/internal/testutil/fakegodev"
	"github.com/govm-dev/govm/internal/testutil/faketoolchain"
	"github.com/govm-dev/govm/internal/testutil/govmrelease"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/release"
)

type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

type step struct {
	ID    string            `yaml:"id"`
	Name  string            `yaml:"name"`
	If    string            `yaml:"if"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
	Uses  string            `yaml:"uses"`
	With  map[string]string `yaml:"with"`
}

func loadAction(t *testing.T) action {
	// Read the scripts the steps run, so that go test's cache is invalidated
	// when they change (it tracks files the test process opens, not bash).
	for _, f := range []string{"setup-govm.sh", filepath.Join("..", "install", "install.sh")} {
		if _, err := os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// runner is the little part of a GitHub runner the action relies on.
type runner struct {
	t         *testing.T
	inputs    map[string]string
	env       map[string]string // job environment, grown by GITHUB_ENV
	path      []string          // prepended by GITHUB_PATH, newest first
	outputs   map[string]map[string]string
	toolCache string
	workspace string
	skipped   []string // uses: steps (not runnable here)
}

var expr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// eval substitutes the expressions the action may use in env values; any
// other expression fails the test, so the action stays runnable here.
func (r *runner) eval(s string) string {
	return expr.ReplaceAllStringFunc(s, func(m string) string {
		e := expr.FindStringSubmatch(m)[1]
		switch {
		case strings.HasPrefix(e, "inputs."):
			return r.inputs[strings.TrimPrefix(e, "inputs.")]
		case e == "runner.tool_cache":
			return r.toolCache
		case strings.HasPrefix(e, "steps."):
			parts := strings.Split(e, ".") // steps.ID.outputs.NAME
			if len(parts) == 4 && parts[2] == "outputs" {
				return r.outputs[parts[1]][parts[3]]
			}
		}
		r.t.Fatalf("action.yml uses an expression the test runner does not know: %s", m)
		return ""
	})
}

// cond evaluates the step conditions the action uses.
func (r *runner) cond(s string) bool {
	switch strings.TrimSpace(s) {
	case "":
		return true
	case "runner.os != 'Windows'":
		return true
	case "runner.os == 'Windows'":
		return false
	case "inputs.cache == 'true'":
		return r.inputs["cache"] == "true"
	}
	r.t.Fatalf("action.yml uses a condition the test runner does not know: %s", s)
	return false
}

func (r *runner) environ(extra map[string]string, files map[string]string) []string {
	env := map[string]string{}
	for k, v := range r.env {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	for k, v := range files {
		env[k] = v
	}
	env["PATH"] = strings.Join(append(append([]string(nil), r.path...), env["PATH"]), string(os.PathListSeparator))
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// run executes the action and returns its outputs and the combined log.
func (r *runner) run(a action) (map[string]string, string, error) {
	actionPath, err := filepath.Abs(".")
	if err != nil {
		r.t.Fatal(err)
	}
	var log bytes.Buffer
	for i, s := range a.Runs.Steps {
		if !r.cond(s.If) {
			continue
		}
		if s.Uses != "" {
			r.skipped = append(r.skipped, s.Uses)
			continue
		}
		if s.Shell != "bash" {
			r.t.Fatalf("step %d (%s) would run on Linux with shell %q", i, s.Name, s.Shell)
		}
		dir := tempdir.New(r.t)
		files := map[string]string{
			"GITHUB_ENV":         filepath.Join(dir, "env"),
			"GITHUB_PATH":        filepath.Join(dir, "path"),
			"GITHUB_OUTPUT":      filepath.Join(dir, "output"),
			"GITHUB_ACTION_PATH": actionPath,
		}
		stepEnv := map[string]string{}
		for k, v := range s.Env {
			stepEnv[k] = r.eval(v)
		}
		if expr.MatchString(s.Run) {
			r.t.Fatalf("step %d (%s): expressions in run: are an injection risk; pass them through env:", i, s.Name)
		}
		cmd := exec.Command("bash", "-e", "-c", s.Run)
		cmd.Dir = r.workspace
		cmd.Env = r.environ(stepEnv, files)
		cmd.Stdout, cmd.Stderr = &log, &log
		if err := cmd.Run(); err != nil {
			return nil, log.String(), fmt.Errorf("step %d (%s): %w", i, s.Name, err)
		}
		for k, v := range readKV(r.t, files["GITHUB_ENV"]) {
			r.env[k] = v
		}
		if s.ID != "" {
			r.outputs[s.ID] = readKV(r.t, files["GITHUB_OUTPUT"])
		}
		for _, p := range readLines(r.t, files["GITHUB_PATH"]) {
			r.path = append([]string{p}, r.path...)
		}
	}
	outs := map[string]string{}
	for name, o := range a.Outputs {
		outs[name] = r.eval(o.Value)
	}
	return outs, log.String(), nil
}

func readLines(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sc.Text() != "" {
			lines = append(lines, sc.Text())
		}
	}
	return lines
}

func readKV(t *testing.T, path string) map[string]string {
	kv := map[string]string{}
	for _, l := range readLines(t, path) {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s: line %q is not KEY=VALUE", path, l)
		}
		kv[k] = v
	}
	return kv
}

// serveGovmRelease serves the stamped govm as the latest release, in
// GitHub's layout, for the action's setup-govm step to download.
func serveGovmRelease(t *testing.T) string {
	return govmrelease.Serve(t, govmrelease.Version, map[string][]byte{"govm": govmrelease.Binary(t)}, false)
}

func fakeGoDev(t *testing.T) *fakegodev.Server {
	var rels []release.Release
	files := map[string][]byte{}
	for _, v := range []string{"go1.23.0", "go1.22.5", "go1.21.13"} {
		name, data := faketoolchain.GoDevArchive(t, v, runtime.GOOS, runtime.GOARCH)
		files[name] = data
		rels = append(rels, fakegodev.NewRelease(v, fakegodev.ArchiveFile(name, data)))
	}
	return fakegodev.New(t, rels, files)
}

func needTools(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the Linux/macOS path of the action runs bash")
	}
	for _, tool := range []string{"bash", "sh", "tar", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
}

func newRunner(t *testing.T, godev *fakegodev.Server, toolCache string, inputs map[string]string) *runner {
	a := loadAction(t)
	all := map[string]string{}
	for name, in := range a.Inputs {
		all[name] = in.Default
	}
	for k, v := range inputs {
		all[k] = v
	}
	work := tempdir.New(t)
	return &runner{
		t: t, inputs: all, outputs: map[string]map[string]string{},
		toolCache: toolCache, workspace: work,
		env: map[string]string{
			"PATH":              os.Getenv("PATH"),
			"HOME":              work,
			"GOVM_SOURCE":       "godev",
			"GOVM_GODEV_URL":    godev.IndexURL(),
			"GOVM_DOWNLOAD_URL": godev.DownloadBase(),
			"GOENV":             "off",
			"NO_COLOR":          "1",
		},
	}
}

func TestActionInstallsAndExportsGo(t *testing.T) {
	needTools(t)
	releases := serveGovmRelease(t)
	godev := fakeGoDev(t)
	tests := []struct {
		name    string
		inputs  map[string]string
		files   map[string]string // written in the workspace
		wantErr string
		want    string
	}{
		{"go-version-file go.mod", map[string]string{"go-version-file": "go.mod"},
			map[string]string{"go.mod": "module x\n\ngo 1.22.0\n\ntoolchain go1.22.5\n"}, "", "go1.22.5"},
		{"go-version-file .go-version", map[string]string{"go-version-file": ".go-version"},
			map[string]string{".go-version": "1.21.13\n"}, "", "go1.21.13"},
		{"go-version-file go.work", map[string]string{"go-version-file": "go.work"},
			map[string]string{"go.work": "go 1.23.0\n\nuse .\n"}, "", "go1.23.0"},
		{"go-version constraint", map[string]string{"go-version": "1.22"}, nil, "", "go1.22.5"},
		{"pins of the workspace", nil, map[string]string{".go-version": "1.23.0\n"}, "", "go1.23.0"},
		{"both inputs", map[string]string{"go-version": "1.22", "go-version-file": "go.mod"},
			map[string]string{"go.mod": "module x\n\ngo 1.22.0\n"}, "not both", ""},
		{"missing file", map[string]string{"go-version-file": "sub/go.mod"}, nil, "does not exist", ""},
		{"no such release", map[string]string{"go-version": "1.99.1"}, nil, "1.99.1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.inputs = withRelease(tt.inputs, releases)
			r := newRunner(t, godev, tempdir.New(t), tt.inputs)
			for name, body := range tt.files {
				os.WriteFile(filepath.Join(r.workspace, name), []byte(body), 0o644)
			}
			outs, log, err := r.run(loadAction(t))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(log, tt.wantErr) {
					t.Fatalf("err = %v, want a failure mentioning %q; log:\n%s", err, tt.wantErr, log)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v; log:\n%s", err, log)
			}
			if outs["go-version"] != tt.want {
				t.Errorf("output go-version = %q, want %q; log:\n%s", outs["go-version"], tt.want, log)
			}
			if outs["govm-home"] != filepath.Join(r.toolCache, "govm") || r.env["GOVM_HOME"] != outs["govm-home"] {
				t.Errorf("govm-home %q, GOVM_HOME %q, want both under the tool cache", outs["govm-home"], r.env["GOVM_HOME"])
			}
			// A later step's `go` is the one the action picked.
			cmd := exec.Command("bash", "-c", "go version && govm version")
			cmd.Dir = r.workspace
			cmd.Env = r.environ(nil, nil)
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "go version "+tt.want+" ") || !strings.Contains(string(out), "govm "+govmrelease.Version) {
				t.Fatalf("a later step sees: %v\n%s", err, out)
			}
			if !strings.Contains(strings.Join(r.skipped, " "), "actions/cache@") {
				t.Errorf("the versions directory is not cached (uses: steps %v)", r.skipped)
			}
		})
	}
}

func withRelease(in map[string]string, releases string) map[string]string {
	out := map[string]string{"releases-url": releases}
	for k, v := range in {
		out[k] = v
	}
	return out
}

// TestActionRerunUsesTheCache runs the action twice on one tool cache, as a
// restored actions/cache would leave it: the second run downloads nothing.
func TestActionRerunUsesTheCache(t *testing.T) {
	needTools(t)
	releases := serveGovmRelease(t)
	godev := fakeGoDev(t)
	cache := tempdir.New(t)
	inputs := withRelease(map[string]string{"go-version": "1.22.5"}, releases)
	if _, log, err := newRunner(t, godev, cache, inputs).run(loadAction(t)); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	before := godev.HitsMatching("/dl/")
	if before != 1 {
		t.Fatalf("first run downloaded %d archives, want 1", before)
	}
	if _, log, err := newRunner(t, godev, cache, inputs).run(loadAction(t)); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	if got := godev.HitsMatching("/dl/"); got != before {
		t.Errorf("second run downloaded again (%d archive requests)", got-before)
	}
	// The cache step saves exactly the versions directory of that home.
	for _, s := range loadAction(t).Runs.Steps {
		if strings.HasPrefix(s.Uses, "actions/cache@") && s.With["path"] != "${{ steps.paths.outputs.govm-home }}/versions" {
			t.Errorf("cache path %q is not the govm versions directory", s.With["path"])
		}
	}
}
