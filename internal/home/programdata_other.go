//go:build !windows

package home

// programData is Windows-only; elsewhere there is none.
func programData() string { return "" }
