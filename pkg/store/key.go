package store

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"

	"github.com/govm-dev/govm/pkg/goversion"
)

// Key names one toolchain: a Go version for one platform. An empty OS and
// Arch mean the host platform.
type Key struct {
	Version  goversion.Version
	OS, Arch string
}

// String returns "go1.22.5 linux/amd64" (or just the version for an empty
// platform), for messages.
func (k Key) String() string {
	if k.OS == "" && k.Arch == "" {
		return k.Version.String()
	}
	return k.Version.String() + " " + k.OS + "/" + k.Arch
}

// Dir returns the name of key's directory under versions/ when the host is
// the platform this program runs on: "go1.22.5" for a host toolchain,
// "go1.22.5.windows-amd64" for any other platform.
func (k Key) Dir() string { return k.dirName(runtime.GOOS, runtime.GOARCH) }

// keyJSON is Key's JSON form; goversion.Version has none of its own.
type keyJSON struct {
	Version string `json:"version"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// MarshalJSON writes {"version":"go1.22.5","os":"linux","arch":"amd64"},
// so reports that embed keys (List, Verify, Prune) print as `--json`.
func (k Key) MarshalJSON() ([]byte, error) {
	return json.Marshal(keyJSON{Version: k.Version.String(), OS: k.OS, Arch: k.Arch})
}

// UnmarshalJSON reads MarshalJSON's form; the version must parse.
func (k *Key) UnmarshalJSON(data []byte) error {
	var j keyJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	v, err := goversion.Parse(j.Version)
	if err != nil {
		return err
	}
	*k = Key{Version: v, OS: j.OS, Arch: j.Arch}
	return nil
}

func (k Key) dirName(hostOS, hostArch string) string {
	if (k.OS == "" && k.Arch == "") || (k.OS == hostOS && k.Arch == hostArch) {
		return k.Version.String()
	}
	return k.Version.String() + "." + k.OS + "-" + k.Arch
}

func (k Key) validate() error {
	if k.Version.IsZero() {
		return fmt.Errorf("%w: no version", ErrInvalidKey)
	}
	if !validPlatformWord(k.OS) || !validPlatformWord(k.Arch) {
		return fmt.Errorf("%w %q: os %q and arch %q must be lower-case letters and digits", ErrInvalidKey, k.Version, k.OS, k.Arch)
	}
	return nil
}

// validPlatformWord accepts GOOS and GOARCH values (and go.dev's "armv6l"):
// lower-case ASCII letters and digits. Excluding '.', '-' and separators
// keeps directory names unambiguous and inside versions/.
func validPlatformWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// parseDirName is the inverse of dirName: it reads "go1.22.5" as a host
// toolchain and "go1.22.5.windows-amd64" as one for another platform, and
// reports false for any name that is not a toolchain directory name.
func parseDirName(name, hostOS, hostArch string) (Key, bool) {
	ver, plat := name, ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 && strings.Contains(name[i+1:], "-") {
		ver, plat = name[:i], name[i+1:]
	}
	if !strings.HasPrefix(ver, "go") {
		return Key{}, false
	}
	v, err := goversion.Parse(ver)
	if err != nil || v.String() != ver {
		return Key{}, false
	}
	k := Key{Version: v, OS: hostOS, Arch: hostArch}
	if plat != "" {
		goos, goarch, ok := strings.Cut(plat, "-")
		if !ok || !validPlatformWord(goos) || !validPlatformWord(goarch) {
			return Key{}, false
		}
		if goos == hostOS && goarch == hostArch {
			return Key{}, false // the host's toolchains never carry a suffix
		}
		k.OS, k.Arch = goos, goarch
	}
	return k, true
}
