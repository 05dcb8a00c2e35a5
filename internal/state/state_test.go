package state

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestPreviousTogglesLikeCdDash(t *testing.T) {
	var s State
	now := time.Unix(0, 0)
	if _, ok := s.Previous("go1.22.5"); ok {
		t.Fatal("empty history has a previous version")
	}
	s.Record("go1.21.0", "use", now)
	s.Record("go1.22.5", "use", now)
	s.Record("go1.22.5", "ensure", now) // re-activating the same version is not a new "previous"
	prev, ok := s.Previous("go1.22.5")
	if !ok || prev != "go1.21.0" {
		t.Fatalf("Previous = %q %v, want go1.21.0", prev, ok)
	}
	s.Record(prev, "rollback", now)
	if prev, _ := s.Previous("go1.21.0"); prev != "go1.22.5" {
		t.Fatalf("second rollback goes to %q, want go1.22.5", prev)
	}
}

func TestSaveLoadRoundTripAndBound(t *testing.T) {
	p := filepath.Join(tempdir.New(t), "state.json")
	var s State
	for i := 0; i < 50; i++ {
		s.Record("go1.22."+string(rune('0'+i%10)), "use", time.Unix(int64(i), 0))
	}
	s.Last = &Operation{Command: "use", Version: "go1.22.9", OK: true}
	if err := Save(p, s); err != nil {
		t.Fatal(err)
	}
	got, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.History) != maxHistory || got.History[maxHistory-1].Version != s.History[49].Version || got.Last.Version != "go1.22.9" {
		t.Fatalf("round trip lost data: %+v", got)
	}
}

func TestLoadMissingAndCorrupt(t *testing.T) {
	dir := tempdir.New(t)
	if s, err := Load(filepath.Join(dir, "absent.json")); err != nil || len(s.History) != 0 {
		t.Fatalf("missing file: %v %+v", err, s)
	}
	p := filepath.Join(dir, "state.json")
	os.WriteFile(p, []byte("{not json"), 0o644)
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "move it aside") {
		t.Fatalf("corrupt file: err = %v", err)
	}
}
