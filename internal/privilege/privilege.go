// Package privilege tells whether govm runs with administrator rights: as
// root on Unix, or with an elevated token on Windows (an elevated shell, or
// the SYSTEM account fleet tools use). Machine-wide mode acts on the
// machine-wide home only for such a process.
package privilege

// Elevated reports whether this process may write machine-wide locations.
func Elevated() bool { return elevated() }
