package scan

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/govm-dev/govm/pkg/httperr"
)

// VulnDB is a Go vulnerability database in the layout of vuln.go.dev:
// index/db.json (modification time), index/modules.json (which entries
// name which module) and ID/<id>.json (one OSV entry each).
type VulnDB struct {
	// Location is what the database was opened from, without the password
	// of a URL that has one: it is printed in reports.
	Location string
	// Modified is when the database was last changed, from index/db.json.
	Modified time.Time

	read    func(ctx context.Context, name string) ([]byte, error)
	modules map[string][]string // module path -> entry ids

	mu      sync.Mutex
	entries map[string]*OSVEntry
	closer  io.Closer
}

// maxVulnFileBytes bounds one database file; modules.json of the real
// database is a few hundred KiB.
const maxVulnFileBytes = 64 << 20

// OpenVulnDB opens a database from a directory, a .zip file, or an http(s)
// base URL (fetched with client, nil meaning http.DefaultClient). The index
// is read at once: a missing or malformed database is an error wrapping
// ErrVulnDB, never an empty result.
func OpenVulnDB(ctx context.Context, loc string, client *http.Client) (*VulnDB, error) {
	db := &VulnDB{Location: httperr.Redact(loc), entries: map[string]*OSVEntry{}}
	switch {
	case strings.HasPrefix(loc, "http://") || strings.HasPrefix(loc, "https://"):
		if client == nil {
			client = http.DefaultClient
		}
		base := strings.TrimSuffix(loc, "/")
		db.read = func(ctx context.Context, name string) ([]byte, error) { return httpGet(ctx, client, base+"/"+name) }
	case strings.HasSuffix(strings.ToLower(loc), ".zip"):
		zr, err := zip.OpenReader(loc)
		if err != nil {
			return nil, fmt.Errorf("open vulnerability database %s: %w: %v", loc, ErrVulnDB, err)
		}
		db.closer = zr
		db.read = zipReader(&zr.Reader)
	default:
		st, err := os.Stat(loc)
		if err != nil || !st.IsDir() {
			return nil, fmt.Errorf("open vulnerability database %s: %w: not a directory, .zip or http(s) URL", loc, ErrVulnDB)
		}
		db.read = func(_ context.Context, name string) ([]byte, error) {
			return os.ReadFile(filepath.Join(loc, filepath.FromSlash(name)))
		}
	}
	if err := db.loadIndex(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open vulnerability database %s: %w: %v", db.Location, ErrVulnDB, err)
	}
	return db, nil
}

// Close releases a zip database; other kinds hold nothing open.
func (db *VulnDB) Close() error {
	if db.closer != nil {
		return db.closer.Close()
	}
	return nil
}

// zipReader reads names from a zip whose database files may sit under one
// top-level directory (as archives of a checkout do).
func zipReader(zr *zip.Reader) func(context.Context, string) ([]byte, error) {
	prefix := ""
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "index/db.json") {
			prefix = strings.TrimSuffix(f.Name, "index/db.json")
			break
		}
	}
	return func(_ context.Context, name string) ([]byte, error) {
		f, err := zr.Open(prefix + name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readBounded(f, name)
	}
}

func readBounded(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxVulnFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxVulnFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxVulnFileBytes)
	}
	return data, nil
}

func httpGet(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// StatusError hides a password in the URL and says what to do.
		return nil, &httperr.StatusError{URL: url, Code: resp.StatusCode}
	}
	return readBounded(resp.Body, url)
}

func (db *VulnDB) loadIndex(ctx context.Context) error {
	data, err := db.read(ctx, "index/db.json")
	if err != nil {
		return fmt.Errorf("read index/db.json: %v", err)
	}
	var meta struct {
		Modified time.Time `json:"modified"`
	}
	if err := json.Unmarshal(data, &meta); err != nil || meta.Modified.IsZero() {
		return fmt.Errorf("index/db.json: no modification time (%v)", err)
	}
	db.Modified = meta.Modified
	data, err = db.read(ctx, "index/modules.json")
	if err != nil {
		return fmt.Errorf("read index/modules.json: %v", err)
	}
	var mods []struct {
		Path  string `json:"path"`
		Vulns []struct {
			ID string `json:"id"`
		} `json:"vulns"`
	}
	if err := json.Unmarshal(data, &mods); err != nil {
		return fmt.Errorf("parse index/modules.json: %v", err)
	}
	db.modules = map[string][]string{}
	for _, m := range mods {
		for _, v := range m.Vulns {
			db.modules[m.Path] = append(db.modules[m.Path], v.ID)
		}
	}
	return nil
}

// Entries returns the OSV entries the index lists for module path.
func (db *VulnDB) Entries(ctx context.Context, path string) ([]*OSVEntry, error) {
	var out []*OSVEntry
	for _, id := range db.modules[path] {
		e, err := db.entry(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (db *VulnDB) entry(ctx context.Context, id string) (*OSVEntry, error) {
	db.mu.Lock()
	e, ok := db.entries[id]
	db.mu.Unlock()
	if ok {
		return e, nil
	}
	if strings.ContainsAny(id, `/\`) || strings.Contains(id, "..") {
		return nil, fmt.Errorf("vulnerability database %s: %w: index names invalid id %q", db.Location, ErrVulnDB, id)
	}
	data, err := db.read(ctx, "ID/"+id+".json")
	if err != nil {
		return nil, fmt.Errorf("vulnerability database %s: %w: read %s: %v", db.Location, ErrVulnDB, id, err)
	}
	e, err = ParseOSV(data)
	if err != nil {
		return nil, fmt.Errorf("vulnerability database %s: %w: %v", db.Location, ErrVulnDB, err)
	}
	db.mu.Lock()
	db.entries[id] = e
	db.mu.Unlock()
	return e, nil
}
