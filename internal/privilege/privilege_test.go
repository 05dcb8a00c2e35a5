package privilege

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Elevated must agree with what the process can actually do: an elevated
// process can create a directory under a machine-wide location, and one
// that is not elevated is refused there.
func TestElevatedMatchesRights(t *testing.T) {
	dir := "/etc"
	if runtime.GOOS == "windows" {
		dir = os.Getenv("SystemRoot")
		if dir == "" {
			t.Skip("SystemRoot is not set")
		}
	}
	probe := filepath.Join(dir, "govm-privilege-probe")
	err := os.Mkdir(probe, 0o755)
	if err == nil {
		os.Remove(probe)
	}
	if got, canWrite := Elevated(), err == nil; got != canWrite {
		t.Fatalf("Elevated() = %t, but creating %s: %v", got, probe, err)
	}
}
