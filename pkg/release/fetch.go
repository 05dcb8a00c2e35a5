package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxMetadataBytes bounds index, list and checksum-database answers; an index
// of every Go release ever published is well under 4 MiB.
const maxMetadataBytes = 32 << 20

// StatusError is an HTTP answer other than 200 (or 304 where asked for).
type StatusError struct {
	URL  string
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// Unwrap classifies the status: 404 and 410 are ErrNotFound, everything else
// (5xx, 429, unexpected codes) is ErrUnavailable.
func (e *StatusError) Unwrap() error {
	if e.Code == http.StatusNotFound || e.Code == http.StatusGone {
		return ErrNotFound
	}
	return ErrUnavailable
}

// getMetadata GETs a small document (index, list, tile) and returns its body.
// Headers in hdr are sent as given. A 304 answer is returned as (nil, resp
// header, nil) so that callers using If-None-Match can reuse their copy.
// Transport errors wrap ErrUnavailable; non-2xx answers are *StatusError.
func getMetadata(ctx context.Context, client *http.Client, url string, hdr http.Header) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, resp.Header, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, resp.Header, &StatusError{URL: url, Code: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadataBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: GET %s: %v", ErrUnavailable, url, err)
	}
	if len(body) > maxMetadataBytes {
		return nil, nil, fmt.Errorf("%w: GET %s: answer larger than %d bytes", ErrMalformed, url, maxMetadataBytes)
	}
	return body, resp.Header, nil
}

// isFallthrough reports whether err means "try the next source".
func isFallthrough(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable)
}
