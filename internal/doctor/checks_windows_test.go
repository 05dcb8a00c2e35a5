package doctor

import (
	"os"
	"testing"
)

// These run under Wine (bash .ci/wine.sh ./internal/doctor) and on real Windows.

func TestWindowsChecksRun(t *testing.T) {
	m := newMachine(t)
	rep := m.run(false, "WIN-JUNCTION", "WIN-LONGPATHS", "WIN-DEVMODE", "WIN-ENVKEY")
	got := map[string]Finding{}
	for _, f := range rep.Checks {
		got[f.ID] = f
	}
	if f := got["WIN-ENVKEY"]; f.Severity != OK {
		t.Errorf(`HKCU\Environment should be writable for the test user: %+v`, f)
	}
	// Wine cannot create junctions; real NTFS can. Either way the answer is
	// a verdict, not a crash, and the probe leaves nothing behind.
	if f := got["WIN-JUNCTION"]; f.Severity != OK && f.Severity != Warning {
		t.Errorf("WIN-JUNCTION: %+v", f)
	}
	for _, id := range []string{"WIN-LONGPATHS", "WIN-DEVMODE"} {
		if f := got[id]; f.Severity != OK && f.Severity != Info {
			t.Errorf("%s: %+v", id, f)
		}
	}
	entries, err := os.ReadDir(m.home.Root)
	if err != nil || len(entries) != 0 {
		t.Errorf("probe left %v (%v)", entries, err)
	}
}
