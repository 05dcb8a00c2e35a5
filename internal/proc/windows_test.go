//go:build windows

package proc

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// TestExecExitsWithChildCode checks the Windows shim contract: without
// exec(2) the program runs as a child (another pid) and the shim exits with
// its exit code.
func TestExecExitsWithChildCode(t *testing.T) {
	exe := self(t)
	for _, code := range []int{0, 3, 255} {
		cmd := exec.Command(exe)
		cmd.Env = helperEnv("exec-parent", "pid="+strconv.Itoa(code))
		out, err := cmd.Output()
		got := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			got = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if got != code {
			t.Errorf("pid=%d: shim exited %d", code, got)
		}
		pid, perr := strconv.Atoi(strings.TrimSpace(string(out)))
		if perr != nil || pid == cmd.Process.Pid {
			t.Errorf("program printed pid %q; want a child of %d", out, cmd.Process.Pid)
		}
	}
}

func TestExecFailureReturns(t *testing.T) {
	missing := filepath.Join(os.TempDir(), "govm-no-such-dir", "go.exe")
	if err := Exec(missing, nil, nil); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Exec(%s) = %v, want an error naming it", missing, err)
	}
}

// TestCtrlBreakReachesChildAndParentWaits sends Ctrl+Break to a new process
// group holding a parent blocked in Run and its child: the child handles the
// event (exit 130), the parent ignores it and returns the child's code.
func TestCtrlBreakReachesChildAndParentWaits(t *testing.T) {
	exe := self(t)
	cmd := exec.Command(exe)
	cmd.Env = helperEnv("run-parent", "wait-signal")
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// The child exits when its stdin closes: it never outlives the test.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	readyLine(t, stdout)
	if err := windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(cmd.Process.Pid)); err != nil {
		// Closing stdin ends the child, and with it the parent.
		stdin.Close()
		_ = cmd.Wait()
		t.Skipf("no console to send Ctrl+Break through: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(40 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("parent did not exit after Ctrl+Break")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("parent exit: %v, want the child's 130", err)
	}
}
