package release

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/govm-dev/govm/pkg/goversion"
)

// MirrorIndexName is the index file of a mirror directory or URL, in go.dev's
// JSON schema; `govm mirror sync` writes it beside the archives.
const MirrorIndexName = "index.json"

// MirrorOptions configures NewMirror.
type MirrorOptions struct {
	// Client performs HTTP requests; nil means http.DefaultClient.
	Client *http.Client
	// Cache, when set, keeps an HTTP mirror's index between runs. Directory
	// mirrors are read directly and never cached.
	Cache *IndexCache
	// Warn receives non-fatal problems, such as falling back to a stale cache.
	Warn func(string)
}

// Mirror is an internal copy of Go's releases: a directory (local, a Windows
// share, or a file:// URL) or an HTTP(S) base URL. Two layouts are accepted:
//
//  1. index.json in go.dev's schema with the archives beside it, as written
//     by `govm mirror sync`;
//  2. a go.dev look-alike (golang.google.cn/dl/) answering
//     `<base>?mode=json&include=all`, with archives at <base><filename>.
//
// An HTTP mirror is probed in that order: index.json, then the go.dev query
// on 404. A directory must use layout 1. The index is the trusted record: its
// sha256 is what archives are verified against, and an archive it lists
// without one is rejected as malformed rather than trusted from a .sha256
// file beside it, which anyone able to swap the archive could swap too.
type Mirror struct {
	location string
	dir      string // set for directory mirrors
	base     string // set for HTTP mirrors, ending in "/"
	opts     MirrorOptions
	memo     indexMemo

	mu       sync.Mutex
	indexURL string // the layout that answered, for Name and logs
}

// NewMirror parses location: an absolute or relative directory, a UNC path
// (`\\server\share\go`), a file:// URL, or an http(s) URL. It does not touch
// the mirror; a share that is down is reported by List or Artifact.
func NewMirror(location string, opts MirrorOptions) (*Mirror, error) {
	m := &Mirror{location: location, opts: opts}
	switch {
	case location == "":
		return nil, errors.New("mirror location is empty: want a directory, a UNC path, a file:// URL or an http(s) URL")
	case strings.Contains(location, "://"):
		u, err := url.Parse(location)
		if err != nil {
			return nil, fmt.Errorf("mirror %q: %w", location, err)
		}
		switch u.Scheme {
		case "http", "https":
			if u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return nil, fmt.Errorf("mirror %q: want a base URL with a host and no query, such as https://mirror.example.com/go/", location)
			}
			m.base = withSlash(u.String())
		case "file":
			p, err := FilePath(location)
			if err != nil {
				return nil, fmt.Errorf("mirror %q: %w", location, err)
			}
			m.dir = p
		default:
			return nil, fmt.Errorf("mirror %q: scheme %q is not http, https or file", location, u.Scheme)
		}
	default:
		abs, err := filepath.Abs(location)
		if err != nil {
			return nil, fmt.Errorf("mirror %q: %w", location, err)
		}
		m.dir = abs
	}
	return m, nil
}

// Name is "mirror" and the location as given.
func (m *Mirror) Name() string { return "mirror " + m.location }

// List returns the mirror's releases, newest first, reading its index once
// per Mirror.
func (m *Mirror) List(ctx context.Context) ([]Release, error) {
	return m.memo.get(func() ([]Release, error) {
		if m.dir != "" {
			return m.readDirIndex()
		}
		return m.fetchIndex(ctx)
	})
}

// Artifact returns the archive of v for goos/goarch: a file:// URL into a
// directory mirror, or <base><filename> for an HTTP one.
func (m *Mirror) Artifact(ctx context.Context, v goversion.Version, goos, goarch string) (Artifact, error) {
	releases, err := m.List(ctx)
	if err != nil {
		return Artifact{}, err
	}
	f, err := findArchive(releases, v, goos, goarch, m.Name())
	if err != nil {
		return Artifact{}, err
	}
	u := m.base + url.PathEscape(f.Filename)
	if m.dir != "" {
		u = FileURL(filepath.Join(m.dir, f.Filename))
	}
	return archiveArtifact(v, goos, goarch, f, u, m.Name())
}

// readDirIndex reads index.json from a directory mirror.
func (m *Mirror) readDirIndex() ([]Release, error) {
	p := filepath.Join(m.dir, MirrorIndexName)
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: mirror %s has no %s (create it with govm mirror sync)", ErrNotFound, m.location, p)
	}
	if err != nil {
		// A share that is offline or refuses us: another source may do.
		return nil, fmt.Errorf("%w: mirror %s: %v", ErrUnavailable, m.location, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxMetadataBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: mirror %s: read %s: %v", ErrUnavailable, m.location, p, err)
	}
	if len(data) > maxMetadataBytes {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrMalformed, p, maxMetadataBytes)
	}
	return ParseIndex(data, p)
}

// fetchIndex probes an HTTP mirror's two layouts in order.
func (m *Mirror) fetchIndex(ctx context.Context) ([]Release, error) {
	first := m.base + MirrorIndexName
	rs, err := loadIndex(ctx, m.opts.Client, m.opts.Cache, first, m.opts.Warn)
	if err == nil {
		m.setIndexURL(first)
		return rs, nil
	}
	if !errors.Is(err, ErrNotFound) && !errors.Is(err, errNotCached) {
		return nil, fmt.Errorf("mirror %s: %w", m.location, err)
	}
	second := goDevQuery(m.base)
	rs, err2 := loadIndex(ctx, m.opts.Client, m.opts.Cache, second, m.opts.Warn)
	if err2 == nil {
		m.setIndexURL(second)
		return rs, nil
	}
	if isFallthrough(err2) {
		return nil, fmt.Errorf("mirror %s has no usable release index: tried %s (%w) and %s (%w)", m.location, first, err, second, err2)
	}
	return nil, fmt.Errorf("mirror %s: %w", m.location, err2)
}

func (m *Mirror) setIndexURL(u string) {
	m.mu.Lock()
	m.indexURL = u
	m.mu.Unlock()
}

// IndexURL is the index the mirror answered with (index.json or the go.dev
// query), or "" before the first successful List. Directory mirrors report
// the file:// URL of their index.json.
func (m *Mirror) IndexURL() string {
	if m.dir != "" {
		return FileURL(filepath.Join(m.dir, MirrorIndexName))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.indexURL
}
