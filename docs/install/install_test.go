// Package install_test checks the install scripts: install.sh end to end
// against a release served on loopback, install.ps1 statically (no
// PowerShell on our machines; see ps1_test.go).
package install_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/govmrelease"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// runInstall runs install.sh with a private HOME and returns its output.
func runInstall(t *testing.T, home string, args ...string) (string, error) {
	// Opened here so that go test's cache sees changes to the script.
	if _, err := os.ReadFile("install.sh"); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", append([]string{"install.sh"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "SHELL=/bin/bash"}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func needShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("install.sh is for Linux and macOS")
	}
	for _, tool := range []string{"sh", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	_, curl := exec.LookPath("curl")
	_, wget := exec.LookPath("wget")
	if curl != nil && wget != nil {
		t.Skip("neither curl nor wget")
	}
}

func TestInstallShEndToEnd(t *testing.T) {
	needShell(t)
	base := govmrelease.Serve(t, govmrelease.Version, map[string][]byte{"govm": govmrelease.Binary(t), "LICENSE": []byte("license")}, false)
	home := tempdir.New(t)
	out, err := runInstall(t, home, "--base-url", base)
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	bin := filepath.Join(home, ".local", "share", "govm", "bin", "govm")
	v, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(v), "govm "+govmrelease.Version) {
		t.Fatalf("installed govm version: %v: %s", err, v)
	}
	if !strings.Contains(out, "sha256") || !strings.Contains(out, "verified") {
		t.Errorf("output does not report the verification:\n%s", out)
	}
	// govm setup ran: some rc file now puts govm's directories on PATH.
	var rc []string
	for _, f := range []string{".bashrc", ".bash_profile", ".profile", ".zshrc"} {
		if b, err := os.ReadFile(filepath.Join(home, f)); err == nil && strings.Contains(string(b), "govm") {
			rc = append(rc, f)
		}
	}
	if len(rc) == 0 {
		t.Errorf("govm setup left no rc file mentioning govm; output:\n%s", out)
	}

	// Running it again is harmless: same binary, setup already done.
	if out, err := runInstall(t, home, "--base-url", base, "--version", "v"+govmrelease.Version); err != nil {
		t.Fatalf("second install.sh: %v\n%s", err, out)
	}
}

func TestInstallShRefuses(t *testing.T) {
	needShell(t)
	fake := map[string][]byte{"govm": []byte("#!/bin/sh\necho fake govm \"$@\"\n")}
	tests := []struct {
		name    string
		base    string
		args    []string
		wantOut string
	}{
		{"tampered archive", govmrelease.Serve(t, "1.2.0", fake, true), nil, "checksum mismatch"},
		{"missing release", govmrelease.Serve(t, "1.2.0", fake, false), []string{"--version", "9.9.9"}, "cannot download"},
		{"no govm inside", govmrelease.Serve(t, "1.2.0", map[string][]byte{"README.md": []byte("r")}, false), nil, "holds no govm binary"},
		{"unknown flag", "http://127.0.0.1:9", []string{"--bogus"}, "unknown argument --bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := tempdir.New(t)
			out, err := runInstall(t, home, append([]string{"--base-url", tt.base}, tt.args...)...)
			if err == nil {
				t.Fatalf("install.sh succeeded:\n%s", out)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("output lacks %q:\n%s", tt.wantOut, out)
			}
			if _, err := os.Stat(filepath.Join(home, ".local", "share", "govm", "bin", "govm")); err == nil {
				t.Error("govm was installed anyway")
			}
		})
	}
}

func TestInstallShNoSetupAndDir(t *testing.T) {
	needShell(t)
	fake := map[string][]byte{"govm": []byte("#!/bin/sh\necho ran \"$@\" >> \"$(dirname \"$0\")/calls\"\n"), "govm-shim": []byte("shim")}
	base := govmrelease.Serve(t, "1.3.0", fake, false)
	home := tempdir.New(t)
	dir := filepath.Join(home, "custom bin")
	if out, err := runInstall(t, home, "--base-url", base, "--dir", dir, "--no-setup"); err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	for _, f := range []string{"govm", "govm-shim"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm()&0o100 == 0 {
			t.Errorf("%s not installed executable: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "calls")); err == nil {
		t.Error("--no-setup still ran govm")
	}
	// With setup, the placed govm is run as `govm setup`.
	if out, err := runInstall(t, home, "--base-url", base, "--dir", dir); err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "calls")); string(b) != "ran setup\n" {
		t.Errorf("govm was called with %q, want setup", b)
	}
}
