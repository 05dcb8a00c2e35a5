package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/govm-dev/govm/internal/fsx"
	"github.com/govm-dev/govm/pkg/goversion"
)

// Record is the install record, versions/<name>.json: what was installed,
// from where, and which trusted hash it matched. Its presence is what makes
// a version installed.
type Record struct {
	Version         goversion.Version
	OS, Arch        string
	Source          string // the release source's name: "go.dev", "proxy", "mirror", "file"
	URL             string // where the archive came from
	Hash            Hash   // the trusted record the archive matched
	ArchiveSHA256   string // hex SHA-256 of the archive, computed whatever Hash's kind
	Bytes           int64  // archive size
	Files           int    // entries in the manifest
	Size            int64  // unpacked bytes
	InstalledAt     time.Time
	Seconds         float64 // how long the install took
	FromCache       bool    // the archive was already in the download cache
	GoVersionOutput string  // `go version` of the installed toolchain, as a smoke test
}

// Hash is the trusted record an archive matched, as in release.Hash (kind
// "sha256", "h1" or "none"). The store keeps its own copy of the type so it
// depends on no catalogue code; the caller converts.
type Hash struct {
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
}

// Key returns the Key the record describes.
func (r Record) Key() Key { return Key{Version: r.Version, OS: r.OS, Arch: r.Arch} }

// recordJSON is Record on disk. goversion.Version has no JSON form of its
// own, and a separate type keeps the file's field names stable even if the
// Go names change.
type recordJSON struct {
	Version         string    `json:"version"`
	OS              string    `json:"os"`
	Arch            string    `json:"arch"`
	Source          string    `json:"source,omitempty"`
	URL             string    `json:"url,omitempty"`
	Hash            Hash      `json:"hash"`
	ArchiveSHA256   string    `json:"archive_sha256,omitempty"`
	Bytes           int64     `json:"bytes"`
	Files           int       `json:"files"`
	Size            int64     `json:"size"`
	InstalledAt     time.Time `json:"installed_at"`
	Seconds         float64   `json:"seconds"`
	FromCache       bool      `json:"from_cache"`
	GoVersionOutput string    `json:"go_version_output,omitempty"`
}

// MarshalJSON writes the record in its on-disk form.
func (r Record) MarshalJSON() ([]byte, error) {
	return json.Marshal(recordJSON{
		Version: r.Version.String(), OS: r.OS, Arch: r.Arch, Source: r.Source, URL: r.URL,
		Hash: r.Hash, ArchiveSHA256: r.ArchiveSHA256, Bytes: r.Bytes, Files: r.Files, Size: r.Size,
		InstalledAt: r.InstalledAt, Seconds: r.Seconds, FromCache: r.FromCache, GoVersionOutput: r.GoVersionOutput,
	})
}

// UnmarshalJSON reads the on-disk form; the version must parse.
func (r *Record) UnmarshalJSON(data []byte) error {
	var j recordJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	v, err := goversion.Parse(j.Version)
	if err != nil {
		return err
	}
	*r = Record{
		Version: v, OS: j.OS, Arch: j.Arch, Source: j.Source, URL: j.URL,
		Hash: j.Hash, ArchiveSHA256: j.ArchiveSHA256, Bytes: j.Bytes, Files: j.Files, Size: j.Size,
		InstalledAt: j.InstalledAt, Seconds: j.Seconds, FromCache: j.FromCache, GoVersionOutput: j.GoVersionOutput,
	}
	return nil
}

// readRecord loads key's record. A missing record wraps ErrNotInstalled;
// one that does not parse or names another version wraps ErrCorruptRecord.
func (s *Store) readRecord(key Key) (Record, error) {
	path := s.recordPath(key)
	data, err := fsx.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, fmt.Errorf("%s: %w", key, ErrNotInstalled)
	}
	if err != nil {
		return Record{}, fmt.Errorf("read install record %s: %w", path, err)
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return Record{}, fmt.Errorf("read install record %s: %w: %w", path, ErrCorruptRecord, err)
	}
	if rec.Key() != key {
		return Record{}, fmt.Errorf("read install record %s: %w: it describes %s", path, ErrCorruptRecord, rec.Key())
	}
	return rec, nil
}

func (s *Store) writeRecord(rec Record) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("encode install record for %s: %w", rec.Key(), err)
	}
	return fsx.WriteFileAtomic(s.recordPath(rec.Key()), append(data, '\n'), 0o644)
}
