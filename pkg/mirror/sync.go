// Package mirror builds and checks an internal mirror of Go releases: a
// directory of archives with an index.json in go.dev's schema and one
// <archive>.sha256 per file, readable by release.Mirror from the directory
// itself, a Windows share, or any static web server.
//
// Sync is incremental (only missing archives are fetched), resumable (a
// download cut short continues from its partial file), and safe while
// clients read the mirror: archives appear by rename, complete or not at
// all, and the index, which is what clients trust, is written last.
package mirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"net/http"

	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/pkg/download"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
)

// ErrNotArchive is wrapped when the upstream source offers no go.dev-style
// archive with a SHA-256 (a GOPROXY serves module zips with h1 hashes,
// which a mirror index cannot carry).
var ErrNotArchive = errors.New("source has no SHA-256 archives")

// partialDir holds downloads in flight, inside the mirror so the final
// rename stays on one volume.
const partialDir = ".partial"

// Platform is a GOOS/GOARCH pair.
type Platform struct{ OS, Arch string }

// String is "os/arch".
func (p Platform) String() string { return p.OS + "/" + p.Arch }

// ParsePlatforms reads "windows/amd64,linux/amd64".
func ParsePlatforms(s string) ([]Platform, error) {
	var out []Platform
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		goos, goarch, ok := strings.Cut(f, "/")
		if !ok || goos == "" || goarch == "" || strings.ContainsAny(goos+goarch, "/\\ \t") {
			return nil, fmt.Errorf("platform %q: want os/arch such as windows/amd64", f)
		}
		out = append(out, Platform{goos, goarch})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("platforms %q: want a list such as windows/amd64,linux/amd64", s)
	}
	return out, nil
}

// Options configures Sync.
type Options struct {
	// Dir is the mirror directory; created when missing.
	Dir string
	// Source is the upstream catalogue; its artifacts must carry SHA-256 hashes.
	Source release.Source
	// Versions selects the releases to mirror.
	Versions goversion.Request
	// Pre lets Versions match betas and release candidates.
	Pre bool
	// Platforms are the OS/arch pairs to fetch.
	Platforms []Platform
	// Client fetches archives; nil means download's default client.
	Client *http.Client
	// Retries as in download.Options.
	Retries int
	// Event, when set, receives one line per archive fetched or skipped.
	Event func(string)
}

// Result says what Sync did.
type Result struct {
	Added   []string `json:"added"`
	Present []string `json:"present"`
	// Missing lists version/platform pairs the source has no archive for.
	Missing []string `json:"missing"`
	Index   string   `json:"index"`
}

// Sync brings Dir up to date with the selected releases. One sync at a time
// holds the mirror's lock; a second one waits.
func Sync(ctx context.Context, o Options) (Result, error) {
	res := Result{Added: []string{}, Present: []string{}, Missing: []string{}, Index: filepath.Join(o.Dir, release.MirrorIndexName)}
	if err := os.MkdirAll(filepath.Join(o.Dir, partialDir), 0o755); err != nil {
		return res, fmt.Errorf("mirror %s: %w", o.Dir, err)
	}
	lock, err := fsx.Lock(ctx, filepath.Join(o.Dir, partialDir, "sync.lock"))
	if err != nil {
		return res, fmt.Errorf("lock mirror %s: %w", o.Dir, err)
	}
	defer lock.Unlock()

	upstream, err := o.Source.List(ctx)
	if err != nil {
		return res, fmt.Errorf("list %s: %w", o.Source.Name(), err)
	}
	index, err := readIndex(o.Dir)
	if err != nil {
		return res, err
	}
	matched := 0
	for _, rel := range upstream {
		v, err := goversion.Parse(rel.Version)
		if err != nil || !o.Versions.Matches(v, goversion.ResolveOptions{Pre: o.Pre}) {
			continue
		}
		matched++
		for _, p := range o.Platforms {
			f, added, err := syncOne(ctx, o, rel, v, p)
			if errors.Is(err, release.ErrNotFound) {
				res.Missing = append(res.Missing, v.String()+" "+p.String())
				continue
			}
			if err != nil {
				return res, err
			}
			if added {
				res.Added = append(res.Added, f.Filename)
			} else {
				res.Present = append(res.Present, f.Filename)
			}
			index = addFile(index, rel, f)
			if o.Event != nil {
				o.Event(fmt.Sprintf("%s %s", map[bool]string{true: "added", false: "present"}[added], f.Filename))
			}
		}
	}
	if matched == 0 {
		return res, fmt.Errorf("%w: %s has no release matching %s", goversion.ErrNoMatch, o.Source.Name(), o.Versions)
	}
	return res, writeIndex(o.Dir, index)
}

// syncOne makes one archive and its .sha256 present in the mirror.
func syncOne(ctx context.Context, o Options, rel release.Release, v goversion.Version, p Platform) (release.File, bool, error) {
	art, err := o.Source.Artifact(ctx, v, p.OS, p.Arch)
	if err != nil {
		return release.File{}, false, err
	}
	if art.Hash.Kind != release.SHA256 {
		return release.File{}, false, fmt.Errorf("%w: %s gives %s %s for %s with a %s hash; sync from go.dev or another mirror (--source godev)", ErrNotArchive, o.Source.Name(), v, p, art.Filename, art.Hash.Kind)
	}
	f := release.File{Filename: art.Filename, OS: p.OS, Arch: p.Arch, Version: v.String(), SHA256: art.Hash.Value, Size: art.Size, Kind: "archive"}
	if i := slices.IndexFunc(rel.Files, func(u release.File) bool { return u.Filename == art.Filename }); i >= 0 {
		f = rel.Files[i] // keep upstream's spelling of arch (armv6l) and its size
	}
	final := filepath.Join(o.Dir, f.Filename)
	if present(final, f) {
		return f, false, nil
	}
	if err := fetchVerified(ctx, o, art, final); err != nil {
		return f, false, err
	}
	return f, true, nil
}

// present trusts an archive whose .sha256 matches the index entry and whose
// size matches: re-hashing every archive on each sync is `mirror verify`'s job.
func present(final string, f release.File) bool {
	fi, err := os.Stat(final)
	if err != nil || (f.Size > 0 && fi.Size() != f.Size) {
		return false
	}
	b, err := os.ReadFile(final + ".sha256")
	return err == nil && strings.EqualFold(firstField(string(b)), f.SHA256)
}

func firstField(s string) string {
	if fs := strings.Fields(s); len(fs) > 0 {
		return fs[0]
	}
	return ""
}

// fetchVerified downloads art into final: through a partial file that a
// later run resumes, hashed while streaming, renamed into place only when
// the hash matched. The .sha256 goes first so a reader that sees the
// archive also finds its checksum.
func fetchVerified(ctx context.Context, o Options, art release.Artifact, final string) error {
	partial := filepath.Join(o.Dir, partialDir, art.Filename+".partial")
	h := sha256.New()
	dopts := download.Options{Client: o.Client, Retries: o.Retries, Size: art.Size}
	var err error
	if strings.HasPrefix(art.URL, "file:") {
		// Local sources are read in place: copy them into the partial file.
		err = copyLocal(ctx, art.URL, partial, h, dopts)
	} else {
		_, err = download.Fetch(ctx, art.URL, partial, h, dopts)
		if errors.Is(err, download.ErrRestart) {
			_ = os.Remove(partial)
			h.Reset()
			_, err = download.Fetch(ctx, art.URL, partial, h, dopts)
		}
	}
	if err != nil {
		return err // download names the URL
	}
	got := hex.EncodeToString(h.Sum(nil))
	if !strings.EqualFold(got, art.Hash.Value) {
		_ = os.Remove(partial)
		return fmt.Errorf("%w: %s from %s has SHA-256 %s, the index says %s", release.ErrVerification, art.Filename, art.URL, got, art.Hash.Value)
	}
	if err := fsx.WriteFileAtomic(final+".sha256", []byte(got+"  "+art.Filename+"\n"), 0o644); err != nil {
		return fmt.Errorf("mirror %s: %w", final, err)
	}
	if err := fsx.Rename(partial, final); err != nil {
		return fmt.Errorf("mirror %s: %w", final, err)
	}
	return nil
}

func copyLocal(ctx context.Context, rawURL, partial string, h io.Writer, o download.Options) error {
	tmp, err := os.Create(partial)
	if err != nil {
		return err
	}
	_, ferr := download.Fetch(ctx, rawURL, "", io.MultiWriter(h, tmp), o)
	cerr := tmp.Close()
	return errors.Join(ferr, cerr)
}

// readIndex loads the mirror's current index; none yet is an empty one.
func readIndex(dir string) ([]release.Release, error) {
	p := filepath.Join(dir, release.MirrorIndexName)
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mirror index %s: %w", p, err)
	}
	return release.ParseIndex(data, p)
}

// addFile records f under rel in the index, replacing an entry of the same name.
func addFile(index []release.Release, rel release.Release, f release.File) []release.Release {
	i := slices.IndexFunc(index, func(r release.Release) bool { return r.Version == rel.Version })
	if i < 0 {
		index = append(index, release.Release{Version: rel.Version, Stable: rel.Stable})
		i = len(index) - 1
	}
	files := slices.DeleteFunc(index[i].Files, func(x release.File) bool { return x.Filename == f.Filename })
	index[i].Files = append(files, f)
	slices.SortFunc(index[i].Files, func(a, b release.File) int { return strings.Compare(a.Filename, b.Filename) })
	return index
}

// writeIndex writes the index newest first, atomically, after every archive
// it lists is in place.
func writeIndex(dir string, index []release.Release) error {
	slices.SortFunc(index, func(a, b release.Release) int {
		va, ea := goversion.Parse(a.Version)
		vb, eb := goversion.Parse(b.Version)
		if ea != nil || eb != nil {
			return strings.Compare(b.Version, a.Version)
		}
		return goversion.Compare(vb, va)
	})
	if index == nil {
		index = []release.Release{}
	}
	b, err := json.MarshalIndent(index, "", "  ")
	if err != nil {
		return err
	}
	p := filepath.Join(dir, release.MirrorIndexName)
	if err := fsx.WriteFileAtomic(p, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("mirror index %s: %w", p, err)
	}
	return nil
}
