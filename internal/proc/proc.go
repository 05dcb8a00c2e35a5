// Package proc runs the real go binary on behalf of govm: as a child whose
// exit code and Ctrl+C are passed through (`govm exec`, and the shim on
// Windows), or by replacing the current process (the shim on Unix). It also
// edits environment lists the way each OS reads them.
package proc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// Stdio are the streams a child uses. A nil field gives the child the null
// device, as with os/exec. Pass *os.File values (os.Stdin, ...) to hand the
// child the handles themselves: it then sees the terminal, and no copying
// goroutine sits in between.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// pipeGrace bounds how long Run waits, after the child exits (or after it
// was interrupted on cancellation), for non-file Stdio copies to finish and
// for the child to give up; a grandchild holding an inherited pipe must not
// hang govm forever.
const pipeGrace = 5 * time.Second

// Run starts the program at path (used as given, never searched for in
// PATH: callers resolve names against the child's PATH themselves) with the argument vector args (args[0] is
// the name the program sees; when args is empty it is path), the
// environment env (nil inherits this process's), and stdio, waits for it,
// and returns its exit code exactly (0, 1, 3, 255, ...). A child killed by a
// Unix signal yields 128+signal, as shells report it (130 for SIGINT).
//
// While the child runs, Ctrl+C belongs to it. On Unix SIGINT, SIGTERM and
// SIGHUP received by this process are forwarded to the child, and Run keeps
// waiting for it to exit. On Windows the child shares the console and gets
// Ctrl+C itself, so this process ignores the event for the duration and
// waits. Handlers are restored when Run returns.
//
// The error is non-nil only when the program could not be run at all (then
// the code is -1) or ctx was cancelled: the child is then interrupted (Unix)
// or killed (Windows), killed after a grace period if still running, and
// the error wraps ctx.Err(). A non-zero exit code is not an error.
func Run(ctx context.Context, path string, args []string, env []string, stdio Stdio) (exitCode int, err error) {
	if len(args) == 0 {
		args = []string{path}
	}
	// os/exec on Windows reports a missing file as "not found in %PATH%";
	// a stat first gives every OS the same fs.ErrNotExist error.
	if _, err := os.Stat(path); err != nil {
		return -1, fmt.Errorf("start %s: %w", path, err)
	}
	cmd := exec.CommandContext(ctx, path)
	// Run exactly path: on Windows CommandContext would search for it with
	// PATHEXT, which could pick a different file than the caller resolved.
	cmd.Path, cmd.Err = path, nil
	cmd.Args = args
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdio.In, stdio.Out, stdio.Err
	cmd.Cancel = func() error { return cancelChild(cmd) }
	cmd.WaitDelay = pipeGrace

	// Catch signals before the child exists, so that none arriving during
	// start-up kills this process and orphans the child.
	relay := catchSignals()
	if err := cmd.Start(); err != nil {
		relay.stop()
		return -1, fmt.Errorf("start %s: %w", path, err)
	}
	relay.forwardTo(cmd.Process)
	werr := cmd.Wait()
	relay.stop()

	if cmd.ProcessState == nil {
		return -1, fmt.Errorf("wait for %s: %w", path, werr)
	}
	code := exitCodeOf(cmd.ProcessState)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return code, fmt.Errorf("run %s: %w", path, ctxErr)
	}
	var exitErr *exec.ExitError
	if werr != nil && !errors.As(werr, &exitErr) && !errors.Is(werr, exec.ErrWaitDelay) {
		return code, fmt.Errorf("wait for %s: %w", path, werr)
	}
	return code, nil
}
