package cli_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/govm-dev/govm/internal/cli"
	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/internal/testutil/fakegodev"
	"github.com/govm-dev/govm/internal/testutil/fakeproxy"
	"github.com/govm-dev/govm/internal/testutil/faketoolchain"
	"github.com/govm-dev/govm/internal/testutil/gobinary"
	"github.com/govm-dev/govm/pkg/release"
)

// TestMain lets the test binary act as govm (and as its shims) inside scripts.
// Copies made by `govm setup --shims` (go, gofmt, go1.X.Y) run as shims,
// exactly as cmd/govm does.
func TestMain(m *testing.M) {
	if _, _, ok := shim.Tool(os.Args[0]); ok {
		os.Exit(shim.Main(os.Args[0], os.Args[1:]))
	}
	testscript.Main(m, map[string]func(){
		"govm": func() {
			env := cli.SystemEnv()
			// Scripts run as root here and as a user under CI elsewhere:
			// GOVM_TEST_ELEVATED=1|0 says which one a script means.
			if e := os.Getenv("GOVM_TEST_ELEVATED"); e != "" {
				env.Elevated = func() bool { return e == "1" }
			}
			os.Exit(cli.Main(context.Background(), env))
		},
	})
}

// fixtureVersions are the releases every script's fake sources offer.
var fixtureVersions = []string{"go1.21.13", "go1.22.4", "go1.22.5", "go1.23rc2", "go1.23.0"}

// platforms gets archives; the host platform is always among them.
func platforms() [][2]string {
	ps := [][2]string{{runtime.GOOS, runtime.GOARCH}}
	if runtime.GOOS != "windows" || runtime.GOARCH != "amd64" {
		ps = append(ps, [2]string{"windows", "amd64"})
	}
	return ps
}

// fixtures holds archive bytes, built once per test process.
type fixtures struct {
	releases   []release.Release
	godevFiles map[string][]byte
	moduleZips map[[3]string][]byte // version, os, arch
}

var (
	fixtureOnce sync.Once
	fixtureData fixtures
)

func loadFixtures(t *testing.T) fixtures {
	fixtureOnce.Do(func() {
		f := fixtures{godevFiles: map[string][]byte{}, moduleZips: map[[3]string][]byte{}}
		for _, v := range fixtureVersions {
			rel := release.Release{Version: v, Stable: !strings.Contains(v, "rc")}
			for _, p := range platforms() {
				name, data := faketoolchain.GoDevArchive(t, v, p[0], p[1])
				f.godevFiles[name] = data
				rel.Files = append(rel.Files, release.File{
					Filename: name, OS: p[0], Arch: p[1], Version: v,
					SHA256: faketoolchain.SHA256(data), Size: int64(len(data)), Kind: "archive",
				})
				f.moduleZips[[3]string{v, p[0], p[1]}] = faketoolchain.ModuleZip(t, v, p[0], p[1])
			}
			f.releases = append([]release.Release{rel}, f.releases...)
		}
		fixtureData = f
	})
	return fixtureData
}

type serversKey struct{}

// servers are the fakes one script talks to.
type servers struct {
	godev *fakegodev.Server
	proxy *fakeproxy.Server
}

func TestScripts(t *testing.T) {
	fx := loadFixtures(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			godev := fakegodev.New(t, fx.releases, fx.godevFiles)
			proxy := fakeproxy.New(t)
			for k, zip := range fx.moduleZips {
				proxy.Add(k[0], k[1], k[2], zip)
			}
			env.Values[serversKey{}] = &servers{godev: godev, proxy: proxy}
			work := env.WorkDir
			for k, v := range map[string]string{
				"GOVM_HOME":           filepath.Join(work, "govmhome"),
				"GOVM_GODEV_URL":      godev.IndexURL(),
				"GOVM_DOWNLOAD_URL":   godev.DownloadBase(),
				"GOVM_MACHINE_CONFIG": filepath.Join(work, "machine-config.yaml"),
				"GOVM_CONFIG":         "",
				"GOVM_GO_VERSION":     "",
				"GOVM_TEST_ELEVATED":  "0",
				"GOVM_SYSTEM_HOME":    filepath.Join(work, "system"),
				"GOPROXY":             proxy.URL(),
				"GOVM_SOURCE":         "",
				"GOSUMDB":             proxy.VerifierKey(),
				"GONOSUMDB":           "",
				"GONOSUMCHECK":        "",
				"GOPRIVATE":           "",
				"GONOPROXY":           "",
				"GOFLAGS":             "",
				"GOENV":               "off",
				"HOME":                filepath.Join(work, "userhome"),
				"USERPROFILE":         filepath.Join(work, "userhome"),
				"XDG_CONFIG_HOME":     filepath.Join(work, "userhome", ".config"),
				"XDG_DATA_HOME":       filepath.Join(work, "userhome", ".local", "share"),
				"LOCALAPPDATA":        filepath.Join(work, "userhome", "AppData", "Local"),
				"APPDATA":             filepath.Join(work, "userhome", "AppData", "Roaming"),
				"NO_COLOR":            "1",
				"GODEV":               godev.URL(),
				"PROXY":               proxy.URL(),
				"EXE":                 exeSuffix(),
				"GOOSARCH":            runtime.GOOS + "/" + runtime.GOARCH,
				"PLATFORM":            runtime.GOOS + "-" + runtime.GOARCH,
			} {
				env.Setenv(k, v)
			}
			return nil
		},
		// [root]: the test runs as root (here) rather than a user (CI elsewhere).
		Condition: func(cond string) (bool, error) {
			if cond == "root" {
				return os.Geteuid() == 0, nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"hits":     cmdHits,
			"fault":    cmdFault,
			"status":   cmdStatus,
			"requests": cmdRequests,
			"mtime":    cmdMtime,
			"ranges":   cmdRanges,
			"proxymod": cmdProxyMod,
			"gobinary": cmdGoBinary,
		},
	})
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

func scriptServers(ts *testscript.TestScript) *servers {
	return ts.Value(serversKey{}).(*servers)
}

// cmdHits asserts how many requests a fake server saw for paths containing
// a substring: hits godev|proxy SUBSTRING N
func cmdHits(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: hits godev|proxy SUBSTRING N")
	}
	want, err := strconv.Atoi(args[2])
	ts.Check(err)
	s := scriptServers(ts)
	var got int
	switch args[0] {
	case "godev":
		got = s.godev.HitsMatching(args[1])
	case "proxy":
		got = s.proxy.HitsMatching(args[1])
	default:
		ts.Fatalf("unknown server %q", args[0])
	}
	if (got == want) == neg {
		ts.Fatalf("%s saw %d requests matching %q, want %s%d", args[0], got, args[1], map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdFault injects a failure into a fake server:
//
//	fault godev|proxy PATH status CODE N   answer CODE to the next N requests for PATH
//	fault godev PATH cut BYTES N           drop the next N connections after BYTES of body
//	fault godev FILENAME tamper            serve the archive with one byte changed
//	fault proxy VERSION tamper             serve VERSION's toolchain zip (this platform) altered
//	fault proxy - rogue-sumdb              sign the checksum database with an untrusted key
//	fault proxy - corrupt-tiles            serve tiles that disagree with the signed tree
func cmdFault(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: fault godev|proxy PATH status CODE N | cut BYTES N | tamper")
	}
	s := scriptServers(ts)
	atoi := func(a string) int {
		n, err := strconv.Atoi(a)
		ts.Check(err)
		return n
	}
	switch args[0] + " " + args[2] {
	case "godev status":
		s.godev.FailNext(args[1], atoi(args[4]), atoi(args[3]))
	case "proxy status":
		s.proxy.FailNext(args[1], atoi(args[4]), atoi(args[3]))
	case "godev cut":
		s.godev.CutAfter(args[1], int64(atoi(args[3])), atoi(args[4]))
	case "godev tamper":
		s.godev.Tamper(args[1])
	case "proxy tamper":
		s.proxy.TamperZip(args[1], runtime.GOOS, runtime.GOARCH)
	case "proxy rogue-sumdb":
		s.proxy.SignWithRogueKey(true)
	case "proxy corrupt-tiles":
		s.proxy.CorruptTiles(true)
	default:
		ts.Fatalf("unknown fault %q", strings.Join(args, " "))
	}
}

// cmdRequests saves the number of requests both fake servers have seen, or
// asserts it is unchanged since: requests save|same
func cmdRequests(ts *testscript.TestScript, neg bool, args []string) {
	s := scriptServers(ts)
	total := s.godev.HitsMatching("") + s.proxy.HitsMatching("")
	switch {
	case len(args) == 1 && args[0] == "save":
		ts.Setenv("GOVM_TEST_REQUESTS", strconv.Itoa(total))
	case len(args) == 1 && args[0] == "same":
		saved, _ := strconv.Atoi(ts.Getenv("GOVM_TEST_REQUESTS"))
		if (saved == total) == neg {
			ts.Fatalf("servers saw %d requests since save", total-saved)
		}
	default:
		ts.Fatalf("usage: requests save|same")
	}
}

// cmdMtime saves a file's modification time or asserts it is unchanged:
// mtime FILE save|same
func cmdMtime(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mtime FILE save|same")
	}
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	got := strconv.FormatInt(fi.ModTime().UnixNano(), 10)
	key := "GOVM_TEST_MTIME_" + strconv.Itoa(len(args[0]))
	switch args[1] {
	case "save":
		ts.Setenv(key, got)
	case "same":
		if (ts.Getenv(key) == got) == neg {
			ts.Fatalf("%s modification time changed", args[0])
		}
	default:
		ts.Fatalf("usage: mtime FILE save|same")
	}
}

// cmdRanges asserts that the fake go.dev saw a Range request for a path:
// ranges godev PATH RANGE
func cmdRanges(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || args[0] != "godev" {
		ts.Fatalf("usage: ranges godev PATH RANGE")
	}
	got := scriptServers(ts).godev.RangeRequests(args[1])
	found := slices.Contains(got, args[2])
	if found == neg {
		ts.Fatalf("Range requests for %s: %q; want %s%q", args[1], got, map[bool]string{true: "no ", false: ""}[neg], args[2])
	}
}

// cmdProxyMod publishes a module version with a go.mod from the script's
// files on the fake proxy, recorded in its checksum database:
// proxymod PATH VERSION GOMODFILE
func cmdProxyMod(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: proxymod PATH VERSION GOMODFILE")
	}
	scriptServers(ts).proxy.AddModule(args[0], args[1], []byte(ts.ReadFile(args[2])))
}

// cmdGoBinary builds, with the real go command and a file:// proxy, a Go
// executable FILE that links in the given module versions, and publishes
// their go.mod files on the fake proxy, where a deployed binary's
// dependencies are: gobinary FILE PATH@VERSION[:GOLINE]...
// The module cache of the build is FILE.build/modcache.
func cmdGoBinary(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: gobinary FILE PATH@VERSION[:GOLINE]...")
	}
	var mods []gobinary.Module
	for _, a := range args[1:] {
		pv, goLine, _ := strings.Cut(a, ":")
		p, v, ok := strings.Cut(pv, "@")
		if !ok {
			ts.Fatalf("gobinary: %q is not PATH@VERSION[:GOLINE]", a)
		}
		mods = append(mods, gobinary.Module{Path: p, Version: v, Go: goLine})
	}
	file := ts.MkAbs(args[0])
	exe, err := gobinary.BuildIn(file+".build", mods...)
	ts.Check(err)
	ts.Check(os.Rename(exe, file))
	for _, m := range mods {
		scriptServers(ts).proxy.AddModule(m.Path, m.Version, m.GoMod())
	}
}

// cmdStatus runs a program and asserts its exit code: status N PROG ARGS...
// (testscript's own "! exec" only asserts "non-zero"; scripts and Ansible
// rely on the documented codes, so the tests check them exactly).
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status CODE PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("run %s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}
