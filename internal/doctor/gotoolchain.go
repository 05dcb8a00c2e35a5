package doctor

import (
	"fmt"
	"strings"

	"github.com/govm-dev/govm/pkg/goversion"
)

// Toolchain modes of GOTOOLCHAIN, as the go command (1.21+) reads them.
const (
	modeLocal  = "local"  // never switch
	modeAuto   = "auto"   // switch when go.mod needs newer: PATH first, then download
	modePath   = "path"   // switch when go.mod needs newer, from PATH only
	modeForced = "forced" // GOTOOLCHAIN=go1.X.Y: always that release
)

// toolchainSetting is a parsed GOTOOLCHAIN value.
type toolchainSetting struct {
	Mode string
	// Min is the named release: the forced one, or the minimum of
	// go1.X.Y+auto / go1.X.Y+path; zero for plain local/auto/path.
	Min goversion.Version
}

// parseGOTOOLCHAIN reads a GOTOOLCHAIN value. Empty means the go command
// found none anywhere, which it treats as local.
func parseGOTOOLCHAIN(s string) (toolchainSetting, error) {
	s = strings.TrimSpace(s)
	name, suffix, hasSuffix := strings.Cut(s, "+")
	switch {
	case s == "" || s == "local":
		return toolchainSetting{Mode: modeLocal}, nil
	case s == "auto" || s == "local+auto":
		return toolchainSetting{Mode: modeAuto}, nil
	case s == "path" || s == "local+path":
		return toolchainSetting{Mode: modePath}, nil
	}
	bad := fmt.Errorf("GOTOOLCHAIN=%q: want local, auto, path, go1.X.Y, go1.X.Y+auto or go1.X.Y+path", s)
	if !strings.HasPrefix(name, "go1") {
		return toolchainSetting{}, bad
	}
	v, err := goversion.Parse(name)
	if err != nil || v.IsLang() || v.String() != name {
		return toolchainSetting{}, bad
	}
	if !hasSuffix {
		return toolchainSetting{Mode: modeForced, Min: v}, nil
	}
	switch suffix {
	case "auto":
		return toolchainSetting{Mode: modeAuto, Min: v}, nil
	case "path":
		return toolchainSetting{Mode: modePath, Min: v}, nil
	}
	return toolchainSetting{}, bad
}

// String writes the setting back in GOTOOLCHAIN syntax.
func (t toolchainSetting) String() string {
	switch {
	case t.Mode == modeForced:
		return t.Min.String()
	case t.Min.IsZero():
		return t.Mode
	}
	return t.Min.String() + "+" + t.Mode
}
