// Package fsx holds the file-system primitives govm's state changes are built
// from: atomic file replacement, renames and removals that survive Windows'
// transient sharing violations (antivirus scanners and indexers open fresh
// files), removal of read-only trees, cross-process advisory locks, and
// marking an installed tree read-only.
//
// Everything here is careful about one thing the standard library is not:
// a crash, a concurrent process or a scanner holding a handle must never
// leave a half-written file or a partly removed tree that looks complete.
package fsx
