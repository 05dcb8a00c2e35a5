package proc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRunReturnsExitCodeExactly(t *testing.T) {
	exe := self(t)
	for _, code := range []int{0, 1, 3, 42, 255} {
		var out, errOut bytes.Buffer
		got, err := Run(context.Background(), exe, []string{exe}, helperEnv("exit="+strconv.Itoa(code), ""), Stdio{Out: &out, Err: &errOut})
		if err != nil {
			t.Fatalf("exit=%d: %v", code, err)
		}
		if got != code {
			t.Errorf("exit=%d: Run returned %d (stderr %q)", code, got, errOut.String())
		}
	}
}

func TestRunPassesStdinThrough(t *testing.T) {
	exe := self(t)
	in := "line one\nline two\n\x00binary\xff\n"
	var out bytes.Buffer
	code, err := Run(context.Background(), exe, nil, helperEnv("echo", ""), Stdio{In: strings.NewReader(in), Out: &out})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if out.String() != in {
		t.Errorf("child echoed %q, want %q", out.String(), in)
	}
}

func TestRunPassesArgsAndEnv(t *testing.T) {
	exe := self(t)
	args := []string{"go", "test", "two words", `with "quotes"`, `C:\trailing\`, "-run=^X$"}
	env := EnvWith(helperEnv("args", ""), map[string]string{envProbe: "probe value"})
	var out bytes.Buffer
	code, err := Run(context.Background(), exe, args, env, Stdio{Out: &out})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	want := strings.Join(append(args[1:], "probe value"), "\n") + "\n"
	if got := strings.ReplaceAll(out.String(), "\r\n", "\n"); got != want {
		t.Errorf("child saw\n%q\nwant\n%q", got, want)
	}
}

func TestRunNilEnvInherits(t *testing.T) {
	exe := self(t)
	t.Setenv(envChild, "args")
	t.Setenv(envProbe, "inherited")
	var out bytes.Buffer
	code, err := Run(context.Background(), exe, []string{exe}, nil, Stdio{Out: &out})
	if err != nil || code != 0 {
		t.Fatalf("Run = %d, %v", code, err)
	}
	if got := strings.TrimSpace(out.String()); got != "inherited" {
		t.Errorf("child saw %q, want the inherited value", got)
	}
}

func TestRunMissingProgram(t *testing.T) {
	missing := filepath.Join(os.TempDir(), "govm-no-such-program", "go")
	code, err := Run(context.Background(), missing, nil, nil, Stdio{})
	if code != -1 || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Run = %d, %v; want -1 and a not-exist error naming %s", code, err, missing)
	}
}

func TestRunCancelStopsTheChild(t *testing.T) {
	exe := self(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	type result struct {
		code int
		err  error
	}
	res := make(chan result, 1)
	start := time.Now()
	go func() {
		code, err := Run(ctx, exe, nil, helperEnv("sleep", ""), Stdio{Out: pw})
		pw.Close()
		res <- result{code, err}
	}()
	readyLine(t, pr)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	cancel()
	select {
	case r := <-res:
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", r.err)
		}
		if r.code == 0 {
			t.Errorf("code = 0 for a cancelled child")
		}
	case <-time.After(pipeGrace + 10*time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("cancel took %v; the child slept to the end", d)
	}
}

// TestRunThroughParent runs this binary as a parent that Runs a child with
// the real stdio handles: stdin and the exit code cross both levels.
func TestRunThroughParent(t *testing.T) {
	exe := self(t)
	cmd := exec.Command(exe)
	cmd.Env = helperEnv("run-parent", "echo")
	cmd.Stdin = strings.NewReader("through two processes\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parent: %v", err)
	}
	if got := string(out); got != "through two processes\n" {
		t.Errorf("stdout %q", got)
	}

	cmd = exec.Command(exe)
	cmd.Env = helperEnv("run-parent", "exit=255")
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 255 {
		t.Fatalf("parent of exit=255: %v, want exit code 255", err)
	}
}
