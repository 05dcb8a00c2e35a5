package proc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Environment variables that turn the test binary into a helper program.
const (
	envChild      = "GOVM_PROC_CHILD"      // what this process does
	envGrandchild = "GOVM_PROC_GRANDCHILD" // what a "run-parent" or "exec-parent" starts
	envProbe      = "GOVM_PROC_PROBE"      // echoed by "args"
)

// TestMain makes the test binary double as the child program: with
// GOVM_PROC_CHILD set it performs that behaviour and exits instead of
// running tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv(envChild); mode != "" {
		os.Exit(child(mode))
	}
	os.Exit(m.Run())
}

// child runs one helper behaviour and returns its exit code.
//
//	exit=N       exit with code N
//	echo         copy stdin to stdout, exit 0
//	args         print each argument (after argv[0]) and $GOVM_PROC_PROBE on its own line
//	pid=N        print the process id, exit N
//	wait-signal  print "ready", exit 130 on the first interrupt; 99 when stdin
//	             closes or after 30 s, so a helper never outlives a failed test
//	sleep        print "ready", sleep 60 s, exit 0
//	run-parent   proc.Run this binary as $GOVM_PROC_GRANDCHILD, exit with its code
//	exec-parent  proc.Exec this binary as $GOVM_PROC_GRANDCHILD (97 if Exec returns)
func child(mode string) int {
	switch {
	case strings.HasPrefix(mode, "exit="):
		n, _ := strconv.Atoi(strings.TrimPrefix(mode, "exit="))
		return n
	case mode == "echo":
		if _, err := io.Copy(os.Stdout, os.Stdin); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		return 0
	case mode == "args":
		for _, a := range os.Args[1:] {
			fmt.Println(a)
		}
		fmt.Println(os.Getenv(envProbe))
		return 0
	case strings.HasPrefix(mode, "pid="):
		fmt.Println(os.Getpid())
		n, _ := strconv.Atoi(strings.TrimPrefix(mode, "pid="))
		return n
	case mode == "wait-signal":
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, os.Interrupt)
		eof := make(chan struct{})
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(eof) }()
		fmt.Println("ready")
		select {
		case <-ch:
			return 130
		case <-eof:
			return 99
		case <-time.After(30 * time.Second):
			return 99
		}
	case mode == "sleep":
		fmt.Println("ready")
		time.Sleep(60 * time.Second)
		return 0
	case mode == "run-parent", mode == "exec-parent":
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 96
		}
		env := EnvWith(os.Environ(), map[string]string{envChild: os.Getenv(envGrandchild)}, envGrandchild)
		if mode == "exec-parent" {
			err := Exec(exe, []string{exe}, env)
			fmt.Fprintln(os.Stderr, "Exec returned:", err)
			return 97
		}
		code, err := Run(testContext(), exe, []string{exe}, env, Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
		if err != nil {
			fmt.Fprintln(os.Stderr, "Run:", err)
			return 98
		}
		return code
	}
	fmt.Fprintf(os.Stderr, "unknown %s %q\n", envChild, mode)
	return 95
}

// readyLine waits for the first line of r and checks it says "ready".
func readyLine(t *testing.T, r io.Reader) {
	t.Helper()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- s
	}()
	select {
	case s := <-line:
		if strings.TrimSpace(s) != "ready" {
			t.Fatalf("child said %q, want ready", s)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("child did not get ready in 30 s")
	}
}

// testContext is the context helpers and tests run children under.
func testContext() context.Context { return context.Background() }

// helperEnv is this process's environment with the helper variables set.
func helperEnv(mode, grandchild string) []string {
	set := map[string]string{envChild: mode}
	if grandchild != "" {
		set[envGrandchild] = grandchild
	}
	return EnvWith(os.Environ(), set)
}

// self is the test binary, which doubles as every helper program.
func self(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}
