// Package release is govm's catalogue of Go toolchains: which releases exist,
// and for one release and platform, where its archive is and which trusted
// hash it must match.
//
// Every source (go.dev's JSON index, the golang.org/toolchain module on a
// GOPROXY, an internal mirror, one local archive) implements Source. Nothing
// here downloads archives: a Source returns an Artifact, and package download
// fetches it.
package release

import (
	"context"
	"errors"

	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/httperr"
)

// Sentinel errors that callers branch on (the CLI maps them to exit codes).
var (
	// ErrNotFound: the source has no such release, or no archive for the
	// platform. It is httperr.ErrNotFound, which a 404 or 410 answer
	// matches, so that whichever layer found nothing, one errors.Is tells.
	ErrNotFound = httperr.ErrNotFound
	// ErrVerification: a signature, tree or hash from a trusted record did not verify.
	ErrVerification = errors.New("verification failed")
	// ErrInsecure: verification is turned off (GOSUMDB=off, GONOSUMDB) and --insecure was not given.
	ErrInsecure = errors.New("verification disabled")
	// ErrUnavailable: the source could not be reached or answered with an
	// error other than 404 or 410 (a server error, 429, 403, ...). It is
	// httperr.ErrUnavailable, for the same reason as ErrNotFound.
	ErrUnavailable = httperr.ErrUnavailable
	// ErrMalformed: the source answered with data that does not parse.
	ErrMalformed = errors.New("malformed response")
)

// File is one downloadable file of a release, in go.dev's JSON schema.
type File struct {
	Filename string `json:"filename"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	Version  string `json:"version"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Kind     string `json:"kind"` // "archive", "installer" or "source"
}

// Release is one Go release and its files, in go.dev's JSON schema.
type Release struct {
	Version string `json:"version"` // "go1.22.5"
	Stable  bool   `json:"stable"`
	Files   []File `json:"files"`
}

// HashKind names the kind of trusted record an archive is checked against.
type HashKind string

const (
	// SHA256 is a hex SHA-256 of the archive bytes (go.dev index, mirror, .sha256 file).
	SHA256 HashKind = "sha256"
	// H1 is the golang.org/x/mod/sumdb/dirhash "h1:" hash of a module zip's
	// files, as recorded in the checksum database.
	H1 HashKind = "h1"
	// None means no trusted record: only with --insecure.
	None HashKind = "none"
)

// Hash is a trusted record an archive must match.
type Hash struct {
	Kind  HashKind `json:"kind"`
	Value string   `json:"value"` // hex for SHA256, "h1:base64" for H1
}

// Format is an archive container format.
type Format string

const (
	TarGz Format = "tar.gz"
	Zip   Format = "zip"
)

// Artifact is everything needed to fetch, verify and unpack one toolchain.
type Artifact struct {
	Version  goversion.Version
	OS, Arch string
	// URL is where the archive is: http(s)://..., or file:// for local paths
	// (a mirror directory, a UNC share, one archive given on the command line).
	URL string
	// Filename is the archive's base name, used as its cache key together with Hash.
	Filename string
	// Size is the expected size in bytes, or 0 when the source does not say.
	Size int64
	// Hash is the trusted record, taken from the source's verified metadata.
	Hash Hash
	// Format is how the archive is packed.
	Format Format
	// Prefix is the directory every entry sits under, stripped on unpack:
	// "go/" for go.dev archives, "golang.org/toolchain@v0.0.1-go1.22.5.linux-amd64/"
	// for toolchain module zips.
	Prefix string
	// Source names where the artifact came from, for logs and `govm list`
	// ("go.dev", "proxy https://proxy.golang.org", "mirror /srv/go", "file ...").
	Source string
}

// Source is a catalogue of Go toolchains.
type Source interface {
	// Name describes the source for messages and logs.
	Name() string
	// List returns the releases the source knows, newest first. A source
	// that cannot list everything (a filtering proxy) returns what it can.
	List(ctx context.Context) ([]Release, error)
	// Artifact returns the archive of version v for goos/goarch with the
	// trusted hash to check it against. It wraps ErrNotFound when the source
	// has no such archive.
	Artifact(ctx context.Context, v goversion.Version, goos, goarch string) (Artifact, error)
}
