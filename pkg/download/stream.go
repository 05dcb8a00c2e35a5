package download

import (
	"context"
	"fmt"
	"io"
	"os"
)

// fetcher carries the state of one Fetch across attempts: how many bytes
// reached the writer, the partial file, and the expected total.
type fetcher struct {
	w        io.Writer
	partial  *os.File
	progress func(done, total int64)
	size     int64 // Options.Size, 0 when unknown
	total    int64 // -1 when unknown
	done     int64
	buf      []byte
}

// readError marks a failure reading the source, which a retry may fix, as
// opposed to a failure writing the result, which it cannot.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// setTotal records the resource size a server declared (-1: unknown) and
// refuses one that contradicts the expected size.
func (f *fetcher) setTotal(n int64) error {
	if n < 0 {
		return nil
	}
	if f.size > 0 && n != f.size {
		return fmt.Errorf("%w: server declares %d bytes, expected %d", ErrSizeMismatch, n, f.size)
	}
	f.total = n
	return nil
}

// copyFrom moves r into the partial file and the writer, dropping the first
// skip bytes of r, until r ends. Bytes go to the partial file first, so it
// never holds less than the writer saw: replaying it later is complete.
func (f *fetcher) copyFrom(ctx context.Context, r io.Reader, skip int64) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := r.Read(f.buf)
		p := f.buf[:n]
		if skip > 0 {
			d := min(skip, int64(len(p)))
			p = p[d:]
			skip -= d
		}
		if len(p) > 0 {
			if f.size > 0 && f.done+int64(len(p)) > f.size {
				return fmt.Errorf("%w: body is longer than %d bytes", ErrSizeMismatch, f.size)
			}
			if f.partial != nil {
				if _, err := f.partial.Write(p); err != nil {
					return fmt.Errorf("write partial download: %w", err)
				}
			}
			if _, err := f.w.Write(p); err != nil {
				return fmt.Errorf("write downloaded bytes: %w", err)
			}
			f.done += int64(len(p))
			if f.progress != nil {
				f.progress(f.done, f.total)
			}
		}
		if rerr == io.EOF {
			if skip > 0 {
				return &readError{fmt.Errorf("body ended %d bytes before the resume offset", skip)}
			}
			return nil
		}
		if rerr != nil {
			return &readError{rerr}
		}
	}
}
