package goversion

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"
)

// loadReleases reads testdata/goversion/releases.txt: every published Go
// release name, oldest first.
func loadReleases(t testing.TB) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "goversion", "releases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			names = append(names, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(names) < 380 {
		t.Fatalf("releases.txt holds %d names; the history has more than 380", len(names))
	}
	return names
}

func releaseVersions(t testing.TB) []Version {
	var vs []Version
	for _, n := range loadReleases(t) {
		vs = append(vs, MustParse(n))
	}
	return vs
}

func TestReleasesParseAndRoundTrip(t *testing.T) {
	for _, name := range loadReleases(t) {
		v, err := Parse(name)
		if err != nil {
			t.Errorf("Parse(%q): %v", name, err)
			continue
		}
		if v.String() != name {
			t.Errorf("Parse(%q) = %s: published names are canonical", name, v)
		}
		if again, err := Parse(v.Number()); err != nil || again != v {
			t.Errorf("Parse(%q) = %v, %v; want %s", v.Number(), again, err, v)
		}
		wantPre := strings.Contains(name, "beta") || strings.Contains(name, "rc")
		if v.IsPrerelease() != wantPre {
			t.Errorf("%s.IsPrerelease() = %v, want %v", name, v.IsPrerelease(), wantPre)
		}
		if v.IsLang() {
			t.Errorf("%s.IsLang(): a published release is not a bare language version", name)
		}
		if !strings.HasPrefix(name, v.Lang()) {
			t.Errorf("%s.Lang() = %s", name, v.Lang())
		}
	}
}

func TestReleasesInGoOrder(t *testing.T) {
	vs := releaseVersions(t)
	for i := 1; i < len(vs); i++ {
		if Compare(vs[i-1], vs[i]) >= 0 {
			t.Errorf("releases.txt: %s does not sort before %s", vs[i-1], vs[i])
		}
		// The semver mapping must keep Go's order, or ranges would pick wrong.
		a := semver.MustParse(vs[i-1].Semver())
		b := semver.MustParse(vs[i].Semver())
		if !a.LessThan(b) {
			t.Errorf("semver %s (%s) does not sort before %s (%s)", a, vs[i-1], b, vs[i])
		}
	}
	shuffled := slices.Clone(vs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	Sort(shuffled)
	want := slices.Clone(vs)
	slices.Reverse(want)
	if !slices.Equal(shuffled, want) {
		t.Errorf("Sort of the shuffled history is not newest first: starts %v", shuffled[:5])
	}
}

func TestResolveOverHistory(t *testing.T) {
	all := releaseVersions(t)
	tests := []struct {
		req  string
		pre  bool
		want string
	}{
		{"latest", false, "go1.27.4"},
		{"stable", false, "go1.27.4"},
		{"oldstable", false, "go1.26.11"},
		{"1.27", false, "go1.27.4"},
		{"1.22", false, "go1.22.12"},
		{"1.22.x", false, "go1.22.12"},
		{"go1.22", false, "go1.22.12"},
		{"1.21", false, "go1.21.13"},
		{"1.20", false, "go1.20.14"},
		{"1.9", false, "go1.9.7"},
		{"1.2", false, "go1.2.2"},
		{"1.0", false, "go1.0.3"},
		{"1", false, "go1"},
		{"go1.22.5", false, "go1.22.5"},
		{"1.23rc2", false, "go1.23rc2"},
		{"go1.9beta2", false, "go1.9beta2"},
		{"go1.9.2rc2", false, "go1.9.2rc2"},
		{"1.20.0", false, "go1.20"},
		{"~1.21", false, "go1.21.13"},
		{"~1.20", false, "go1.20.14"},
		{"^1.21", false, "go1.27.4"},
		{">=1.21 <1.23", false, "go1.22.12"},
		{">=1.21, <1.23", false, "go1.22.12"},
		{">= 1.21 < 1.23", false, "go1.22.12"},
		{"1.20 - 1.22", false, "go1.22.12"},
		{"~1.9 || ~1.12", false, "go1.12.17"},
		{"<1.22", false, "go1.21.13"},
		{"<=1.22.3", false, "go1.22.3"},
		{"1.x", false, "go1.27.4"},
		{"*", false, "go1.27.4"},
		{">=go1.21rc1 <1.21.0", false, "go1.21rc4"}, // a prerelease term lets candidates in
		{"<1.27.0", true, "go1.26.11"},              // a candidate counts as the release it previews
		{"~1.27", true, "go1.27.4"},
		{"go 1.22", false, "go1.22.0"}, // the go command appends .0 for >= 1.21
		{"go 1.21", false, "go1.21.0"},
		{"go 1.20", false, "go1.20"},
		{"go 1.22.3", false, "go1.22.3"},
		{"go 1.21rc2", false, "go1.21rc2"},
		{"toolchain go1.23.4", false, "go1.23.4"},
		{"toolchain go1.21.0-custom", false, "go1.21.0"},
	}
	for _, tt := range tests {
		r, err := ParseRequest(tt.req)
		if err != nil {
			t.Errorf("ParseRequest(%q): %v", tt.req, err)
			continue
		}
		got, err := r.Resolve(all, ResolveOptions{Pre: tt.pre})
		if err != nil || got.String() != tt.want {
			t.Errorf("%q.Resolve(history, pre=%v) = %s, %v; want %s", tt.req, tt.pre, got, err, tt.want)
		}
		if !r.Matches(got, ResolveOptions{Pre: tt.pre}) {
			t.Errorf("%q resolved to %s but does not match it", tt.req, got)
		}
	}
}

func TestNoPrereleaseUnlessAsked(t *testing.T) {
	all := append(releaseVersions(t), MustParse("go1.28rc1"), MustParse("go1.28rc2"))
	for _, req := range []string{"latest", "1.x", "^1.27", ">=1.27.4"} {
		r, err := ParseRequest(req)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := r.Resolve(all, ResolveOptions{}); err != nil || got.String() != "go1.27.4" {
			t.Errorf("%q = %s, %v; want go1.27.4 (no prereleases unless asked)", req, got, err)
		}
		if got, err := r.Resolve(all, ResolveOptions{Pre: true}); err != nil || got.String() != "go1.28rc2" {
			t.Errorf("%q with Pre = %s, %v; want go1.28rc2", req, got, err)
		}
	}
	// oldstable counts stable lines only: go1.28's candidates do not move it.
	r, _ := ParseRequest("oldstable")
	if got, err := r.Resolve(all, ResolveOptions{Pre: true}); err != nil || got.String() != "go1.26.11" {
		t.Errorf("oldstable = %s, %v; want go1.26.11", got, err)
	}
}
