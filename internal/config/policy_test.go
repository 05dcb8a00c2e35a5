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
