// Package archive unpacks toolchain archives (tar.gz and zip) safely into
// one directory: every write goes through an os.Root opened on it, and
// entries that could escape it, clobber each other, or exhaust the disk are
// refused before anything of theirs is written. While unpacking it records a
// manifest with each file's SHA-256, computed from the bytes as they are
// written, so verifying a module zip's h1: hash needs no second pass.
package archive

import (
	"encoding/hex"
	"io/fs"
	"runtime"
	"strings"
)

// Default limits, used for each Limits field left at zero. A Go toolchain
// unpacks to about 250 MB in about 15,000 files; its largest file is about
// 40 MB.
const (
	DefaultMaxTotalBytes = 1 << 30
	DefaultMaxFiles      = 100_000
	DefaultMaxFileBytes  = 512 << 20
)

// Limits bound what one archive may unpack to. Zero fields take the
// defaults above.
type Limits struct {
	// MaxTotalBytes bounds the sum of all file sizes.
	MaxTotalBytes int64
	// MaxFiles bounds the number of entries (files, directories, links).
	MaxFiles int
	// MaxFileBytes bounds the size of one file.
	MaxFileBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	return l
}

// Options configures an extraction. The zero value unpacks everything with
// the default limits and the portable name rules.
type Options struct {
	// Prefix is stripped from every entry name ("go/" for go.dev archives,
	// "golang.org/toolchain@v0.0.1-go1.22.5.linux-amd64/" for module zips);
	// an entry outside it is an error. A missing trailing slash is implied.
	Prefix string
	// Limits bound the unpacked size.
	Limits Limits
	// WindowsNames refuses names Windows cannot create or treats specially:
	// reserved device names (CON, NUL.txt, COM1, LPT¹, ...), a trailing dot
	// or space, and the characters <>:"|?*.
	WindowsNames bool
	// CaseInsensitive refuses two names that are equal up to case. Case is
	// compared by mapping each rune to upper case with unicode.ToUpper, rune
	// by rune, as NTFS's upcase table does; full Unicode case folding (ß and
	// SS) and macOS's normalization are not applied.
	CaseInsensitive bool
	// ModuleZip restores the exec bits that module zips cannot carry: files
	// matching bin/* and pkg/tool/*/* (after Prefix) get mode 0755, as the go
	// command does for golang.org/toolchain zips.
	ModuleZip bool
	// Workers is how many files ExtractZip writes at once; zero means
	// runtime.GOMAXPROCS(0). ExtractTarGz is a single stream and ignores it.
	Workers int

	// beforeWrite, when set, runs before every write to a file with the
	// entry's name; an error it returns is treated as the write's. Tests
	// use it to simulate a full disk.
	beforeWrite func(entry string) error
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (o Options) prefix() string {
	if o.Prefix == "" || strings.HasSuffix(o.Prefix, "/") {
		return o.Prefix
	}
	return o.Prefix + "/"
}

// Entry is one unpacked archive entry.
type Entry struct {
	// Path is slash-separated and relative to the extraction directory,
	// after Prefix is stripped; "." is the prefix directory itself when the
	// archive lists it.
	Path string
	// Size is the file's size; 0 for directories and symlinks.
	Size int64
	// Mode is the type and permission the entry was created with (before
	// the process umask): 0755 for directories and executables, 0644 for
	// other files, ModeSymlink|0777 for symlinks.
	Mode fs.FileMode
	// SHA256 is the hash of a file's content as written, of a symlink's
	// target string, and of nothing (the empty string) for a directory.
	SHA256 [32]byte
	// LinkTarget is a symlink's target, as stored in the archive.
	LinkTarget string
}

// Hex returns SHA256 in lower-case hex.
func (e Entry) Hex() string { return hex.EncodeToString(e.SHA256[:]) }

// Manifest lists the entries of an archive in archive order. Parent
// directories that the archive did not list are created but not listed.
type Manifest []Entry
