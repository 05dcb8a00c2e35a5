package selfupdate

// replace puts newExe in exe's place. Windows refuses to overwrite or
// delete a running executable but allows renaming it: the old one is moved
// aside, and removed by CleanupAside on a later run.
func replace(exe, newExe string) error { return replaceAside(exe, newExe) }

// CleanupAside removes executables that earlier updates moved aside beside
// exe (Windows leaves them while they run), and reports how many went.
func CleanupAside(exe string) int { return cleanupAside(exe) }
