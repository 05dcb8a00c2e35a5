package store

import (
	"errors"
	"testing"

	"github.com/govm-dev/govm/pkg/goversion"
)

func TestKeyDirName(t *testing.T) {
	v := goversion.MustParse("1.22.5")
	tests := []struct {
		key  Key
		want string
	}{
		{Key{Version: v, OS: "linux", Arch: "amd64"}, "go1.22.5"},
		{Key{Version: v}, "go1.22.5"},
		{Key{Version: v, OS: "windows", Arch: "amd64"}, "go1.22.5.windows-amd64"},
		{Key{Version: v, OS: "linux", Arch: "arm64"}, "go1.22.5.linux-arm64"},
		{Key{Version: goversion.MustParse("1.21rc2"), OS: "darwin", Arch: "arm64"}, "go1.21rc2.darwin-arm64"},
		{Key{Version: goversion.MustParse("1.20"), OS: "linux", Arch: "armv6l"}, "go1.20.linux-armv6l"},
	}
	for _, tc := range tests {
		got := tc.key.dirName("linux", "amd64")
		if got != tc.want {
			t.Errorf("%v.dirName = %q, want %q", tc.key, got, tc.want)
		}
		back, ok := parseDirName(got, "linux", "amd64")
		norm := tc.key
		if norm.OS == "" {
			norm.OS, norm.Arch = "linux", "amd64"
		}
		if !ok || back != norm {
			t.Errorf("parseDirName(%q) = %v, %v; want %v", got, back, ok, norm)
		}
	}
}

func TestParseDirNameRejects(t *testing.T) {
	for _, name := range []string{
		"", ".locks", "go", "1.22.5", "go1.22.5.json", "notes.txt", "go1.22.5.linux-amd64", // host suffix is never used
		"go1.22.5.windows", "go1.22.5.windows-", "go1.22.5.-amd64", "go1.22.5.Windows-amd64",
		"go1.22.5.windows-amd64-x", "gox.windows-amd64", "go1.22.05", "go2.0",
	} {
		if k, ok := parseDirName(name, "linux", "amd64"); ok {
			t.Errorf("parseDirName(%q) = %v, want not a toolchain directory", name, k)
		}
	}
}

func TestKeyValidate(t *testing.T) {
	v := goversion.MustParse("1.22.5")
	for _, k := range []Key{
		{},
		{Version: v, OS: "windows"},
		{Version: v, OS: "../x", Arch: "amd64"},
		{Version: v, OS: "windows", Arch: "amd64/.."},
		{Version: v, OS: "Windows", Arch: "amd64"},
		{Version: v, OS: "win-dows", Arch: "amd64"},
	} {
		if _, err := newTestStore(t).normalize(k); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("normalize(%#v) = %v, want ErrInvalidKey", k, err)
		}
	}
}

func TestKeyDirUsesRuntimeHost(t *testing.T) {
	k := Key{Version: goversion.MustParse("1.22.5")}
	if got := k.Dir(); got != "go1.22.5" {
		t.Errorf("Dir() of a key without platform = %q", got)
	}
	k.OS, k.Arch = "plan9", "386"
	if got := k.Dir(); got != "go1.22.5.plan9-386" {
		t.Errorf("Dir() = %q", got)
	}
}
