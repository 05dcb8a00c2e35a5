package doctor

import (
	"errors"
	"fmt"
	"testing"

	"github.com/govm-dev/govm/internal/activate"
)

func TestWindowsJudgements(t *testing.T) {
	tests := []struct {
		name     string
		got      []Finding
		sev      Severity
		msg, fix string
	}{
		{"long paths on", judgeLongPaths(1, true, nil), OK, "LongPathsEnabled=1", ""},
		{"long paths off", judgeLongPaths(0, true, nil), Info, "260 characters", "LongPathsEnabled -Value 1"},
		{"long paths missing", judgeLongPaths(0, false, nil), Info, "not enabled", "PowerShell as administrator"},
		{"long paths unreadable", judgeLongPaths(0, false, errors.New("denied")), Info, "denied", ""},
		{"dev mode on", judgeDevMode(1, true), OK, "does not need it", ""},
		{"dev mode off", judgeDevMode(0, false), Info, "needs neither Developer Mode nor administrator rights", ""},
		{"env key writable", judgeEnvKey(nil), OK, "writable", ""},
		{"env key locked", judgeEnvKey(errors.New("Access is denied.")), Error, "Group Policy", "govm setup --system"},
		{"junctions ok", judgeJunction(`C:\govm`, nil), OK, "junctions work", ""},
		{"no junctions", judgeJunction(`E:\govm`, fmt.Errorf("set: %w", activate.ErrLinksUnsupported)), Warning, "FAT, exFAT", "govm setup --shims"},
		{"junction error", judgeJunction(`C:\govm`, errors.New("denied")), Warning, "denied", "govm setup --shims"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) != 1 {
				t.Fatalf("%+v", tt.got)
			}
			expect(t, tt.got[0], tt.sev, tt.msg, tt.fix)
		})
	}
}
