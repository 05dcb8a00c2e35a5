package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/govm-dev/govm/internal/fsx"
)

// CachePolicy says when an IndexCache may use the network.
type CachePolicy int

const (
	// CacheNormal serves a copy younger than the TTL without the network,
	// revalidates an older one, and falls back to it (with a warning) when
	// the network is unavailable.
	CacheNormal CachePolicy = iota
	// CacheFresh always asks the network (still with If-None-Match, so an
	// unchanged index is not downloaded again) and never falls back to a
	// stale copy: the caller asked for current data and gets an error instead.
	CacheFresh
	// CacheOffline never uses the network; a URL with no cached copy is an
	// error wrapping ErrUnavailable.
	CacheOffline
)

// errNotCached is returned in CacheOffline mode for a URL never cached. It
// wraps ErrUnavailable; a mirror also treats it like a 404 while it probes
// which layout it has.
var errNotCached = fmt.Errorf("%w: offline, and no cached copy", ErrUnavailable)

// IndexCache keeps fetched index documents on disk, one file per URL (named
// by the SHA-256 of the URL), with the ETag and time of the fetch. Writes go
// to a temporary file in the same directory and are renamed into place, so
// a reader in another process sees the old copy or the new one, never half.
// A cache file that does not decode is ignored and replaced: the cache can
// make govm faster or keep it working offline, never make it fail.
type IndexCache struct {
	dir string
	ttl time.Duration
	now func() time.Time
	// Policy selects how the network is used; set it before the first Fetch.
	Policy CachePolicy
}

// NewIndexCache returns a cache in dir (created on first write) whose copies
// are served without revalidation for ttl. now is the clock (nil: time.Now);
// tests inject one to move across the TTL.
func NewIndexCache(dir string, ttl time.Duration, now func() time.Time) *IndexCache {
	if now == nil {
		now = time.Now
	}
	return &IndexCache{dir: dir, ttl: ttl, now: now}
}

// cacheEntry is one cached document. On disk it is a one-line JSON header
// (the fields below but Body), a newline, then the body verbatim: the body is
// megabytes, and raw bytes read back several times faster than base64 in JSON.
type cacheEntry struct {
	URL     string    `json:"url"`
	ETag    string    `json:"etag,omitempty"`
	Fetched time.Time `json:"fetched"`
	SHA256  string    `json:"sha256"`
	Body    []byte    `json:"-"`
}

// Fetch returns the document at rawURL, from the cache or the network as
// Policy allows. check validates a body before it is returned or stored (a
// cached body that fails it is treated as absent); the last call of check
// that returned nil was on the body Fetch returns, so check may keep what it
// parsed. warn (may be nil) is told when a stale copy stands in for an
// unreachable server, and when the cache cannot be written.
func (c *IndexCache) Fetch(ctx context.Context, client *http.Client, rawURL string, check func([]byte) error, warn func(string)) ([]byte, error) {
	if warn == nil {
		warn = func(string) {}
	}
	entry, cached := c.load(rawURL, check)
	age := c.now().Sub(entry.Fetched)
	switch {
	case c.Policy == CacheOffline && cached:
		return entry.Body, nil
	case c.Policy == CacheOffline:
		return nil, fmt.Errorf("%s: %w", rawURL, errNotCached)
	case c.Policy == CacheNormal && cached && age >= 0 && age < c.ttl:
		return entry.Body, nil
	}

	hdr := http.Header{}
	if cached && entry.ETag != "" {
		hdr.Set("If-None-Match", entry.ETag)
	}
	body, respHdr, err := getMetadata(ctx, client, rawURL, hdr)
	if err != nil {
		if cached && c.Policy == CacheNormal && errors.Is(err, ErrUnavailable) {
			warn(fmt.Sprintf("using the release index cached %s; %s is unreachable: %v", humanAge(age), hostOf(rawURL), err))
			return entry.Body, nil
		}
		return nil, err
	}
	if body == nil {
		if !cached || entry.ETag == "" {
			return nil, fmt.Errorf("%w: GET %s: 304 Not Modified to a request without If-None-Match", ErrUnavailable, rawURL)
		}
		entry.Fetched = c.now()
		c.store(entry, warn)
		return entry.Body, nil
	}
	if err := check(body); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	c.store(cacheEntry{
		URL:     rawURL,
		ETag:    respHdr.Get("ETag"),
		Fetched: c.now(),
		SHA256:  hex.EncodeToString(sum[:]),
		Body:    body,
	}, warn)
	return body, nil
}

// path is the cache file of rawURL.
func (c *IndexCache) path(rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	return filepath.Join(c.dir, hex.EncodeToString(sum[:])+".json")
}

// load reads the entry of rawURL; ok is false when there is none or it is
// unreadable, truncated, for another URL, or fails check.
func (c *IndexCache) load(rawURL string, check func([]byte) error) (e cacheEntry, ok bool) {
	data, err := fsx.ReadFile(c.path(rawURL))
	if err != nil {
		return cacheEntry{}, false
	}
	header, body, found := bytes.Cut(data, []byte("\n"))
	if !found || json.Unmarshal(header, &e) != nil || e.URL != rawURL {
		return cacheEntry{}, false
	}
	e.Body = body
	sum := sha256.Sum256(e.Body)
	if hex.EncodeToString(sum[:]) != e.SHA256 || check(e.Body) != nil {
		return cacheEntry{}, false
	}
	return e, true
}

// store writes e atomically; failures only warn, since the document in hand
// is good and the next run can simply fetch it again.
func (c *IndexCache) store(e cacheEntry, warn func(string)) {
	if err := c.write(e); err != nil {
		warn(fmt.Sprintf("could not cache the release index from %s: %v", e.URL, err))
	}
}

func (c *IndexCache) write(e cacheEntry) error {
	header, err := json.Marshal(e)
	if err != nil {
		return err
	}
	data := append(append(header, '\n'), e.Body...)
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.dir, ".index-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.path(e.URL))
}

// humanAge renders how long ago something happened, "3 days ago".
func humanAge(d time.Duration) string {
	unit := func(n int64, name string) string {
		if n == 1 {
			return "1 " + name + " ago"
		}
		return fmt.Sprintf("%d %ss ago", n, name)
	}
	switch {
	case d < time.Minute:
		return "less than a minute ago"
	case d < time.Hour:
		return unit(int64(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return unit(int64(d/time.Hour), "hour")
	}
	return unit(int64(d/(24*time.Hour)), "day")
}

// hostOf names the server of rawURL for messages ("go.dev").
func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		return u.Host
	}
	return rawURL
}
