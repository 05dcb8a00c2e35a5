// Package selfupdate replaces the govm binary with a newer release. A
// release directory (GitHub's releases/download/vX.Y.Z/, or a mirror laid
// out the same way) holds checksums.txt and one archive per platform; an
// update is installed only when its archive's SHA-256 matches the line for it
// in checksums.txt.
//
// Layout under a base URL or directory BASE:
//
//	BASE/latest/download/checksums.txt        the newest release's checksums
//	BASE/download/vX.Y.Z/checksums.txt         one release's checksums
//	BASE/download/vX.Y.Z/govm_X.Y.Z_OS_ARCH.tar.gz (.zip on Windows)
package selfupdate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/mod/semver"

	"github.com/govm-dev/govm/pkg/release"
)

// DefaultBaseURL is where govm's releases are published.
const DefaultBaseURL = "https://github.com/govm-dev/govm/releases"

var (
	// ErrChecksumMismatch: the downloaded archive does not match checksums.txt.
	// It wraps release.ErrVerification, so the CLI exits 3 as for any toolchain.
	ErrChecksumMismatch = fmt.Errorf("checksum mismatch: %w", release.ErrVerification)
	// ErrNoAsset: the release has no archive for this platform (wraps release.ErrNotFound).
	ErrNoAsset = fmt.Errorf("no archive for this platform: %w", release.ErrNotFound)
	// ErrNoBinary: the archive holds no govm executable.
	ErrNoBinary = errors.New("archive holds no govm executable")
)

// Options says where releases come from and which build is running.
type Options struct {
	// BaseURL is an http(s) URL, a file:// URL or a directory with the
	// layout in the package comment. Empty means DefaultBaseURL.
	BaseURL string
	// Client performs every request; nil means http.DefaultClient.
	Client *http.Client
	// GOOS and GOARCH select the archive (the running platform, normally).
	GOOS, GOARCH string
	// Current is the running version ("v1.2.3", "1.2.3", or "devel" for a
	// build that is not a release: every release counts as newer).
	Current string
	// Version pins the release to install ("1.2.3"); empty means the latest.
	Version string
}

// Update describes the release an Options points at.
type Update struct {
	Current string `json:"current"`
	Latest  string `json:"latest"` // the release checked: the newest, or Options.Version
	Newer   bool   `json:"update_available"`
	Asset   string `json:"asset"`
	URL     string `json:"url"`
	SHA256  string `json:"sha256"`
}

// Check reads the release's checksums.txt and finds this platform's
// archive in it. It downloads nothing else.
func Check(ctx context.Context, opts Options) (Update, error) {
	base := strings.TrimRight(opts.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	sumsURL := base + "/latest/download/checksums.txt"
	if opts.Version != "" {
		sumsURL = base + "/download/" + tag(opts.Version) + "/checksums.txt"
	}
	data, err := fetch(ctx, opts.Client, sumsURL, maxChecksumsBytes)
	if err != nil {
		return Update{}, fmt.Errorf("check for a govm update: %w", err)
	}
	sums, err := ParseChecksums(data)
	if err != nil {
		return Update{}, fmt.Errorf("check for a govm update: %s: %w", sumsURL, err)
	}
	for name, sum := range sums {
		a, err := ParseAssetName(name)
		if err != nil || a.OS != opts.GOOS || a.Arch != opts.GOARCH {
			continue
		}
		if opts.Version != "" && strings.TrimPrefix(opts.Version, "v") != a.Version {
			continue
		}
		return Update{
			Current: opts.Current,
			Latest:  a.Version,
			Newer:   newer(a.Version, opts.Current),
			Asset:   name,
			URL:     base + "/download/" + tag(a.Version) + "/" + name,
			SHA256:  sum,
		}, nil
	}
	return Update{}, fmt.Errorf("check for a govm update: %s lists no govm archive for %s/%s: %w", sumsURL, opts.GOOS, opts.GOARCH, ErrNoAsset)
}

// tag is the release tag of a version: "1.2.3" -> "v1.2.3".
func tag(v string) string { return "v" + strings.TrimPrefix(v, "v") }

// newer reports whether release version latest is newer than current. A
// current that is not a release version (devel, a snapshot) is older than
// every release, so a development build can always be replaced.
func newer(latest, current string) bool {
	l, c := tag(latest), tag(current)
	if !semver.IsValid(c) {
		return semver.IsValid(l)
	}
	return semver.Compare(l, c) > 0
}
