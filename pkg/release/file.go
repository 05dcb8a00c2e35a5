package release

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/govm-dev/govm/pkg/goversion"
)

// maxSumFileBytes bounds a .sha256 sidecar; one line per archive is plenty.
const maxSumFileBytes = 64 << 10

// ArchiveName is what a toolchain archive's file name says about it.
type ArchiveName struct {
	Version goversion.Version
	// OS and Arch are GOOS and GOARCH ("arm" for go.dev's "armv6l").
	OS, Arch string
	Format   Format
	// Prefix is the directory every entry of the archive sits under.
	Prefix string
}

// toolchainModulePrefix starts the zip name of a golang.org/toolchain module
// version, as the go command's module cache stores it.
const toolchainModulePrefix = "v0.0.1-"

// ParseArchiveName reads a go.dev archive name ("go1.22.5.linux-amd64.tar.gz",
// "go1.22.5.windows-amd64.zip") or a golang.org/toolchain module zip
// ("v0.0.1-go1.22.5.linux-amd64.zip"). Source archives, installers and other
// names are errors wrapping ErrMalformed.
func ParseArchiveName(name string) (ArchiveName, error) {
	bad := func(why string) (ArchiveName, error) {
		return ArchiveName{}, fmt.Errorf("%w: archive name %q: %s; want go1.22.5.linux-amd64.tar.gz, go1.22.5.windows-amd64.zip or v0.0.1-go1.22.5.linux-amd64.zip", ErrMalformed, name, why)
	}
	format, ok := formatOf(name)
	if !ok {
		return bad("not .tar.gz or .zip")
	}
	stem := strings.TrimSuffix(name, "."+string(format))
	module := strings.HasPrefix(stem, toolchainModulePrefix)
	stem = strings.TrimPrefix(stem, toolchainModulePrefix)
	if module && format != Zip {
		return bad("toolchain modules are zips")
	}
	dot := strings.LastIndexByte(stem, '.')
	if dot < 0 {
		return bad("no version.platform")
	}
	goos, arch, ok := strings.Cut(stem[dot+1:], "-")
	if !ok || goos == "" || arch == "" || strings.ContainsAny(goos+arch, "-/\\") {
		return bad("no os-arch platform")
	}
	if !strings.HasPrefix(stem, "go") {
		return bad("version lacks the go prefix")
	}
	v, err := goversion.Parse(stem[:dot])
	if err != nil {
		return bad(err.Error())
	}
	an := ArchiveName{Version: v, OS: goos, Arch: goArch(arch), Format: format, Prefix: "go/"}
	if module {
		an.Prefix = "golang.org/toolchain@" + strings.TrimSuffix(name, ".zip") + "/"
	}
	return an, nil
}

// LocalFile is one archive on local disk, given on the command line: a source
// with a single release and a single platform.
type LocalFile struct {
	path     string
	artifact Artifact
}

// NewFile describes the archive at path. Version, platform, format and prefix
// come from its name (see ParseArchiveName). The trusted hash is sha256 when
// non-empty, else the first field of the sibling path+".sha256" (sha256sum's
// "HEX  name" lines, or a bare HEX). With neither, NewFile fails with
// ErrInsecure unless insecure is set, in which case the hash is Kind None.
func NewFile(path string, sha256 string, insecure bool) (*LocalFile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("archive %s: not a regular file", path)
	}
	base := filepath.Base(abs)
	an, err := ParseArchiveName(base)
	if err != nil {
		return nil, err
	}
	hash, err := trustedHash(abs, base, sha256, insecure)
	if err != nil {
		return nil, err
	}
	return &LocalFile{path: abs, artifact: Artifact{
		Version:  an.Version,
		OS:       an.OS,
		Arch:     an.Arch,
		URL:      FileURL(abs),
		Filename: base,
		Size:     fi.Size(),
		Hash:     hash,
		Format:   an.Format,
		Prefix:   an.Prefix,
		Source:   "file " + abs,
	}}, nil
}

// trustedHash picks the hash NewFile trusts, in the documented order.
func trustedHash(abs, base, arg string, insecure bool) (Hash, error) {
	if arg != "" {
		if !hex64.MatchString(arg) {
			return Hash{}, fmt.Errorf("sha256 %q for %s: want 64 hex digits", arg, abs)
		}
		return Hash{Kind: SHA256, Value: strings.ToLower(arg)}, nil
	}
	sumPath := abs + ".sha256"
	f, err := os.Open(sumPath)
	if err == nil {
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxSumFileBytes))
		if err != nil {
			return Hash{}, fmt.Errorf("read %s: %w", sumPath, err)
		}
		sum, err := parseSumFile(data, base)
		if err != nil {
			return Hash{}, fmt.Errorf("%s: %w", sumPath, err)
		}
		return Hash{Kind: SHA256, Value: sum}, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return Hash{}, fmt.Errorf("read %s: %w", sumPath, err)
	}
	if insecure {
		return Hash{Kind: None}, nil
	}
	return Hash{}, fmt.Errorf("%w: no trusted hash for %s: pass its SHA-256, put it in %s, or accept an unverified install with --insecure", ErrInsecure, abs, sumPath)
}

// parseSumFile finds the hash of name in sha256sum output, or takes a file
// that holds nothing but one hash. A line for another file never counts: a
// sidecar copied next to the wrong archive must not vouch for it.
func parseSumFile(data []byte, name string) (string, error) {
	var lines [][]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 0 {
			lines = append(lines, f)
		}
	}
	if len(lines) == 1 && len(lines[0]) == 1 {
		if !hex64.MatchString(lines[0][0]) {
			return "", fmt.Errorf("%w: %q is not a SHA-256", ErrMalformed, lines[0][0])
		}
		return strings.ToLower(lines[0][0]), nil
	}
	for _, f := range lines {
		if len(f) == 2 && strings.TrimPrefix(f[1], "*") == name && hex64.MatchString(f[0]) {
			return strings.ToLower(f[0]), nil
		}
	}
	return "", fmt.Errorf("%w: no SHA-256 line for %s (want \"HEX  %s\" or a bare HEX)", ErrMalformed, name, name)
}

// Name is "file" and the archive's absolute path.
func (f *LocalFile) Name() string { return "file " + f.path }

// List returns the archive's one release.
func (f *LocalFile) List(ctx context.Context) ([]Release, error) {
	a := f.artifact
	return []Release{{
		Version: a.Version.String(),
		Stable:  !a.Version.IsPrerelease(),
		Files: []File{{
			Filename: a.Filename,
			OS:       a.OS,
			Arch:     indexArch(a.Arch),
			Version:  a.Version.String(),
			SHA256:   a.Hash.Value,
			Size:     a.Size,
			Kind:     "archive",
		}},
	}}, nil
}

// Artifact returns the archive when v and the platform are the ones its name
// says, else ErrNotFound naming what it holds.
func (f *LocalFile) Artifact(ctx context.Context, v goversion.Version, goos, goarch string) (Artifact, error) {
	a := f.artifact
	if goversion.Compare(v, a.Version) != 0 || goos != a.OS || goarch != a.Arch {
		return Artifact{}, fmt.Errorf("%w: %s holds %s for %s/%s, not %s for %s/%s", ErrNotFound, f.path, a.Version, a.OS, a.Arch, v, goos, goarch)
	}
	return a, nil
}

// FileURL converts a local path to the file:// URL the downloader reads:
// "/srv/go/x.tar.gz" -> "file:///srv/go/x.tar.gz"; on Windows
// `C:\x\y.zip` -> "file:///C:/x/y.zip" and `\\server\share\y.zip` ->
// "file://server/share/y.zip". Characters such as spaces are %-escaped.
// path should be absolute.
func FileURL(path string) string { return fileURL(path, runtime.GOOS == "windows") }

// FilePath is the inverse of FileURL, for the platform it runs on. A URL that
// is not file://, has no path, or (outside Windows) names a host other than
// localhost is an error naming it.
func FilePath(rawURL string) (string, error) { return filePath(rawURL, runtime.GOOS == "windows") }

// fileURL is FileURL with the platform as a parameter, so that Linux tests
// cover the Windows forms.
func fileURL(p string, windows bool) string {
	if !windows {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	p = strings.ReplaceAll(p, `\`, "/")
	switch {
	case strings.HasPrefix(p, "//?/UNC/"): // \\?\UNC\server\share
		p = "//" + p[len("//?/UNC/"):]
	case strings.HasPrefix(p, "//?/"): // \\?\C:\x
		p = p[len("//?/"):]
	}
	if strings.HasPrefix(p, "//") {
		host, rest, _ := strings.Cut(p[2:], "/")
		return (&url.URL{Scheme: "file", Host: host, Path: "/" + rest}).String()
	}
	return (&url.URL{Scheme: "file", Path: "/" + p}).String()
}

// filePath is FilePath with the platform as a parameter.
func filePath(rawURL string, windows bool) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("file URL %q: %w", rawURL, err)
	}
	if u.Scheme != "file" || u.Path == "" {
		return "", fmt.Errorf("file URL %q: want file:///path (or file://server/share/path on Windows)", rawURL)
	}
	host := u.Host
	if host == "localhost" {
		host = ""
	}
	if !windows {
		if host != "" {
			return "", fmt.Errorf("file URL %q names host %q: only local paths are readable here", rawURL, host)
		}
		return u.Path, nil
	}
	p := u.Path
	if host != "" {
		return `\\` + host + strings.ReplaceAll(p, "/", `\`), nil
	}
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:]
	}
	return strings.ReplaceAll(p, "/", `\`), nil
}
