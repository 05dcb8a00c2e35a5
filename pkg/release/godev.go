package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/govm-dev/govm/pkg/goversion"
)

// Default go.dev endpoints. The index lives on go.dev; the archives it lists
// are served from dl.google.com, which is what go.dev/dl/ redirects to.
const (
	DefaultGoDevIndexURL     = "https://go.dev/dl/"
	DefaultGoDevDownloadBase = "https://dl.google.com/go/"
)

// GoDevOptions configures NewGoDev. Zero fields take the defaults.
type GoDevOptions struct {
	// IndexURL is the page whose `?mode=json&include=all` answer is the index.
	IndexURL string
	// DownloadBase is prefixed to an archive's file name to form its URL.
	DownloadBase string
	// Client performs every request; nil means http.DefaultClient.
	Client *http.Client
	// Cache, when set, keeps the index between runs (see IndexCache).
	Cache *IndexCache
	// Warn receives non-fatal problems, such as falling back to a stale cache.
	Warn func(string)
}

// GoDev is the go.dev/dl JSON index: the authoritative list of Go releases,
// with a SHA-256 for every archive.
type GoDev struct {
	indexURL     string
	downloadBase string
	opts         GoDevOptions
	memo         indexMemo
}

// NewGoDev returns the go.dev source described by opts.
func NewGoDev(opts GoDevOptions) *GoDev {
	idx := opts.IndexURL
	if idx == "" {
		idx = DefaultGoDevIndexURL
	}
	dl := opts.DownloadBase
	if dl == "" {
		dl = DefaultGoDevDownloadBase
	}
	return &GoDev{indexURL: goDevQuery(idx), downloadBase: withSlash(dl), opts: opts}
}

// Name is "go.dev", followed by the index URL when it is not the default, so
// that logs tell a test server or a look-alike from the real one.
func (g *GoDev) Name() string {
	if g.indexURL == goDevQuery(DefaultGoDevIndexURL) {
		return "go.dev"
	}
	return "go.dev " + g.indexURL
}

// List returns every release in the index, newest first. The index is
// fetched once per GoDev; later calls reuse it.
func (g *GoDev) List(ctx context.Context) ([]Release, error) {
	return g.memo.get(func() ([]Release, error) {
		return loadIndex(ctx, g.opts.Client, g.opts.Cache, g.indexURL, g.opts.Warn)
	})
}

// Artifact returns the archive (not the installer) of v for goos/goarch:
// a .zip on Windows and a .tar.gz elsewhere, as the go command's own
// downloads expect.
func (g *GoDev) Artifact(ctx context.Context, v goversion.Version, goos, goarch string) (Artifact, error) {
	releases, err := g.List(ctx)
	if err != nil {
		return Artifact{}, err
	}
	f, err := findArchive(releases, v, goos, goarch, g.Name())
	if err != nil {
		return Artifact{}, err
	}
	return archiveArtifact(v, goos, goarch, f, g.downloadBase+url.PathEscape(f.Filename), g.Name())
}

// goDevQuery turns a go.dev-style page URL into its JSON index URL.
func goDevQuery(base string) string {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "mode=json&include=all"
}

func withSlash(s string) string {
	if strings.HasSuffix(s, "/") {
		return s
	}
	return s + "/"
}

// indexMemo keeps the first successfully loaded index of a source, so that
// resolving a version and then fetching its artifact costs one request.
type indexMemo struct {
	mu       sync.Mutex
	releases []Release
	loaded   bool
}

func (m *indexMemo) get(load func() ([]Release, error)) ([]Release, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.loaded {
		rs, err := load()
		if err != nil {
			return nil, err
		}
		m.releases, m.loaded = rs, true
	}
	// A copy, so that a caller re-sorting or filtering its list cannot
	// change what the next caller sees.
	return slices.Clone(m.releases), nil
}

// loadIndex fetches and parses a go.dev-schema index, through cache when set.
func loadIndex(ctx context.Context, client *http.Client, cache *IndexCache, indexURL string, warn func(string)) ([]Release, error) {
	if cache == nil {
		body, _, err := getMetadata(ctx, client, indexURL, nil)
		if err != nil {
			return nil, fmt.Errorf("fetch release index: %w", err)
		}
		return ParseIndex(body, indexURL)
	}
	var releases []Release
	_, err := cache.Fetch(ctx, client, indexURL, func(body []byte) error {
		rs, err := ParseIndex(body, indexURL)
		releases = rs
		return err
	}, warn)
	if err != nil {
		return nil, fmt.Errorf("fetch release index: %w", err)
	}
	return releases, nil
}

var hex64 = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// ParseIndex decodes and validates an index in go.dev's JSON schema, read
// from src (a URL or path, used in messages). It returns the releases newest
// first with canonical version names ("go1.22.5"). Anything that is not a JSON
// array of releases, a version goversion cannot parse, a file name that is not
// a plain base name, or an archive lacking os, arch, a 64-hex sha256 or a
// positive size is ErrMalformed, naming src and the first bad entry: a hash
// that is missing from the index could not be trusted from anywhere else.
func ParseIndex(data []byte, src string) ([]Release, error) {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '[' {
		return nil, fmt.Errorf("%w: release index %s: not a JSON array (%s)", ErrMalformed, src, snippet(t))
	}
	var releases []Release
	if err := json.Unmarshal(data, &releases); err != nil {
		return nil, fmt.Errorf("%w: release index %s: %v", ErrMalformed, src, err)
	}
	versions := make(map[string]goversion.Version, len(releases))
	for i := range releases {
		r := &releases[i]
		v, err := goversion.Parse(r.Version)
		if err != nil {
			return nil, fmt.Errorf("%w: release index %s: release #%d: %v", ErrMalformed, src, i, err)
		}
		r.Version = v.String()
		versions[r.Version] = v
		for j, f := range r.Files {
			if err := checkIndexFile(f); err != nil {
				return nil, fmt.Errorf("%w: release index %s: %s file #%d %q: %v", ErrMalformed, src, r.Version, j, f.Filename, err)
			}
			r.Files[j].SHA256 = strings.ToLower(f.SHA256)
		}
	}
	slices.SortStableFunc(releases, func(a, b Release) int {
		return goversion.Compare(versions[b.Version], versions[a.Version])
	})
	return releases, nil
}

// checkIndexFile applies the rules of ParseIndex to one file entry.
func checkIndexFile(f File) error {
	if err := checkBaseName(f.Filename); err != nil {
		return err
	}
	if f.Kind != "archive" {
		return nil
	}
	switch {
	case f.OS == "":
		return fmt.Errorf("archive has no os")
	case f.Arch == "":
		return fmt.Errorf("archive has no arch")
	case !hex64.MatchString(f.SHA256):
		return fmt.Errorf("sha256 %q is not 64 hex digits", f.SHA256)
	case f.Size <= 0:
		return fmt.Errorf("size %d is not positive", f.Size)
	}
	return nil
}

// checkBaseName rejects file names that would lead a mirror's archive URL or
// path outside the mirror.
func checkBaseName(name string) error {
	if name == "" {
		return fmt.Errorf("no filename")
	}
	if name == "." || name == ".." || strings.ContainsAny(name, `/\:`) || strings.ContainsRune(name, 0) {
		return fmt.Errorf("filename %q is not a plain file name", name)
	}
	return nil
}

// snippet quotes the start of a bad answer, enough to recognise an HTML
// error page or a captive portal.
func snippet(b []byte) string {
	if len(b) > 40 {
		return fmt.Sprintf("%q...", b[:40])
	}
	return fmt.Sprintf("%q", b)
}

// indexArch maps GOARCH to go.dev's arch name: 32-bit ARM archives are
// published as "armv6l".
func indexArch(goarch string) string {
	if goarch == "arm" {
		return "armv6l"
	}
	return goarch
}

// goArch is the inverse of indexArch.
func goArch(arch string) string {
	if arch == "armv6l" {
		return "arm"
	}
	return arch
}

// archiveFormat is the container the go command expects for goos.
func archiveFormat(goos string) Format {
	if goos == "windows" {
		return Zip
	}
	return TarGz
}

// findArchive picks the archive of v for goos/goarch out of an index.
func findArchive(releases []Release, v goversion.Version, goos, goarch, source string) (File, error) {
	i := slices.IndexFunc(releases, func(r Release) bool { return r.Version == v.String() })
	if i < 0 {
		return File{}, fmt.Errorf("%w: %s has no release %s", ErrNotFound, source, v)
	}
	suffix := "." + string(archiveFormat(goos))
	var have []string
	for _, f := range releases[i].Files {
		if f.Kind != "archive" {
			continue
		}
		if f.OS == goos && f.Arch == indexArch(goarch) && strings.HasSuffix(f.Filename, suffix) {
			return f, nil
		}
		have = append(have, f.OS+"/"+goArch(f.Arch))
	}
	slices.Sort(have)
	have = slices.Compact(have)
	listed := strings.Join(have, ", ")
	if listed == "" {
		listed = "none"
	}
	return File{}, fmt.Errorf("%w: %s has no %s archive of %s for %s/%s (it has: %s)", ErrNotFound, source, suffix[1:], v, goos, goarch, listed)
}

// archiveArtifact builds the Artifact of a go.dev-style archive entry.
func archiveArtifact(v goversion.Version, goos, goarch string, f File, url, source string) (Artifact, error) {
	format, ok := formatOf(f.Filename)
	if !ok {
		return Artifact{}, fmt.Errorf("%w: %s: archive %q is neither .tar.gz nor .zip", ErrMalformed, source, f.Filename)
	}
	return Artifact{
		Version:  v,
		OS:       goos,
		Arch:     goarch,
		URL:      url,
		Filename: f.Filename,
		Size:     f.Size,
		Hash:     Hash{Kind: SHA256, Value: strings.ToLower(f.SHA256)},
		Format:   format,
		Prefix:   "go/",
		Source:   source,
	}, nil
}

// formatOf tells the container format from a file name.
func formatOf(name string) (Format, bool) {
	switch {
	case strings.HasSuffix(name, ".tar.gz"):
		return TarGz, true
	case strings.HasSuffix(name, ".zip"):
		return Zip, true
	}
	return "", false
}
