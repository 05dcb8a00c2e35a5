package doctor

import (
	"path/filepath"
	"strings"

	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/pkg/goversion"
)

// ownerKind classifies who installed a go binary found on PATH.
type ownerKind string

const (
	ownerCurrent    ownerKind = "govm"       // <home>/current/bin
	ownerShim       ownerKind = "govm-shim"  // <home>/bin
	ownerMSI        ownerKind = "msi"        // C:\Program Files\Go
	ownerDistro     ownerKind = "distro"     // /usr/bin, /usr/lib/go-1.x
	ownerTarball    ownerKind = "tarball"    // /usr/local/go
	ownerHomebrew   ownerKind = "homebrew"   // /opt/homebrew, Cellar
	ownerScoop      ownerKind = "scoop"      // scoop\shims
	ownerChocolatey ownerKind = "chocolatey" // chocolatey\bin
	ownerGoDL       ownerKind = "golang.org/dl"
	ownerOther      ownerKind = "other"
)

// owner is a classified go binary: its kind, a readable name, and how to
// take it off the user's way.
type owner struct {
	Kind ownerKind
	Name string
	// Remove is the fix that stops it from shadowing govm.
	Remove string
}

// ownerOf classifies the go binary at exe by where it lives. govm's own
// directories are compared literally (not through the current link, which
// would make any versions/goX/bin look like current/bin).
func (e *Env) ownerOf(exe string) owner {
	dir := filepath.Dir(exe)
	if e.windows() {
		dir = filepathDir(exe) // '\' separates even when tests run on Linux
	}
	same := func(a, b string) bool { return cleanEqual(a, b, e.windows()) }
	switch {
	case same(dir, e.Home.CurrentBin()):
		return owner{Kind: ownerCurrent, Name: "govm's active toolchain"}
	case same(dir, e.Home.Bin()):
		return owner{Kind: ownerShim, Name: "govm's shim"}
	}
	low := strings.ToLower(strings.ReplaceAll(exe, `\`, "/"))
	base := strings.TrimSuffix(filepath.Base(low), ".exe")
	switch {
	case strings.Contains(low, "/program files/go/") || strings.Contains(low, "/program files (x86)/go/"):
		return owner{Kind: ownerMSI, Name: "the Go MSI installer",
			Remove: `uninstall "Go Programming Language" in Settings > Apps (administrator), or remove ` + dir + ` from the system PATH`}
	case strings.Contains(low, "/scoop/"):
		return owner{Kind: ownerScoop, Name: "Scoop", Remove: "scoop uninstall go"}
	case strings.Contains(low, "/chocolatey/"):
		return owner{Kind: ownerChocolatey, Name: "Chocolatey", Remove: "choco uninstall golang (administrator)"}
	case strings.Contains(low, "/homebrew/") || strings.Contains(low, "/cellar/") || strings.Contains(low, "/linuxbrew/"):
		return owner{Kind: ownerHomebrew, Name: "Homebrew", Remove: "brew uninstall go"}
	case strings.HasPrefix(low, "/usr/local/go/"):
		return owner{Kind: ownerTarball, Name: "a go.dev tarball in /usr/local/go",
			Remove: "sudo rm -rf /usr/local/go, and remove /usr/local/go/bin from PATH in your shell profile"}
	case strings.HasPrefix(low, "/usr/bin/") || strings.HasPrefix(low, "/usr/lib/go") || strings.HasPrefix(low, "/bin/"):
		return owner{Kind: ownerDistro, Name: "a distribution package",
			Remove: "uninstall it with your package manager (sudo apt remove golang-go, sudo dnf remove golang)"}
	case base != "go" && base != "gofmt" && isVersionedName(base):
		return owner{Kind: ownerGoDL, Name: "golang.org/dl", Remove: "rm " + exe}
	case strings.Contains(low, "/sdk/go1"):
		return owner{Kind: ownerGoDL, Name: "golang.org/dl (~/sdk)", Remove: "remove " + dir + " from PATH"}
	}
	return owner{Kind: ownerOther, Name: "installed outside govm", Remove: "remove " + dir + " from PATH, or put govm's directories before it"}
}

// isVersionedName reports whether base is a go1.X.Y name.
func isVersionedName(base string) bool {
	_, v, ok := shim.Tool(base)
	return ok && !v.IsZero()
}

// decide asks the shim's resolver which toolchain runs in WorkDir.
func (e *Env) decide() (shim.Decision, error) {
	return shim.Decide(e.Home, e.WorkDir, goversion.Version{}, e.Getenv)
}
