package doctor

import (
	"fmt"

	"github.com/govm-dev/govm/pkg/goversion"
)

// Actions the go command takes after reading GOTOOLCHAIN and go.mod.
const (
	actRun      = "run"      // the local toolchain runs
	actSwitch   = "switch"   // it execs go1.X.Y found on PATH
	actDownload = "download" // it downloads golang.org/toolchain from GOPROXY
	actRefuse   = "refuse"   // it stops with "requires go >= ..."
	actUnknown  = "unknown"  // no go on PATH, or its version is unknown
)

// plan is what typing `go` here does, and why: the base toolchain from
// PATH, the GOTOOLCHAIN setting, the go.mod/go.work requirement, and the
// resulting action.
type plan struct {
	Base       toolchain
	Setting    toolchainSetting
	SettingRaw string
	// SettingFrom is where GOTOOLCHAIN came from ("environment", a file),
	// or "" when the go command's default (local) applies.
	SettingFrom string
	SettingErr  error
	Mod         modInfo
	HasMod      bool
	ModErr      error
	// Target is the release that ends up running (or that is refused).
	Target goversion.Version
	Action string
	// FoundAt is where a switch found Target on PATH.
	FoundAt string
	// Reason completes "go resolves to Target because ...".
	Reason string
}

// minSwitchingGo is the first release that reads GOTOOLCHAIN at all.
var minSwitchingGo = goversion.MustParse("go1.21.0")

// plan works out what the go command will do in WorkDir.
func (e *Env) plan() plan {
	p := plan{Base: e.running()}
	gt := e.goEnv("GOTOOLCHAIN")
	p.SettingRaw, p.SettingFrom = gt.Value, gt.Origin
	p.Setting, p.SettingErr = parseGOTOOLCHAIN(gt.Value)
	p.Mod, p.HasMod, p.ModErr = e.findModInfo()

	v := p.Base.Version
	if v.IsZero() {
		p.Action, p.Reason = actUnknown, p.Base.Why
		return p
	}
	p.Target, p.Action, p.Reason = v, actRun, p.Base.Why
	if p.SettingErr != nil || goversion.Less(v, minSwitchingGo) {
		if p.HasMod && goversion.Less(v, p.Mod.need()) {
			p.Reason += fmt.Sprintf("; %s needs %s but %s cannot switch toolchains, so builds may fail", p.Mod.File, p.Mod.need(), v)
		}
		return p
	}
	setting := fmt.Sprintf("GOTOOLCHAIN=%s", p.Setting)
	if p.SettingFrom != "" {
		setting += " (from " + p.SettingFrom + ")"
	}
	want, why := v, ""
	switch p.Setting.Mode {
	case modeForced:
		want, why = p.Setting.Min, setting+" forces it"
	default:
		if !p.Setting.Min.IsZero() && goversion.Less(want, p.Setting.Min) {
			want, why = p.Setting.Min, setting+" asks for at least it"
		}
		if p.HasMod && goversion.Less(want, p.Mod.need()) {
			want, why = p.Mod.need(), fmt.Sprintf("%s needs it and %s allows switching", p.Mod.File, setting)
			if p.Setting.Mode == modeLocal {
				p.Target, p.Action = p.Mod.need(), actRefuse
				p.Reason = fmt.Sprintf("%s needs %s, newer than %s, and %s forbids switching: go refuses to run", p.Mod.File, p.Mod.need(), v, setting)
				return p
			}
		}
	}
	if p.Setting.Mode == modeForced && p.HasMod && goversion.Less(want, p.Mod.need()) {
		p.Target, p.Action = p.Mod.need(), actRefuse
		p.Reason = fmt.Sprintf("%s forces %s but %s needs %s: go refuses to run", setting, want, p.Mod.File, p.Mod.need())
		return p
	}
	if goversion.Compare(want, v) == 0 {
		return p
	}
	p.Target = want
	if found := e.look(want.String()); len(found) > 0 {
		p.Action, p.FoundAt = actSwitch, found[0]
		p.Reason = fmt.Sprintf("%s (%s is %s; go runs %s found on PATH)", why, p.Base.Exe, v, found[0])
		return p
	}
	if p.Setting.Mode == modePath {
		p.Action = actRefuse
		p.Reason = fmt.Sprintf("%s, but no %s is on PATH and GOTOOLCHAIN=path forbids downloading: go refuses to run", why, want)
		return p
	}
	p.Action = actDownload
	p.Reason = fmt.Sprintf("%s (%s is %s; go downloads %s from GOPROXY, outside govm)", why, p.Base.Exe, v, want)
	return p
}
