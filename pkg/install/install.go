// Package install ties the pipeline together: resolve an artifact from a
// release source, fetch it (resuming, hashing while it streams), verify it
// against the source's trusted record, unpack it into the store, check that
// the unpacked toolchain runs and reports the expected version, and commit.
//
// The store makes the result atomic: a version exists only once its install
// record is written, after every check passed. Any failure leaves the
// versions directory as it was.
package install

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/govm-dev/govm/pkg/archive"
	"github.com/govm-dev/govm/pkg/download"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
	"github.com/govm-dev/govm/pkg/store"
)

// ErrHashMismatch is wrapped by a *MismatchError; it wraps
// release.ErrVerification so callers map it to the verification exit code.
var ErrHashMismatch = fmt.Errorf("%w: archive does not match its trusted hash", release.ErrVerification)

// MismatchError says which archive failed verification and how.
type MismatchError struct {
	URL      string
	Kind     release.HashKind
	Expected string
	Actual   string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s: %s hash mismatch: expected %s, got %s; the download was deleted, nothing was installed (retry; if it persists the source or a proxy in between serves altered files)",
		e.URL, e.Kind, e.Expected, e.Actual)
}

// Unwrap lets errors.Is(err, ErrHashMismatch) and release.ErrVerification match.
func (e *MismatchError) Unwrap() error { return ErrHashMismatch }

// Installer installs toolchains into a store.
type Installer struct {
	Source release.Source
	Store  *store.Store
	Client *http.Client
	// DownloadDir holds archives, *.partial while in flight.
	DownloadDir string
	// Retries and Backoff configure transient-failure retries of a download.
	Retries int
	Backoff func(attempt int) time.Duration
	// Limits bound what one archive may unpack to.
	Limits archive.Limits
	// Progress, when set, is asked for a progress callback per download.
	Progress func(label string) (update func(done, total int64), finish func())
	// Warn reports things the user must see (verification turned off).
	Warn func(string)
	// HostOS and HostArch are the platform toolchains run on; default runtime's.
	HostOS, HostArch string
}

// Result describes one install, for `govm install --json` and the log.
type Result struct {
	Version   string       `json:"version"`
	OS        string       `json:"os"`
	Arch      string       `json:"arch"`
	Path      string       `json:"path"`
	Source    string       `json:"source"`
	URL       string       `json:"url"`
	Hash      release.Hash `json:"verified_hash"`
	SHA256    string       `json:"archive_sha256"`
	Bytes     int64        `json:"bytes"`
	Seconds   float64      `json:"seconds"`
	FromCache bool         `json:"from_cache"`
	Already   bool         `json:"already_installed"`
}

func (in *Installer) host() (string, string) {
	goos, goarch := in.HostOS, in.HostArch
	if goos == "" {
		goos = runtime.GOOS
	}
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	return goos, goarch
}

// Install installs version v for goos/goarch (empty: the host platform).
// An installed version is reported with Already set and touches no network
// unless force is set.
func (in *Installer) Install(ctx context.Context, v goversion.Version, goos, goarch string, force bool) (Result, error) {
	hostOS, hostArch := in.host()
	if goos == "" {
		goos = hostOS
	}
	if goarch == "" {
		goarch = hostArch
	}
	key := store.Key{Version: v, OS: goos, Arch: goarch}
	if !force {
		if inst, err := in.Store.Get(key); err == nil {
			return resultOf(inst, true), nil
		}
	}
	start := time.Now()
	// Leftovers of installs that crashed (trees without a record, temp
	// files) go first; versions other processes are installing are skipped.
	if _, err := in.Store.CleanStale(ctx); err != nil && in.Warn != nil {
		in.Warn(fmt.Sprintf("could not clean up after an earlier interrupted install: %v", err))
	}
	art, err := in.Source.Artifact(ctx, v, goos, goarch)
	if err != nil {
		return Result{}, err
	}
	if art.Hash.Kind == release.None && in.Warn != nil {
		in.Warn(fmt.Sprintf("installing %s from %s WITHOUT verification (--insecure): nothing vouches for these bytes", v, art.URL))
	}
	var fromCache bool
	rec, already, err := in.Store.Install(ctx, key, force, func(ctx context.Context, dir string) (store.Record, []store.FileRecord, error) {
		m, sum, cached, err := in.fetchAndUnpack(ctx, art, dir)
		if err != nil {
			return store.Record{}, nil, err
		}
		fromCache = cached
		out := ""
		if goos == hostOS && goarch == hostArch {
			if out, err = checkGoVersion(ctx, dir, v); err != nil {
				return store.Record{}, nil, err
			}
		}
		var size int64
		files := make([]store.FileRecord, 0, len(m))
		for _, e := range m {
			size += e.Size
			if e.Mode.IsRegular() {
				files = append(files, store.FileRecord{Path: e.Path, Size: e.Size, Mode: e.Mode, SHA256: hex.EncodeToString(e.SHA256[:])})
			}
		}
		return store.Record{
			Version:         v,
			OS:              goos,
			Arch:            goarch,
			Source:          art.Source,
			URL:             art.URL,
			Hash:            store.Hash{Kind: string(art.Hash.Kind), Value: art.Hash.Value},
			ArchiveSHA256:   sum.hex,
			Bytes:           sum.n,
			Files:           len(files),
			Size:            size,
			InstalledAt:     time.Now().UTC(),
			Seconds:         time.Since(start).Seconds(),
			FromCache:       cached,
			GoVersionOutput: out,
		}, files, nil
	})
	if err != nil {
		return Result{}, err // the store names the version and platform
	}
	inst, err := in.Store.Get(key)
	if err != nil {
		return Result{}, fmt.Errorf("install %s: %w", v, err)
	}
	r := resultOf(inst, already)
	if !already {
		r.FromCache = fromCache
		r.Seconds = rec.Seconds
	}
	return r, nil
}

func resultOf(inst store.Installed, already bool) Result {
	rec := inst.Record
	return Result{
		Version: rec.Version.String(), OS: rec.OS, Arch: rec.Arch, Path: inst.Dir,
		Source: rec.Source, URL: rec.URL,
		Hash:   release.Hash{Kind: release.HashKind(rec.Hash.Kind), Value: rec.Hash.Value},
		SHA256: rec.ArchiveSHA256, Bytes: rec.Bytes, Seconds: rec.Seconds,
		FromCache: rec.FromCache, Already: already,
	}
}

// archiveSum is the SHA-256 and length of an archive's bytes.
type archiveSum struct {
	hex string
	n   int64
}

// fetchAndUnpack gets art into dir and verifies it. A cached archive is used
// when present and still matches; a cached copy that does not match is
// discarded and downloaded again, once.
func (in *Installer) fetchAndUnpack(ctx context.Context, art release.Artifact, dir string) (archive.Manifest, archiveSum, bool, error) {
	cached := filepath.Join(in.DownloadDir, art.Filename)
	if _, err := os.Stat(cached); err == nil {
		m, sum, err := in.unpackFile(ctx, art, cached, dir)
		if err == nil {
			return m, sum, true, nil
		}
		if !errors.Is(err, release.ErrVerification) {
			return nil, archiveSum{}, false, err
		}
		// A stale or corrupted cache entry is not the source's fault.
		if err := os.Remove(cached); err != nil {
			return nil, archiveSum{}, false, err
		}
		if err := resetDir(dir); err != nil {
			return nil, archiveSum{}, false, err
		}
	}
	if err := os.MkdirAll(in.DownloadDir, 0o755); err != nil {
		return nil, archiveSum{}, false, err
	}
	m, sum, err := in.download(ctx, art, cached, dir)
	if errors.Is(err, download.ErrRestart) {
		// The server could not continue our partial file: start from zero.
		os.Remove(cached + ".partial")
		if err := resetDir(dir); err != nil {
			return nil, archiveSum{}, false, err
		}
		m, sum, err = in.download(ctx, art, cached, dir)
	}
	return m, sum, false, err
}

// download fetches art, unpacking as it streams for tar.gz and after the
// whole file is on disk (and verified where a SHA-256 is known) for zip,
// whose directory sits at the end. On success the archive is kept at final.
func (in *Installer) download(ctx context.Context, art release.Artifact, final, dir string) (archive.Manifest, archiveSum, error) {
	partial := final + ".partial"
	opts := download.Options{Client: in.Client, Retries: in.Retries, Backoff: in.Backoff, Size: art.Size}
	if in.Progress != nil {
		update, finish := in.Progress(art.Filename)
		opts.Progress = update
		defer finish()
	}
	h := sha256.New()
	var m archive.Manifest
	switch art.Format {
	case release.TarGz:
		pr, pw := io.Pipe()
		extracted := make(chan error, 1)
		go func() {
			var err error
			m, err = archive.ExtractTarGz(ctx, pr, dir, in.archiveOptions(art))
			// Keep draining so the whole archive is hashed: when the bytes
			// were tampered with, the hash mismatch is the error to report,
			// not whatever the unpacker tripped over.
			io.Copy(io.Discard, pr)
			pr.Close()
			extracted <- err
		}()
		res, ferr := download.Fetch(ctx, art.URL, partial, io.MultiWriter(h, pw), opts)
		pw.CloseWithError(ferr)
		xerr := <-extracted
		if ferr != nil {
			return nil, archiveSum{}, ferr
		}
		sum := archiveSum{hex: hex.EncodeToString(h.Sum(nil)), n: res.Bytes}
		if err := in.checkSum(art, sum, partial, res.Local); err != nil {
			return nil, archiveSum{}, err
		}
		if xerr != nil {
			return nil, archiveSum{}, xerr
		}
		if err := keep(partial, final, res.Local); err != nil {
			return nil, archiveSum{}, err
		}
		return m, sum, nil
	case release.Zip:
		res, err := download.Fetch(ctx, art.URL, partial, h, opts)
		if err != nil {
			return nil, archiveSum{}, err
		}
		sum := archiveSum{hex: hex.EncodeToString(h.Sum(nil)), n: res.Bytes}
		if err := in.checkSum(art, sum, partial, res.Local); err != nil {
			return nil, archiveSum{}, err
		}
		src := partial
		if res.Local {
			src = localPath(art.URL)
		}
		m, err = in.unpackZip(ctx, art, src, dir)
		if err != nil {
			if errors.Is(err, release.ErrVerification) && !res.Local {
				os.Remove(partial)
			}
			return nil, archiveSum{}, err
		}
		if err := keep(partial, final, res.Local); err != nil {
			return nil, archiveSum{}, err
		}
		return m, sum, nil
	}
	return nil, archiveSum{}, fmt.Errorf("%s: unsupported archive format %q", art.URL, art.Format)
}

// unpackFile unpacks an archive already on disk (the download cache).
func (in *Installer) unpackFile(ctx context.Context, art release.Artifact, path, dir string) (archive.Manifest, archiveSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, archiveSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, archiveSum{}, fmt.Errorf("read cached %s: %w", path, err)
	}
	sum := archiveSum{hex: hex.EncodeToString(h.Sum(nil)), n: n}
	if art.Hash.Kind == release.SHA256 && !strings.EqualFold(sum.hex, art.Hash.Value) {
		return nil, archiveSum{}, &MismatchError{URL: path, Kind: release.SHA256, Expected: art.Hash.Value, Actual: sum.hex}
	}
	if art.Format == release.Zip {
		m, err := in.unpackZip(ctx, art, path, dir)
		return m, sum, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, archiveSum{}, err
	}
	m, err := archive.ExtractTarGz(ctx, f, dir, in.archiveOptions(art))
	return m, sum, err
}

// unpackZip extracts a zip on all cores and, for toolchain module zips,
// checks the checksum database's h1 hash computed from the files' hashes
// gathered during extraction: no second pass over the data.
func (in *Installer) unpackZip(ctx context.Context, art release.Artifact, path, dir string) (archive.Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	m, err := archive.ExtractZip(ctx, f, fi.Size(), dir, in.archiveOptions(art))
	if err != nil {
		return nil, err
	}
	if art.Hash.Kind == release.H1 {
		got, err := m.H1(art.Prefix)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", release.ErrVerification, art.URL, err)
		}
		if got != art.Hash.Value {
			return nil, &MismatchError{URL: art.URL, Kind: release.H1, Expected: art.Hash.Value, Actual: got}
		}
	}
	return m, nil
}

func (in *Installer) archiveOptions(art release.Artifact) archive.Options {
	hostOS, _ := in.host()
	return archive.Options{
		Prefix:          art.Prefix,
		Limits:          in.Limits,
		WindowsNames:    art.OS == "windows" || hostOS == "windows",
		CaseInsensitive: art.OS == "windows" || hostOS == "windows" || hostOS == "darwin",
		ModuleZip:       art.Hash.Kind == release.H1 || strings.HasPrefix(art.Prefix, "golang.org/toolchain@"),
	}
}

// checkSum compares a streamed archive with a SHA-256 record. On mismatch the
// partial download is deleted: its bytes are worthless.
func (in *Installer) checkSum(art release.Artifact, sum archiveSum, partial string, local bool) error {
	if art.Hash.Kind != release.SHA256 || strings.EqualFold(sum.hex, art.Hash.Value) {
		return nil
	}
	if !local {
		os.Remove(partial)
	}
	return &MismatchError{URL: art.URL, Kind: release.SHA256, Expected: art.Hash.Value, Actual: sum.hex}
}

// keep moves a verified download into the cache under its final name.
func keep(partial, final string, local bool) error {
	if local {
		return nil
	}
	return os.Rename(partial, final)
}

// resetDir empties dir for a second attempt.
func resetDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}

// localPath turns the file:// URL of a local archive back into a path.
func localPath(u string) string {
	p, err := release.FilePath(u)
	if err != nil {
		return u
	}
	return p
}

// checkGoVersion runs the unpacked toolchain's `go version` and insists it
// reports v: an archive with the right hash but the wrong content (a mislabeled
// mirror entry) must not become "go1.22.5".
func checkGoVersion(ctx context.Context, dir string, v goversion.Version) (string, error) {
	exe := filepath.Join(dir, "bin", "go")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "version")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOROOT=")
	out, err := cmd.Output()
	line := strings.TrimSpace(string(out))
	if err != nil {
		return "", fmt.Errorf("run %s version: %v (the unpacked toolchain does not run on this machine)", exe, err)
	}
	fields := strings.Fields(line)
	if len(fields) < 3 || fields[0] != "go" || fields[1] != "version" || fields[2] != v.String() {
		return "", fmt.Errorf("%w: unpacked toolchain reports %q, want %s", release.ErrVerification, line, v)
	}
	return line, nil
}
