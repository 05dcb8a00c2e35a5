package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/govm-dev/govm/pkg/httperr"
)

// maxMetadataBytes bounds index, list and checksum-database answers; an index
// of every Go release ever published is well under 4 MiB.
const maxMetadataBytes = 32 << 20

// getMetadata GETs a small document (index, list, tile) and returns its body.
// Headers in hdr are sent as given. A 304 answer is returned as (nil, resp
// header, nil) so that callers using If-None-Match can reuse their copy.
// Transport errors wrap ErrUnavailable; other answers than 200 (and 304) are
// *httperr.StatusError, which matches ErrNotFound or ErrUnavailable.
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
		return nil, resp.Header, &httperr.StatusError{URL: url, Code: resp.StatusCode}
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
