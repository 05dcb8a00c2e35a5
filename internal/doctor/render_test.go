package doctor

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	rep := Report{
		Checks: []Finding{
			{ID: "GOVM-HOME", Category: CatGovm, Severity: OK, Message: "home ok"},
			{ID: "PATH-GO", Category: CatPath, Severity: Error, Message: "/usr/bin/go runs", Fix: "sudo apt remove golang-go"},
			{ID: "PATH-HYGIENE", Category: CatPath, Severity: Info, Message: "2 dead entries"},
			{ID: "GOENV-PROXY", Category: CatGoEnv, Severity: Warning, Message: "GOSUMDB=off", Fix: "go env -u GOSUMDB"},
			{ID: "DIR-EFFECTIVE", Category: CatDir, Severity: Info, Message: "go resolves to go1.22.5 because x"},
		},
		Fixed: []Applied{{ID: "GOVM-STALE", Changed: "removed 1 leftovers: x"}, {ID: "PATH-SETUP", Error: "denied"}},
	}
	var b strings.Builder
	if err := Render(&b, rep, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"[✓] govm installation\n",
		"[✗] PATH\n    ✗ PATH-GO: /usr/bin/go runs\n      fix: sudo apt remove golang-go\n    i PATH-HYGIENE: 2 dead entries\n",
		"[!] Go environment\n    ! GOENV-PROXY: GOSUMDB=off\n      fix: go env -u GOSUMDB\n",
		"[✓] This directory\n    i DIR-EFFECTIVE: go resolves to go1.22.5 because x\n",
		"fixed GOVM-STALE: removed 1 leftovers: x\n",
		"could not fix PATH-SETUP: denied\n",
		"Doctor found 1 error, 1 warning (2 notes) in 5 checks.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "home ok") || strings.Contains(out, "\x1b[") {
		t.Errorf("OK findings or colour shown without asking:\n%s", out)
	}
	b.Reset()
	Render(&b, rep, RenderOptions{Color: true, ShowOK: true})
	if !strings.Contains(b.String(), "\x1b[31m✗\x1b[0m") || !strings.Contains(b.String(), "home ok") {
		t.Errorf("colour or OK findings missing:\n%s", b.String())
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		fs   []Finding
		want string
	}{
		{[]Finding{{ID: "A"}, {ID: "B"}}, "No issues found in 2 checks."},
		{[]Finding{{ID: "A", Severity: Info}}, "No issues found in 1 check (1 note)."},
		{[]Finding{{ID: "A", Severity: Warning}, {ID: "A", Severity: Warning}, {ID: "B"}}, "Doctor found 2 warnings in 2 checks."},
	}
	for _, tt := range tests {
		if got := Summary(Report{Checks: tt.fs}); got != tt.want {
			t.Errorf("Summary = %q, want %q", got, tt.want)
		}
	}
}

func TestRenderList(t *testing.T) {
	var b strings.Builder
	RenderList(&b, Checks())
	if !strings.Contains(b.String(), "GOVM-STALE") || !strings.Contains(b.String(), "(--fix)") {
		t.Errorf("list:\n%s", b.String())
	}
}
