package doctor

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

func init() {
	register(Check{
		ID:       "GOVM-HOME",
		Category: CatGovm,
		Title:    "the govm home exists and is writable",
		Run:      checkHome,
	})
}

func checkHome(_ context.Context, e *Env) []Finding {
	root := e.Home.Root
	details := map[string]any{"home": root}
	fi, err := os.Stat(root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return []Finding{{Severity: Warning, Details: details,
			Message: "the govm home " + root + " does not exist: nothing is installed yet",
			Fix:     "govm install latest && govm use latest"}}
	case err != nil:
		return []Finding{{Severity: Error, Details: details,
			Message: "cannot read the govm home " + root + ": " + err.Error(),
			Fix:     "check the permissions of " + root + ", or point GOVM_HOME elsewhere"}}
	case !fi.IsDir():
		return []Finding{{Severity: Error, Details: details,
			Message: "the govm home " + root + " is a file, not a directory",
			Fix:     "move " + root + " away, or set GOVM_HOME to a directory"}}
	}
	// Creating a file is the only honest test: permission bits say nothing
	// about ACLs, read-only mounts or a full quota.
	f, err := os.CreateTemp(root, ".doctor-*.tmp")
	if err != nil {
		return []Finding{{Severity: Error, Details: details,
			Message: "cannot write to the govm home " + root + ": " + err.Error(),
			Fix:     "give your user write access to " + root + " (it must not be read-only or on a full volume), or set GOVM_HOME to a writable directory"}}
	}
	f.Close()
	os.Remove(f.Name())
	return []Finding{{Severity: OK, Message: "the govm home " + root + " is writable", Details: details}}
}
