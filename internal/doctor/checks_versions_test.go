package doctor

import (
	"context"
	"errors"
	"testing"

	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
)

// fixtureIndex mirrors the releases the CLI's script tests serve.
var fixtureIndex = []release.Release{
	{Version: "go1.23.0", Stable: true},
	{Version: "go1.23rc2", Stable: false},
	{Version: "go1.22.5", Stable: true},
	{Version: "go1.22.4", Stable: true},
	{Version: "go1.21.13", Stable: true},
}

func TestJudgeVersion(t *testing.T) {
	stable := stableVersions(fixtureIndex)
	tests := []struct {
		v        string
		sev      Severity
		msg, fix string
	}{
		{"go1.23.0", OK, "newest patch of a supported release", ""},
		{"go1.22.5", OK, "newest patch", ""},
		{"go1.22.4", Info, "newer patch release, go1.22.5", "govm install 1.22.5 && govm use 1.22.5"},
		{"go1.21.13", Warning, "no longer supported: security fixes go only to the two newest major releases (go1.23 and go1.22)", "govm install 1.22.5"},
		{"go1.23rc2", Warning, "prerelease, and go1.23.0 is out", "govm install 1.23.0"},
		{"go1.24rc1", Info, "the newest stable release is go1.23.0", ""},
		{"go1.24.0", OK, "", ""}, // newer than the index: not unsupported
	}
	for _, tt := range tests {
		fs := judgeVersion(goversion.MustParse(tt.v), stable)
		if len(fs) != 1 {
			t.Fatalf("%s: %+v", tt.v, fs)
		}
		fs[0].ID = tt.v
		expect(t, fs[0], tt.sev, tt.msg, tt.fix)
	}
	if fs := judgeVersion(goversion.MustParse("go1.22.5"), nil); fs[0].Severity != Info {
		t.Errorf("empty index: %+v", fs)
	}
}

func TestVersionsCheck(t *testing.T) {
	t.Run("no index", func(t *testing.T) {
		m := govmMachine(t)
		expect(t, only(t, m.run(false, "VERSIONS-SUPPORT")), Info, "no release index", "--online")
	})
	t.Run("index not cached", func(t *testing.T) {
		m := govmMachine(t)
		env := m.Env()
		env.Releases = func(context.Context) ([]release.Release, error) {
			return nil, errors.New("offline, and no cached copy")
		}
		checks, _ := Select([]string{"VERSIONS-SUPPORT"})
		expect(t, only(t, Run(t.Context(), env, Options{Checks: checks})), Info, "no cached copy", "govm doctor --online")
	})
	t.Run("unsupported active version", func(t *testing.T) {
		m := newMachine(t)
		m.install("go1.21.13")
		m.use("go1.21.13")
		m.appendPath(m.home.CurrentBin())
		env := m.Env()
		env.Releases = func(context.Context) ([]release.Release, error) { return fixtureIndex, nil }
		checks, _ := Select([]string{"VERSIONS-SUPPORT"})
		expect(t, only(t, Run(t.Context(), env, Options{Checks: checks})), Warning, "go1.21.13 is no longer supported", "govm install 1.22.5")
	})
}
