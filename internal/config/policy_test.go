package config

import (
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestPolicyOnlyFromMachineFile(t *testing.T) {
	dir := tempdir.New(t)
	machine := write(t, dir, "machine.yaml", `policy:
  allowed_versions: "1.22"
  blocked_versions:
    - versions: 1.22.4
      reason: broken
  sources: [mirror]
  require_verification: true
  mirror: /srv/go
mirror: /ignored/by/policy
`)
	user := write(t, dir, "user.yaml", "mirror: /home/me/mirror\ninsecure: true\n")
	c, err := Load(Inputs{Getenv: envOf(nil), MachineFile: machine, UserFile: user, UserFileExplicit: true,
		Flags: map[string]string{"mirror": "/flag/mirror"}})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Policy
	if p.File != machine || p.Allowed != "1.22" || len(p.Blocked) != 1 || p.Blocked[0].Reason != "broken" ||
		!p.RequireVerification || p.Mirror != "/srv/go" || strings.Join(p.Sources, ",") != "mirror" {
		t.Fatalf("policy %+v", p)
	}
	// The policy's mirror wins over the user's file and flags.
	if c.Mirror != "/srv/go" || c.Origins["mirror"] != "policy "+machine {
		t.Errorf("mirror %q from %q, want the policy's", c.Mirror, c.Origins["mirror"])
	}
	if c.MachineFile != machine {
		t.Errorf("MachineFile %q, want %q", c.MachineFile, machine)
	}
}

func TestPolicyErrors(t *testing.T) {
	dir := tempdir.New(t)
	for _, tc := range []struct {
		name, machine, user, want string
	}{
		{"policy in the user file", "", "policy:\n  allowed_versions: \"1.21\"\n", "read only from the machine config file"},
		{"unknown policy key", "policy:\n  allow: \"1.21\"\n", "", `unknown key "policy.allow"`},
		{"bad constraint", "policy:\n  allowed_versions: \"one\"\n", "", "policy.allowed_versions"},
		{"policy not a section", "policy: strict\n", "", "policy must be a section"},
	} {
		in := Inputs{Getenv: envOf(nil), MachineFile: write(t, dir, "m.yaml", tc.machine)}
		if tc.user != "" {
			in.UserFile, in.UserFileExplicit = write(t, dir, "u.yaml", tc.user), true
		}
		if _, err := Load(in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestValidateFile(t *testing.T) {
	dir := tempdir.New(t)
	good := write(t, dir, "good.yaml", "retries: 3\nlog_file: /var/log/govm.log\npolicy:\n  sources: [godev]\n")
	keys, pol, err := ValidateFile(good)
	if err != nil || strings.Join(keys, ",") != "retries,log_file" || pol.File != good {
		t.Fatalf("ValidateFile: %v %+v %v", keys, pol, err)
	}
	if _, _, err := ValidateFile(write(t, dir, "bad.yaml", "retries: lots\n")); err == nil {
		t.Error("a bad value validated")
	}
	if _, _, err := ValidateFile(dir + "/missing.yaml"); err == nil {
		t.Error("a missing file validated")
	}
}

// A machine config file that users other than administrators can change is
// not read at all: neither its policy nor its settings (a mirror of the
// writer's choosing, insecure: true) apply, and the user's own settings
// stand. A broken file is still reported, not hidden.
func TestUntrustedMachineFileIgnored(t *testing.T) {
	dir := tempdir.New(t)
	machine := write(t, dir, "machine.yaml", "policy:\n  allowed_versions: \"1.22\"\nmirror: /planted\ninsecure: true\n")
	user := write(t, dir, "user.yaml", "source: proxy\n")
	var asked []string
	distrust := func(p string) string { asked = append(asked, p); return "it is world-writable (mode 0666)" }
	c, err := Load(Inputs{Getenv: envOf(nil), MachineFile: machine, UserFile: user, UserFileExplicit: true, CheckTrust: distrust})
	if err != nil {
		t.Fatal(err)
	}
	if c.MachineIgnored == nil || c.MachineIgnored.File != machine || !strings.Contains(c.MachineIgnored.Error(), "world-writable") {
		t.Fatalf("MachineIgnored = %v, want the file and the reason", c.MachineIgnored)
	}
	if c.Policy.File != "" || c.Mirror != "" || c.Insecure || c.Origins["insecure"] != "default" {
		t.Errorf("an untrusted machine file was applied: policy %+v, mirror %q, insecure %v (%s)", c.Policy, c.Mirror, c.Insecure, c.Origins["insecure"])
	}
	if c.Source != "proxy" {
		t.Errorf("source %q, want the user's", c.Source)
	}
	if len(asked) != 1 || asked[0] != machine {
		t.Errorf("trust checked for %v, want only the machine file", asked)
	}

	// No file, nothing to distrust; a trusted file is read.
	c, err = Load(Inputs{Getenv: envOf(nil), MachineFile: dir + "/absent.yaml", CheckTrust: distrust})
	if err != nil || c.MachineIgnored != nil {
		t.Errorf("absent machine file: %v, ignored %v", err, c.MachineIgnored)
	}
	c, err = Load(Inputs{Getenv: envOf(nil), MachineFile: machine, CheckTrust: func(string) string { return "" }})
	if err != nil || c.MachineIgnored != nil || c.Policy.Allowed != "1.22" {
		t.Errorf("trusted machine file: %v, ignored %v, policy %+v", err, c.MachineIgnored, c.Policy)
	}
}
