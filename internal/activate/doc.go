// Package activate owns the `current` link of a govm home: the one
// filesystem object that changes when the active Go version changes. PATH
// holds <home>/current/bin once (see internal/pathenv), so retargeting the
// link switches every open shell at once.
//
// On Unix the link is a symbolic link, replaced atomically by renaming a new
// link over it. On Windows it is a directory junction (no admin rights or
// Developer Mode needed, unlike symbolic links), written with
// FSCTL_SET_REPARSE_POINT and retargeted by rewriting its reparse data in
// place. Volumes without junctions (FAT, exFAT, network shares) get
// ErrLinksUnsupported, whose message points to shim mode.
//
// Callers serialise switches with the home's `current` lock; SetCurrent
// stays correct without it on Unix (distinct temporary names, last rename
// wins), but on Windows the delete-and-recreate fallback has a short gap.
package activate
