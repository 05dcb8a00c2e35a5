//go:build windows

package privilege

import "golang.org/x/sys/windows"

// elevated asks the token, not group membership: an administrator's
// unelevated shell (UAC's filtered token) cannot write %ProgramData%\govm's
// versions, so it must keep acting on the user's own home.
func elevated() bool { return windows.GetCurrentProcessToken().IsElevated() }
