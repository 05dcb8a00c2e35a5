//go:build unix

package proc

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// relaySignals holds the signals caught while a child runs.
type relaySignals struct {
	ch   chan os.Signal
	done chan struct{}
}

// catchSignals starts catching the signals that would otherwise end this
// process while a child runs: SIGINT, SIGTERM and SIGHUP on Unix, Ctrl+C and
// Ctrl+Break on Windows.
func catchSignals() *relaySignals {
	r := &relaySignals{ch: make(chan os.Signal, 8), done: make(chan struct{})}
	signal.Notify(r.ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	return r
}

// forwardTo delivers caught signals to p: on Unix each one is sent on (a
// terminal's Ctrl+C may so reach a child twice, once from the terminal and
// once from us; programs treat that as one interrupt); on Windows they are
// dropped, because the child received the console event itself.
func (r *relaySignals) forwardTo(p *os.Process) {
	go func() {
		for {
			select {
			case s := <-r.ch:
				_ = p.Signal(s)
			case <-r.done:
				return
			}
		}
	}()
}

// stop restores the previous handling of the caught signals.
func (r *relaySignals) stop() {
	signal.Stop(r.ch)
	close(r.done)
}

// cancelChild asks the child to stop when Run's context is cancelled: SIGINT
// on Unix, so that go test and go build clean up as after Ctrl+C; on
// Windows, which cannot send a console event to one process, it is killed.
func cancelChild(cmd *exec.Cmd) error {
	return cmd.Process.Signal(os.Interrupt)
}

// exitCodeOf returns the exit status, or 128+signal for a child killed by a
// signal (Unix shells' convention).
func exitCodeOf(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// Exec runs the program at path in place of this process, with the argument
// vector args (args[0] is the name the program sees; when empty, path) and
// environment env (nil inherits this process's).
//
// On Unix it is execve(2): the process keeps its pid, signals and terminal,
// and nothing of govm stays in memory; Exec returns only if the exec failed.
// On Windows, which has no exec, the program runs as a child (see Run) and
// this process exits with the child's exit code once it ends; Exec returns
// only if the program could not be started.
func Exec(path string, args []string, env []string) error {
	if len(args) == 0 {
		args = []string{path}
	}
	if env == nil {
		env = os.Environ()
	}
	if err := syscall.Exec(path, args, env); err != nil {
		return fmt.Errorf("exec %s: %w", path, err)
	}
	return nil
}
