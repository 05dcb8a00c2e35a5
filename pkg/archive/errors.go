package archive

import (
	"errors"
	"fmt"
)

var (
	// ErrUnsafe is wrapped by every *UnsafeEntryError: the archive holds
	// an entry that must not be unpacked.
	ErrUnsafe = errors.New("unsafe archive")
	// ErrLimit is wrapped by an *UnsafeEntryError whose entry crossed one
	// of the Limits; raising the limit is the way out when the archive is
	// trusted.
	ErrLimit = errors.New("archive exceeds a size limit")
)

// UnsafeEntryError names an archive entry that was refused and why.
type UnsafeEntryError struct {
	// Entry is the name as stored in the archive.
	Entry string
	// Reason says what is wrong with it.
	Reason string
	// Err is an underlying cause (ErrLimit, a decompression error), or nil.
	Err error
}

func (e *UnsafeEntryError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("unsafe archive entry %q: %s: %v", e.Entry, e.Reason, e.Err)
	}
	return fmt.Sprintf("unsafe archive entry %q: %s", e.Entry, e.Reason)
}

// Unwrap lets errors.Is match ErrUnsafe and the cause.
func (e *UnsafeEntryError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrUnsafe, e.Err}
	}
	return []error{ErrUnsafe}
}

func unsafeEntry(name, reason string, args ...any) *UnsafeEntryError {
	return &UnsafeEntryError{Entry: name, Reason: fmt.Sprintf(reason, args...)}
}
