package doctor

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestRunRecoversAndTimesOut(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	checks := []Check{
		{ID: "T-OK", Category: CatGovm, Title: "nothing to report", Run: func(context.Context, *Env) []Finding { return nil }},
		{ID: "T-PANIC", Category: CatGovm, Title: "crashes", Run: func(context.Context, *Env) []Finding { panic("boom") }},
		// Ignores its context on purpose: Run must return anyway.
		{ID: "T-HANG", Category: CatPath, Title: "hangs", Timeout: 50 * time.Millisecond,
			Run: func(context.Context, *Env) []Finding { <-block; return nil }},
		{ID: "T-TWO", Category: CatPath, Title: "two findings", Run: func(context.Context, *Env) []Finding {
			return []Finding{{Severity: Info, Message: "a"}, {Severity: Warning, Message: "b"}}
		}},
	}
	start := time.Now()
	rep := Run(context.Background(), Env{Home: newMachine(t).home}, Options{Checks: checks})
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Run took %s with a hanging check", d)
	}
	got := map[string][]Finding{}
	for _, f := range rep.Checks {
		got[f.ID] = append(got[f.ID], f)
	}
	if f := got["T-OK"]; len(f) != 1 || f[0].Severity != OK || f[0].Message != "nothing to report" || f[0].Category != CatGovm {
		t.Errorf("T-OK = %+v, want one OK finding titled by the check", f)
	}
	if f := got["T-PANIC"]; len(f) != 1 || f[0].Severity != Error || !strings.Contains(f[0].Message, "crashed: boom") {
		t.Errorf("T-PANIC = %+v, want an error saying it crashed", f)
	}
	if f := got["T-HANG"]; len(f) != 1 || f[0].Severity != Error || !strings.Contains(f[0].Message, "did not finish within 50ms") {
		t.Errorf("T-HANG = %+v, want a timeout error", f)
	}
	if f := got["T-TWO"]; len(f) != 2 || f[1].ID != "T-TWO" || f[1].Category != CatPath {
		t.Errorf("T-TWO = %+v, want both findings stamped with the check", f)
	}
	// Findings keep the order of the checks, whatever order they finished in.
	var order []string
	for _, f := range rep.Checks {
		if len(order) == 0 || order[len(order)-1] != f.ID {
			order = append(order, f.ID)
		}
	}
	if strings.Join(order, ",") != "T-OK,T-PANIC,T-HANG,T-TWO" {
		t.Errorf("order %v", order)
	}
	if rep.Worst() != Error || !rep.Fails(Error) || !rep.Fails(Warning) || rep.Count(Warning) != 1 {
		t.Errorf("Worst %s, Count(Warning) %d", rep.Worst(), rep.Count(Warning))
	}
}

func TestFailsThreshold(t *testing.T) {
	warn := Report{Checks: []Finding{{Severity: OK}, {Severity: Warning}}}
	tests := []struct {
		rep       Report
		threshold Severity
		want      bool
	}{
		{warn, Error, false},
		{warn, Warning, true},
		{warn, Info, true},
		{Report{Checks: []Finding{{Severity: Info}}}, Warning, false},
		{Report{}, Error, false},
	}
	for i, tt := range tests {
		if got := tt.rep.Fails(tt.threshold); got != tt.want {
			t.Errorf("%d: Fails(%s) = %v, want %v", i, tt.threshold, got, tt.want)
		}
	}
}

func TestSeverityNamesAndJSON(t *testing.T) {
	for _, s := range []Severity{OK, Info, Warning, Error} {
		got, err := ParseSeverity(strings.ToUpper(s.String()))
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil || !strings.Contains(err.Error(), "warning") {
		t.Errorf("ParseSeverity(fatal) error %v should list the valid names", err)
	}
	b, err := json.Marshal(Finding{ID: "X", Category: CatPath, Severity: Warning, Message: "m", Fix: "f"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"X","category":"path","severity":"warning","message":"m","fix":"f"}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || back.Severity != Warning {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

func TestSelect(t *testing.T) {
	cs, err := Select([]string{"path-go", "GOVM-HOME", "PATH-GO"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ID != "GOVM-HOME" || cs[1].ID != "PATH-GO" {
		t.Errorf("Select = %v, want GOVM-HOME then PATH-GO, once each", ids(cs))
	}
	if _, err := Select([]string{"NOPE-1"}); err == nil || !strings.Contains(err.Error(), "NOPE-1") || !strings.Contains(err.Error(), "--list") {
		t.Errorf("unknown ID error = %v", err)
	}
}

func TestRegistryIsComplete(t *testing.T) {
	all := Checks()
	seen := map[string]bool{}
	for _, c := range all {
		if seen[c.ID] || c.Title == "" || strings.ToUpper(c.ID) != c.ID {
			t.Errorf("check %q: duplicate, untitled or not upper case", c.ID)
		}
		seen[c.ID] = true
	}
	for _, id := range []string{"GOVM-HOME", "GOVM-CURRENT", "GOVM-VERIFY", "GOVM-STALE", "GOVM-DISK",
		"PATH-GO", "PATH-SETUP", "PATH-HYGIENE", "PATH-GOBIN",
		"GOENV-GOROOT", "GOENV-TOOLCHAIN", "GOENV-PROXY", "GOENV-CGO",
		"DIR-GOMOD", "DIR-PIN", "DIR-EFFECTIVE", "VERSIONS-SUPPORT"} {
		if !seen[id] {
			t.Errorf("check %s is not registered", id)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a duplicate ID did not panic")
		}
	}()
	register(Check{ID: "GOVM-HOME", Category: CatGovm, Title: "dup", Run: checkHome})
}

func ids(cs []Check) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestFixCrashIsReported(t *testing.T) {
	c := Check{ID: "T-FIX", Category: CatGovm, Title: "fixable",
		Run: func(context.Context, *Env) []Finding {
			return []Finding{{Severity: Warning, Message: "w", Fixable: true}}
		},
		Fix: func(context.Context, *Env, Finding) (string, error) { panic("fix boom") }}
	rep := Run(context.Background(), Env{Home: newMachine(t).home}, Options{Checks: []Check{c}, Fix: true})
	if len(rep.Fixed) != 1 || !strings.Contains(rep.Fixed[0].Error, "the fix crashed: fix boom") {
		t.Errorf("Fixed = %+v", rep.Fixed)
	}
	if len(rep.Checks) != 1 || rep.Checks[0].Severity != Warning {
		t.Errorf("the check should be re-run and still warn: %+v", rep.Checks)
	}
}
