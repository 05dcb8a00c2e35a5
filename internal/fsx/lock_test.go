package fsx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTryLockExcludesSecondHolder(t *testing.T) {
	path := filepath.Join(tempDir(t), "locks", "go1.22.5.lock")
	first, ok, err := TryLock(path)
	if err != nil || !ok {
		t.Fatalf("first TryLock = %v, %v; want acquired", ok, err)
	}
	if _, ok, err := TryLock(path); err != nil || ok {
		t.Fatalf("second TryLock while held = %v, %v; want not acquired, no error", ok, err)
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	second, ok, err := TryLock(path)
	if err != nil || !ok {
		t.Fatalf("TryLock after Unlock = %v, %v; want acquired", ok, err)
	}
	if err := second.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := second.Unlock(); !errors.Is(err, ErrUnlocked) {
		t.Errorf("second Unlock = %v, want ErrUnlocked", err)
	}
}

func TestLockWaitsForRelease(t *testing.T) {
	path := filepath.Join(tempDir(t), "x.lock")
	held, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan time.Time, 1)
	go func() {
		time.Sleep(150 * time.Millisecond)
		released <- time.Now()
		held.Unlock()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l, err := Lock(ctx, path)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	defer l.Unlock()
	if got := time.Now(); got.Before(<-released) {
		t.Error("Lock returned before the holder released it")
	}
}

func TestLockHonoursContext(t *testing.T) {
	path := filepath.Join(tempDir(t), "x.lock")
	held, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = Lock(ctx, path)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock on a held lock = %v, want context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the lock file", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Lock took %v to notice the deadline", d)
	}
}

func TestLockUnusablePath(t *testing.T) {
	dir := tempDir(t)
	file := filepath.Join(dir, "file")
	writeFile(t, file, "", 0o644)
	path := filepath.Join(file, "sub", "x.lock") // parent is a regular file
	if _, _, err := TryLock(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("TryLock under a file = %v, want an error naming %s", err, path)
	}
	if _, err := Lock(context.Background(), path); err == nil {
		t.Error("Lock under a file succeeded")
	}
}

// Cross-process tests: the test binary re-executes itself running only
// TestHelperHoldLock, which takes the lock named in the environment, says
// "locked" on stdout and holds it until stdin closes or it is killed.

const helperEnv = "FSX_TEST_HOLD_LOCK"

func TestHelperHoldLock(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process for the cross-process lock tests")
	}
	l, err := Lock(context.Background(), path)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n') // returns when the parent closes stdin
	if err := l.Unlock(); err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	os.Exit(0)
}

type holder struct {
	cmd   *exec.Cmd
	stdin interface{ Close() error }
}

func startHolder(t *testing.T, path string) *holder {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper said %q (%v), want \"locked\"", line, err)
	}
	return &holder{cmd: cmd, stdin: stdin}
}

func TestLockAcrossProcesses(t *testing.T) {
	path := filepath.Join(tempDir(t), "go1.22.5.lock")
	h := startHolder(t, path)
	if _, ok, err := TryLock(path); err != nil || ok {
		t.Fatalf("TryLock while another process holds the lock = %v, %v; want not acquired", ok, err)
	}
	// A waiting Lock gets the lock once the other process releases it.
	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		l, err := Lock(ctx, path)
		if err == nil {
			err = l.Unlock()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("Lock returned (%v) while the other process still held the lock", err)
	case <-time.After(200 * time.Millisecond):
	}
	h.stdin.Close()
	if err := <-got; err != nil {
		t.Fatalf("Lock after the other process released: %v", err)
	}
	if err := h.cmd.Wait(); err != nil {
		t.Errorf("helper: %v", err)
	}
}

func TestLockReleasedWhenHolderIsKilled(t *testing.T) {
	path := filepath.Join(tempDir(t), "go1.22.5.lock")
	h := startHolder(t, path)
	if _, ok, _ := TryLock(path); ok {
		t.Fatal("TryLock succeeded while the helper held the lock")
	}
	if err := h.cmd.Process.Kill(); err != nil { // SIGKILL on Unix, TerminateProcess on Windows
		t.Fatal(err)
	}
	h.cmd.Wait()
	// The system releases the lock with the dead process's handles; on
	// Windows that may lag the process exit slightly, so wait a little.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l, err := Lock(ctx, path)
	if err != nil {
		t.Fatalf("lock still held after its holder was killed: %v", err)
	}
	l.Unlock()
}
