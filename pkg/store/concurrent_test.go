package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowFill is a fill that takes a while, so concurrent installers really
// overlap, and appends a line to a shared counter file on every call, so
// calls are counted across processes.
func slowFill(counter string) FillFunc {
	return func(ctx context.Context, dir string) (Record, []FileRecord, error) {
		f, err := os.OpenFile(counter, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return Record{}, nil, err
		}
		fmt.Fprintln(f, os.Getpid())
		f.Close()
		time.Sleep(200 * time.Millisecond)
		return (&fakeFill{files: goroot}).fill(ctx, dir)
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}

func TestConcurrentInstallsInOneProcess(t *testing.T) {
	s := newTestStore(t)
	key := hostKey("1.22.5")
	counter := filepath.Join(filepath.Dir(s.Dir()), "fills")
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	already := make([]bool, n)
	for i := range n {
		wg.Go(func() {
			_, already[i], errs[i] = s.Install(context.Background(), key, false, slowFill(counter))
		})
	}
	wg.Wait()
	fresh := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("installer %d: %v", i, errs[i])
		}
		if !already[i] {
			fresh++
		}
	}
	if got := countLines(t, counter); got != 1 || fresh != 1 {
		t.Errorf("fill ran %d times, %d installers reported a fresh install; want 1 and 1", got, fresh)
	}
}

// The test binary re-executes itself running only TestHelperInstall, which
// installs the key named in the environment into the store there and
// prints "fresh" or "already".
const (
	helperDirEnv     = "STORE_TEST_INSTALL_DIR"
	helperCounterEnv = "STORE_TEST_INSTALL_COUNTER"
)

func TestHelperInstall(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		t.Skip("helper process for TestConcurrentInstallsAcrossProcesses")
	}
	s := New(dir).WithHost("linux", "amd64")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, already, err := s.Install(ctx, hostKey("1.22.5"), false, slowFill(os.Getenv(helperCounterEnv)))
	switch {
	case err != nil:
		fmt.Println("error:", err)
		os.Exit(2)
	case already:
		fmt.Println("already")
	default:
		fmt.Println("fresh")
	}
	os.Exit(0)
}

func TestConcurrentInstallsAcrossProcesses(t *testing.T) {
	s := newTestStore(t)
	counter := filepath.Join(filepath.Dir(s.Dir()), "fills")
	const n = 8
	cmds := make([]*exec.Cmd, n)
	outs := make([]*strings.Builder, n)
	for i := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperInstall$")
		cmd.Env = append(os.Environ(), helperDirEnv+"="+s.Dir(), helperCounterEnv+"="+counter)
		outs[i] = new(strings.Builder)
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	results := map[string]int{}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("installer process %d: %v\n%s", i, err, outs[i])
			continue
		}
		sc := bufio.NewScanner(strings.NewReader(outs[i].String()))
		if sc.Scan() {
			results[sc.Text()]++
		}
	}
	if results["fresh"] != 1 || results["already"] != n-1 {
		t.Errorf("results %v, want 1 fresh and %d already", results, n-1)
	}
	if got := countLines(t, counter); got != 1 {
		t.Errorf("fill ran %d times across %d processes, want once", got, n)
	}
	if rep, err := s.Verify(context.Background(), hostKey("1.22.5")); err != nil || !rep.OK() {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
}
