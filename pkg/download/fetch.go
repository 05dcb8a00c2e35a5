// Package download fetches toolchain archives over HTTP(S) or from local
// paths. It streams every byte into a caller's writer (typically a hasher and
// an unpacker at once), keeps a partial copy on disk so that a killed run
// resumes where it stopped, and retries transient failures with Range
// requests from the current offset.
package download

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/govm-dev/govm/pkg/httperr"
)

// DefaultRetries is how many consecutive failed attempts Fetch retries when
// Options.Retries is zero.
const DefaultRetries = 4

// Options configures Fetch. The zero value works.
type Options struct {
	// Client sends the requests; nil means NewClient(ClientOptions{}).
	Client *http.Client
	// Retries is how many times a transient failure is retried in a row
	// without the download making progress: a failure after new bytes arrived
	// starts the count again. Zero means DefaultRetries; negative means none.
	Retries int
	// Backoff returns how long to wait before retry number attempt (1, 2,
	// ...); nil means exponential from 250 ms up to 20 s with jitter.
	Backoff func(attempt int) time.Duration
	// Progress, when set, is called as bytes reach the writer with the bytes
	// done so far and the total (-1 when unknown).
	Progress func(done, total int64)
	// Size is the expected size in bytes, 0 when unknown. When set, Fetch
	// never writes more than Size bytes and fails with ErrSizeMismatch on a
	// longer body or a server declaring another size.
	Size int64
	// IdleTimeout, when positive, fails a body read that waits longer than
	// this and resumes. Clients from NewClient already carry one.
	IdleTimeout time.Duration
	// Header holds extra request headers (User-Agent, for instance).
	Header http.Header
}

// Result describes a finished fetch.
type Result struct {
	// Bytes is how many bytes were written to the writer, replayed ones
	// included.
	Bytes int64
	// Resumed is true when bytes came from a partial file of an earlier run
	// or a Range request continued after a failure.
	Resumed bool
	// Attempts counts HTTP requests sent (1 for a local file, 0 when the
	// partial file already held the whole resource).
	Attempts int
	// RangeRequests counts requests sent with a Range header.
	RangeRequests int
	// Local is true for file:// URLs: the file was read in place and no
	// partial copy exists.
	Local bool
}

// Fetch streams the resource at rawURL into w.
//
// partial is the path of the on-disk copy ("...tar.gz.partial"): every byte
// fetched is appended to it, and when it already exists its bytes are
// replayed into w first and the request continues from its end. On success
// the caller renames it into place; "" keeps no copy (resuming within this
// call still works). When the server cannot continue the partial file,
// Fetch returns ErrRestart: the caller discards everything derived from w,
// removes the partial file and calls Fetch again.
//
// Transient failures (connection errors, a body cut short or stalled, 5xx,
// 408, 429) are retried with a Range request from the current offset, and
// the error after the last retry wraps httperr.ErrUnavailable; 404 and 410
// (httperr.ErrNotFound) and other 4xx are not retried: the error is the
// *httperr.StatusError. Cancelling ctx stops at once.
// file:// URLs are read in place (see FilePath).
func Fetch(ctx context.Context, rawURL, partial string, w io.Writer, o Options) (Result, error) {
	f := &fetcher{w: w, progress: o.Progress, size: o.Size, total: -1, buf: make([]byte, 256<<10)}
	if o.Size > 0 {
		f.total = o.Size
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return Result{}, fmt.Errorf("fetch %s: %w", rawURL, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "file":
		return fetchLocal(ctx, rawURL, f)
	case "http", "https":
	default:
		return Result{}, fmt.Errorf("fetch %s: unsupported scheme %q (want https, http or file)", rawURL, u.Scheme)
	}
	var res Result
	if partial != "" {
		pf, err := f.openPartial(ctx, partial)
		if err != nil {
			return res, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
		defer pf.Close()
		res.Resumed = f.done > 0
		if o.Size > 0 && f.done == o.Size {
			res.Bytes = f.done
			return res, nil
		}
	}
	client := o.Client
	if client == nil {
		client = NewClient(ClientOptions{})
	}
	retries := o.Retries
	if retries == 0 {
		retries = DefaultRetries
	}
	backoff := o.Backoff
	if backoff == nil {
		backoff = defaultBackoff
	}
	failures := 0
	for {
		before := f.done
		res.Attempts++
		complete, retry, err := f.attempt(ctx, client, rawURL, o, &res)
		res.Bytes = f.done
		if complete {
			return res, nil
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("fetch %s: %w", rawURL, ctx.Err())
		}
		if !retry {
			return res, fmt.Errorf("fetch %s: %w", rawURL, err)
		}
		if f.done > before {
			failures = 0
		}
		failures++
		if failures > retries {
			return res, fmt.Errorf("fetch %s: giving up after %d attempts: %w: %w", rawURL, res.Attempts, httperr.ErrUnavailable, err)
		}
		t := time.NewTimer(backoff(failures))
		select {
		case <-ctx.Done():
			t.Stop()
			return res, fmt.Errorf("fetch %s: %w", rawURL, ctx.Err())
		case <-t.C:
		}
	}
}

// openPartial opens (or creates) the partial file and replays its bytes
// into the writer. A partial file longer than the expected size cannot be
// this resource: it is emptied, which is safe because nothing reached the
// writer yet.
func (f *fetcher) openPartial(ctx context.Context, path string) (*os.File, error) {
	pf, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open partial download: %w", err)
	}
	fi, err := pf.Stat()
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("open partial download: %w", err)
	}
	n := fi.Size()
	if f.size > 0 && n > f.size {
		if err := pf.Truncate(0); err != nil {
			pf.Close()
			return nil, fmt.Errorf("reset partial download %s: %w", path, err)
		}
		n = 0
	}
	if n > 0 {
		if err := f.copyFrom(ctx, io.LimitReader(pf, n), 0); err != nil {
			pf.Close()
			return nil, fmt.Errorf("replay partial download %s: %w", path, err)
		}
		if f.done != n {
			pf.Close()
			return nil, fmt.Errorf("replay partial download %s: read %d of %d bytes", path, f.done, n)
		}
	}
	if _, err := pf.Seek(n, io.SeekStart); err != nil {
		pf.Close()
		return nil, fmt.Errorf("open partial download %s: %w", path, err)
	}
	f.partial = pf
	return pf, nil
}

// attempt sends one request and streams its body. complete reports the
// whole resource reached the writer; otherwise retry says whether err is
// transient.
func (f *fetcher) attempt(ctx context.Context, client *http.Client, rawURL string, o Options, res *Result) (complete, retry bool, err error) {
	actx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, rawURL, nil)
	if err != nil {
		return false, false, err
	}
	for k, vs := range o.Header {
		req.Header[k] = vs
	}
	// Transparent gzip decoding would make byte offsets meaningless.
	req.Header.Set("Accept-Encoding", "identity")
	if f.done > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", f.done))
		res.RangeRequests++
		res.Resumed = true
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, !isPermanentTransportError(err), err
	}
	defer resp.Body.Close()
	var skip int64
	switch {
	case resp.StatusCode == http.StatusOK:
		// A server that ignores Range sends the whole resource again: the
		// bytes we already have are dropped as they arrive.
		skip = f.done
		if err := f.setTotal(resp.ContentLength); err != nil {
			return false, false, err
		}
	case resp.StatusCode == http.StatusPartialContent && f.done > 0:
		cr, err := parseContentRange(resp.Header.Get("Content-Range"))
		if err != nil || cr.first != f.done {
			return false, false, fmt.Errorf("%w: asked for bytes from %d, server sent Content-Range %q", ErrRestart, f.done, resp.Header.Get("Content-Range"))
		}
		if err := f.setTotal(cr.total); err != nil {
			return false, false, err
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && f.done > 0:
		// "bytes */N" with N equal to what we have: the earlier run got
		// everything but stopped before renaming the file.
		if cr, err := parseContentRange(resp.Header.Get("Content-Range")); err == nil && cr.total == f.done {
			return f.setTotal(cr.total) == nil, false, nil
		}
		return false, false, fmt.Errorf("%w: server answered 416 to a request for bytes from %d", ErrRestart, f.done)
	default:
		return false, transientStatus(resp.StatusCode), &httperr.StatusError{URL: rawURL, Code: resp.StatusCode}
	}
	var body io.Reader = resp.Body
	if o.IdleTimeout > 0 {
		body = newIdleBody(resp.Body, o.IdleTimeout, cancel)
	}
	err = f.copyFrom(ctx, body, skip)
	var rerr *readError
	switch {
	case err == nil && f.total >= 0 && f.done < f.total:
		return false, true, fmt.Errorf("body ended after %d of %d bytes", f.done, f.total)
	case err == nil:
		return true, false, nil
	case errors.As(err, &rerr):
		return false, true, err
	default:
		return false, false, err
	}
}

// isPermanentTransportError reports errors that a retry cannot fix: a
// certificate the system does not trust will not be trusted in a second.
func isPermanentTransportError(err error) bool {
	var cve *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &cve) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

func defaultBackoff(attempt int) time.Duration {
	d := 250 * time.Millisecond << min(attempt-1, 7)
	d = min(d, 20*time.Second)
	// Jitter of +-20% keeps many machines of a fleet from retrying in step.
	return d + time.Duration((rand.Float64()-0.5)*0.4*float64(d))
}
