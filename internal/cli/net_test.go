package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRealInstallThroughModuleProxy installs a real toolchain through the
// module proxy configured for this machine (GOPROXY), verified by the
// checksum database reached through the proxy's /sumdb/ endpoint, and runs
// its go version. It needs the network, so it runs only with
// GOVM_NET_TESTS=1.
func TestRealInstallThroughModuleProxy(t *testing.T) {
	if os.Getenv("GOVM_NET_TESTS") != "1" {
		t.Skip("set GOVM_NET_TESTS=1 to install a real toolchain through the module proxy")
	}
	bin, err := exec.LookPath("govm")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cmd := exec.Command(bin, "install", "--source", "proxy", "--json", "1.25.14")
	cmd.Env = append(os.Environ(), "GOVM_HOME="+home, "GOVM_CONFIG=", "GOVM_MACHINE_CONFIG="+filepath.Join(home, "none.yaml"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"kind": "h1"`) {
		t.Fatalf("install was not verified by the checksum database:\n%s", out)
	}
	goBin := filepath.Join(home, "versions", "go1.25.14", "bin", "go")
	if runtime.GOOS == "windows" {
		goBin += ".exe"
	}
	v, err := exec.Command(goBin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "go version go1.25.14 " + runtime.GOOS + "/" + runtime.GOARCH; strings.TrimSpace(string(v)) != want {
		t.Fatalf("go version = %q, want %q", v, want)
	}
}
