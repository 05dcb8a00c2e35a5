//go:build unix

package proc

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalToParentReachesChild sends a signal to a parent blocked in Run
// (only to it, not its process group) and checks the child got it: the child
// exits 130 on SIGINT, and dies of SIGTERM and SIGHUP, which Run reports as
// 128+signal. The parent survives each signal and returns the child's code.
func TestSignalToParentReachesChild(t *testing.T) {
	exe := self(t)
	for _, tt := range []struct {
		sig  syscall.Signal
		want int
	}{
		{syscall.SIGINT, 130},
		{syscall.SIGTERM, 128 + int(syscall.SIGTERM)},
		{syscall.SIGHUP, 128 + int(syscall.SIGHUP)},
	} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			cmd := exec.Command(exe)
			cmd.Env = helperEnv("run-parent", "wait-signal")
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
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("parent did not exit 30 s after the signal")
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.want {
				t.Fatalf("parent exit: %v, want code %d", err, tt.want)
			}
		})
	}
}

// TestExecReplacesTheProcess checks that the shim path keeps the pid (no
// child process) and that the program's exit code is the process's.
func TestExecReplacesTheProcess(t *testing.T) {
	exe := self(t)
	cmd := exec.Command(exe)
	cmd.Env = helperEnv("exec-parent", "pid=3")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v, want code 3", err)
	}
	pid, perr := strconv.Atoi(strings.TrimSpace(string(out)))
	if perr != nil || pid != cmd.Process.Pid {
		t.Errorf("program ran as pid %q, want the exec'ing process %d", out, cmd.Process.Pid)
	}
}

func TestExecFailureReturns(t *testing.T) {
	dir := t.TempDir()
	notExec := dir + "/go"
	if err := os.WriteFile(notExec, []byte("not a program"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir + "/missing", notExec} {
		err := Exec(path, nil, nil)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Exec(%s) = %v, want an error naming it", path, err)
		}
	}
}
