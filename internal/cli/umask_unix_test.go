//go:build !windows

package cli_test

import "syscall"

// Scripts write machine config files, which govm ignores when others can
// write them: a umask of 002 (usual for non-root accounts) must not turn
// every policy script into a test of that instead.
func init() { syscall.Umask(0o022) }
