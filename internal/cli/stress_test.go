package cli_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/fakegodev"
)

// govmCmd runs the govm that testscript.Main placed on PATH, with a clean
// environment pointing at srv and home.
func govmCmd(t *testing.T, home string, srv *fakegodev.Server, args ...string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("govm")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = home // away from this repository's go.mod, which pins a version
	cmd.Env = append(os.Environ(),
		"GOVM_HOME="+home,
		"GOVM_SOURCE=godev",
		"GOVM_GODEV_URL="+srv.IndexURL(),
		"GOVM_DOWNLOAD_URL="+srv.DownloadBase(),
		"GOVM_MACHINE_CONFIG="+filepath.Join(home, "no-machine-config.yaml"),
		"GOVM_CONFIG=",
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"GOVM_RETRIES=0",
	)
	return cmd
}

func archiveName(v string) string {
	if runtime.GOOS == "windows" {
		return v + "." + runtime.GOOS + "-" + runtime.GOARCH + ".zip"
	}
	return v + "." + runtime.GOOS + "-" + runtime.GOARCH + ".tar.gz"
}

// TestConcurrentInstallsDownloadOnce: eight processes installing the same
// version at once all succeed, and the archive is downloaded exactly once.
func TestConcurrentInstallsDownloadOnce(t *testing.T) {
	fx := loadFixtures(t)
	srv := fakegodev.New(t, fx.releases, fx.godevFiles)
	home := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	outs := make([][]byte, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = govmCmd(t, home, srv, "install", "1.22.5").CombinedOutput()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("install %d: %v\n%s", i, err, outs[i])
		}
	}
	if n := srv.Hits(fakegodev.ArchivePath(archiveName("go1.22.5"))); n != 1 {
		t.Fatalf("archive downloaded %d times, want 1", n)
	}
	out, err := govmCmd(t, home, srv, "verify", "1.22.5").CombinedOutput()
	if err != nil {
		t.Fatalf("verify after concurrent installs: %v\n%s", err, out)
	}
}

// TestInstallKilledAtRandomPoints kills installs with SIGKILL at random
// instants; `govm list` must never show a version that does not verify, and
// the next install must succeed.
func TestInstallKilledAtRandomPoints(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL of a process tree is a Unix test")
	}
	fx := loadFixtures(t)
	srv := fakegodev.New(t, fx.releases, fx.godevFiles)
	home := t.TempDir()

	// Measure one undisturbed install to spread kills across its whole life.
	start := time.Now()
	if out, err := govmCmd(t, home, srv, "install", "1.22.5").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	full := time.Since(start)
	if out, err := govmCmd(t, home, srv, "uninstall", "1.22.5").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	os.RemoveAll(filepath.Join(home, "cache"))

	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	killed := 0
	for i := range 20 {
		cmd := govmCmd(t, home, srv, "install", "1.22.5")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full) * 12 / 10)))
		if cmd.Process.Kill() == nil {
			killed++
		}
		cmd.Wait()

		var list []struct{ Version string }
		out, err := govmCmd(t, home, srv, "list", "--json").Output()
		if err != nil {
			t.Fatalf("round %d: list: %v", i, err)
		}
		if err := json.Unmarshal(out, &list); err != nil {
			t.Fatalf("round %d: list --json: %v\n%s", i, err, out)
		}
		if len(list) > 0 {
			if out, err := govmCmd(t, home, srv, "verify", "1.22.5").CombinedOutput(); err != nil {
				t.Fatalf("round %d: a listed version does not verify: %v\n%s", i, err, out)
			}
			if out, err := govmCmd(t, home, srv, "uninstall", "1.22.5").CombinedOutput(); err != nil {
				t.Fatalf("round %d: %v\n%s", i, err, out)
			}
		}
	}
	t.Logf("killed %d of 20 installs (one full install takes %v)", killed, full)
	out, err := govmCmd(t, home, srv, "install", "1.22.5").CombinedOutput()
	if err != nil {
		t.Fatalf("install after kills: %v\n%s", err, out)
	}
	if out, err := govmCmd(t, home, srv, "verify").CombinedOutput(); err != nil || !bytes.Contains(out, []byte("go1.22.5: ok")) {
		t.Fatalf("verify after kills: %v\n%s", err, out)
	}
	stale, _ := filepath.Glob(filepath.Join(home, "versions", "*"))
	for _, p := range stale {
		base := filepath.Base(p)
		if base != "go1.22.5" && base != "go1.22.5.json" && base != "go1.22.5.files" && base != ".locks" {
			t.Errorf("left behind in versions/: %s", base)
		}
	}
}

// TestConcurrentUseLeavesConsistentCurrent: eight processes switching
// between two versions at once leave a current link that points at one of
// them, and a state file that parses.
func TestConcurrentUseLeavesConsistentCurrent(t *testing.T) {
	fx := loadFixtures(t)
	srv := fakegodev.New(t, fx.releases, fx.godevFiles)
	home := t.TempDir()
	if out, err := govmCmd(t, home, srv, "install", "1.22.5", "1.21.13").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	outs := make([][]byte, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := []string{"1.22.5", "1.21.13"}[i%2]
			for range 5 {
				out, err := govmCmd(t, home, srv, "use", v).CombinedOutput()
				if err != nil {
					outs[i], errs[i] = out, err
					return
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("use %d: %v\n%s", i, err, outs[i])
		}
	}
	out, err := govmCmd(t, home, srv, "current").CombinedOutput()
	if err != nil || !(bytes.HasPrefix(out, []byte("go1.22.5 ")) || bytes.HasPrefix(out, []byte("go1.21.13 "))) {
		t.Fatalf("current after concurrent use: %v %q", err, out)
	}
	goBin := filepath.Join(home, "current", "bin", "go")
	if runtime.GOOS == "windows" {
		goBin += ".exe"
	}
	if v, err := exec.Command(goBin, "version").Output(); err != nil || !bytes.Contains(v, out[:bytes.IndexByte(out, ' ')]) {
		t.Fatalf("current/bin/go version = %q, %v; govm current said %q", v, err, out)
	}
	if out, err := govmCmd(t, home, srv, "rollback", "--json").CombinedOutput(); err != nil {
		t.Fatalf("state after concurrent use is unusable: %v\n%s", err, out)
	}
}
