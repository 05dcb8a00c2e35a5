package scan

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/module"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// hookSource wraps a ModSource, records the version lists asked for, and
// lets a test hold a go.mod back until something has happened.
type hookSource struct {
	ModSource
	// goMod, when set, runs before GoMod of path@version; an error fails it.
	goMod func(ctx context.Context, path, version string) error

	mu       sync.Mutex
	listed   []string
	listedCh chan struct{} // closed by the first Versions call
	modCh    map[string]chan struct{}
}

func newHookSource(src ModSource) *hookSource {
	return &hookSource{ModSource: src, listedCh: make(chan struct{}), modCh: map[string]chan struct{}{}}
}

func (h *hookSource) Versions(ctx context.Context, path string) ([]string, error) {
	h.mu.Lock()
	h.listed = append(h.listed, path)
	if len(h.listed) == 1 {
		close(h.listedCh)
	}
	h.mu.Unlock()
	return h.ModSource.Versions(ctx, path)
}

func (h *hookSource) GoMod(ctx context.Context, path, version string) ([]byte, error) {
	h.mu.Lock()
	ch := h.asked(path + "@" + version)
	select {
	case <-ch:
	default:
		close(ch)
	}
	h.mu.Unlock()
	if h.goMod != nil {
		if err := h.goMod(ctx, path, version); err != nil {
			return nil, err
		}
	}
	return h.ModSource.GoMod(ctx, path, version)
}

// goModAsked returns a channel closed once GoMod of mod was called.
func (h *hookSource) goModAsked(mod string) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.asked(mod)
}

func (h *hookSource) asked(mod string) chan struct{} {
	if h.modCh[mod] == nil {
		h.modCh[mod] = make(chan struct{})
	}
	return h.modCh[mod]
}

func (h *hookSource) listedPaths() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := append([]string(nil), h.listed...)
	sort.Strings(out)
	return out
}

// waitFor returns nil once ch is closed, or an error naming what never
// happened; tests use it where a sequential implementation would block.
func waitFor(ctx context.Context, ch <-chan struct{}, what string) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Second):
		return fmt.Errorf("%s never happened", what)
	}
}

func fixtureSource(t *testing.T, name string) (string, memSource) {
	t.Helper()
	fx := loadFixture(t, "../../testdata/scan/"+name)
	root := tempdir.New(t)
	writeTree(t, root, fx.tree)
	return filepath.Join(root, filepath.FromSlash(fx.option("dir"))), memSource(fx.mods)
}

// Scan starts the outdated check as soon as the build list is selected:
// the go.mod of q, beyond the pruning horizon, is held back until a version
// list has been asked for, so a scan that read every go.mod first would
// never get there.
func TestScanChecksOutdatedWhileReadingUnloadedGoMods(t *testing.T) {
	dir, mem := fixtureSource(t, "plan.txtar")
	src := newHookSource(mem)
	src.goMod = func(ctx context.Context, path, _ string) error {
		if path != "example.com/q" {
			return nil
		}
		return waitFor(ctx, src.listedCh, "a version list request while the graph was read")
	}
	r, err := Scan(context.Background(), Options{Dir: dir, Source: src, Outdated: true})
	if err != nil {
		t.Fatal(err)
	}
	if q := findModule(r.Modules, "example.com/q"); q == nil || q.Loaded || q.GoVersion != "1.23" || q.Error != "" {
		t.Errorf("q = %+v, want unloaded with go 1.23", q)
	}
	g, err := LoadGraph(context.Background(), dir, GraphOptions{Source: mem})
	if err != nil {
		t.Fatal(err)
	}
	want, err := CheckOutdated(context.Background(), g, OutdatedOptions{Source: mem})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !reflect.DeepEqual(r.Outdated, want) {
		t.Errorf("Scan's outdated modules differ from CheckOutdated's:\n got %+v\nwant %+v", r.Outdated, want)
	}
}

// The early check (from the build list) and CheckOutdated (from the
// described graph) look up the same modules: no main module, no directory
// replacement, every version replacement under its original path.
func TestEarlyOutdatedCheckLooksUpWhatCheckOutdatedDoes(t *testing.T) {
	tests := []struct {
		fixture string
		never   []string
	}{
		{"plan.txtar", []string{"example.com/main"}},
		{"graph/replace.txtar", []string{"example.com/main", "example.com/b"}},
		{"graph/workspace.txtar", []string{"example.com/m1", "example.com/m2", "example.com/k"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			dir, mem := fixtureSource(t, tt.fixture)
			early := newHookSource(mem)
			if _, err := Scan(context.Background(), Options{Dir: dir, Source: early, Outdated: true}); err != nil {
				t.Fatal(err)
			}
			g, err := LoadGraph(context.Background(), dir, GraphOptions{Source: mem})
			if err != nil {
				t.Fatal(err)
			}
			late := newHookSource(mem)
			if _, err := CheckOutdated(context.Background(), g, OutdatedOptions{Source: late}); err != nil {
				t.Fatal(err)
			}
			got, want := early.listedPaths(), late.listedPaths()
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("version lists asked for:\n Scan          %v\n CheckOutdated %v", got, want)
			}
			for _, p := range tt.never {
				for _, l := range got {
					if l == p {
						t.Errorf("the version list of %s was asked for", p)
					}
				}
			}
		})
	}
}

// The go.mod of the newest patch of the current minor is fetched while the
// latest go.mod (which says what is retracted) is read.
func TestCheckOneFetchesPatchAlongsideLatest(t *testing.T) {
	mem := memSource{
		modV("example.com/x", "v1.0.0"): []byte("module example.com/x\n\ngo 1.20\n"),
		modV("example.com/x", "v1.0.3"): []byte("module example.com/x\n\ngo 1.21\n"),
		modV("example.com/x", "v1.1.0"): []byte("module example.com/x\n\ngo 1.22\n"),
	}
	src := newHookSource(mem)
	src.goMod = func(ctx context.Context, path, version string) error {
		if version != "v1.1.0" {
			return nil
		}
		return waitFor(ctx, src.goModAsked("example.com/x@v1.0.3"), "the patch go.mod request while the latest was read")
	}
	o := checkOne(context.Background(), newCachedSource(src), "example.com/x", "v1.0.0")
	want := Outdated{Path: "example.com/x", Version: "v1.0.0", Latest: "v1.1.0", LatestGo: "1.22", LatestPatch: "v1.0.3", LatestPatchGo: "1.21", Newer: 2}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("checkOne = %+v\nwant %+v", o, want)
	}
}

func TestPatchCandidate(t *testing.T) {
	tests := []struct {
		vs      string // newest first
		current string
		want    string
	}{
		{"v1.2.0 v1.1.5 v1.1.4 v1.1.0", "v1.1.0", "v1.1.5"},
		{"v1.2.0 v1.1.0", "v1.1.0", ""},
		{"v2.0.0 v1.1.0", "v1.1.0", ""},
		{"v1.1.3 v1.1.0", "v1.1.0", "v1.1.3"}, // also the latest: checkOne skips it
		{"v1.1.3 v1.1.2", "v1.1.3", ""},
		{"v1.0.0-rc.2 v1.0.0-rc.1", "v1.0.0-rc.1", "v1.0.0-rc.2"},
		{"", "v1.0.0", ""},
	}
	for _, tt := range tests {
		if got := patchCandidate(strings.Fields(tt.vs), tt.current); got != tt.want {
			t.Errorf("patchCandidate(%q, %s) = %q, want %q", tt.vs, tt.current, got, tt.want)
		}
	}
}

// A check abandoned because the scan failed stops its fetches and is waited
// for; what it left half done is not remembered by the scan's source.
func TestAbandonedOutdatedCheckStops(t *testing.T) {
	mem := memSource{modV("example.com/x", "v1.0.0"): []byte("module example.com/x\n")}
	src := newHookSource(mem)
	cancelled := make(chan struct{})
	blocking := &blockingSource{ModSource: src, cancelled: cancelled}
	cached := newCachedSource(blocking)
	var run outdatedRun
	run.start(context.Background(), []module.Version{modV("example.com/x", "v1.0.0")}, func(module.Version) bool { return false },
		OutdatedOptions{Source: cached})
	if err := waitFor(context.Background(), src.listedCh, "the version list request"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		run.abandon()
		close(done)
	}()
	if err := waitFor(context.Background(), done, "abandon returning"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-cancelled:
	default:
		t.Fatal("abandon returned without cancelling the fetch")
	}
	blocking.release = true
	if vs, err := cached.Versions(context.Background(), "example.com/x"); err != nil || len(vs) != 1 {
		t.Errorf("Versions after the abandoned fetch = %v, %v; want the list, fetched again", vs, err)
	}
}

// blockingSource's Versions waits for its context unless released.
type blockingSource struct {
	ModSource
	cancelled chan struct{}
	release   bool
}

func (b *blockingSource) Versions(ctx context.Context, path string) ([]string, error) {
	if b.release {
		return b.ModSource.Versions(ctx, path)
	}
	_, _ = b.ModSource.Versions(ctx, path)
	<-ctx.Done()
	close(b.cancelled)
	return nil, errors.Join(ErrUnavailable, ctx.Err())
}

func findModule(mods []*Module, path string) *Module {
	for _, m := range mods {
		if m.Path == path {
			return m
		}
	}
	return nil
}
