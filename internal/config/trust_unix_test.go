//go:build !windows

package config

import (
	"os"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// With the real check: a world-writable machine file is ignored, the same
// file made safe is read.
func TestWorldWritableMachineFile(t *testing.T) {
	dir := tempdir.New(t)
	machine := write(t, dir, "machine.yaml", "policy:\n  allowed_versions: \"1.22\"\n")
	if err := os.Chmod(machine, 0o666); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Inputs{Getenv: envOf(nil), MachineFile: machine})
	if err != nil {
		t.Fatal(err)
	}
	if c.MachineIgnored == nil || !strings.Contains(c.MachineIgnored.Reason, "world-writable") || c.Policy.File != "" {
		t.Fatalf("world-writable machine file: ignored %v, policy %+v", c.MachineIgnored, c.Policy)
	}
	if err := os.Chmod(machine, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Load(Inputs{Getenv: envOf(nil), MachineFile: machine})
	if err != nil || c.MachineIgnored != nil || c.Policy.Allowed != "1.22" {
		t.Fatalf("0644 machine file: %v, ignored %v, policy %+v", err, c.MachineIgnored, c.Policy)
	}
}
