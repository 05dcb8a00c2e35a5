package fakeproxy

import (
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"sync"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// database is an in-memory checksum database (sumdb.ServerOps): a
// transparent log of go.sum records, signed by a key made at test time.
// Its faults model the misbehaviours a client must catch.
type database struct {
	mu        sync.Mutex
	name      string
	signer    note.Signer
	vkey      string
	rogue     note.Signer // same name, different key: signatures clients must reject
	useRogue  bool
	badTiles  bool
	records   [][]byte
	hashes    []tlog.Hash
	index     map[string]int64 // "path@version" -> record id
	forkCount int
}

func newDatabase(name string) (*database, error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, fmt.Errorf("generate sumdb key for %s: %w", name, err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, err
	}
	rkey, _, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, err
	}
	rogue, err := note.NewSigner(rkey)
	if err != nil {
		return nil, err
	}
	return &database{name: name, signer: signer, vkey: vkey, rogue: rogue, index: map[string]int64{}}, nil
}

// add appends the record of path@version (its go.sum lines) to the log.
func (d *database) add(path, version, zipH1, modH1 string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	key := path + "@" + version
	if _, ok := d.index[key]; ok {
		return fmt.Errorf("fakeproxy: %s is already in the checksum database", key)
	}
	text := fmt.Appendf(nil, "%s %s %s\n%s %s/go.mod %s\n", path, version, zipH1, path, version, modH1)
	return d.appendLocked(key, text)
}

func (d *database) appendLocked(key string, text []byte) error {
	id := int64(len(d.records))
	hashes, err := tlog.StoredHashesForRecordHash(id, tlog.RecordHash(text), tlogHashes(d.hashes))
	if err != nil {
		return fmt.Errorf("fakeproxy: add record %s: %w", key, err)
	}
	d.records = append(d.records, text)
	d.hashes = append(d.hashes, hashes...)
	if key != "" {
		d.index[key] = id
	}
	return nil
}

// fork rewrites history: record 0 changes and one record is appended, all
// signed with the right key. A client that saw the old tree must detect
// that the new one does not extend it.
func (d *database) fork() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.records) == 0 {
		return fmt.Errorf("fakeproxy: fork needs at least one record")
	}
	old := d.records
	d.records, d.hashes = nil, nil
	d.forkCount++
	for i, text := range old {
		if i == 0 {
			text = append(append([]byte(nil), text...), fmt.Sprintf("example.com/rewritten v0.0.%d h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", d.forkCount)...)
		}
		if err := d.appendLocked("", text); err != nil {
			return err
		}
	}
	return d.appendLocked("", fmt.Appendf(nil, "example.com/forked v0.0.%d h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", d.forkCount))
}

// tlogHashes adapts a slice to tlog.HashReader.
type tlogHashes []tlog.Hash

func (h tlogHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		if idx < 0 || idx >= int64(len(h)) {
			return nil, fmt.Errorf("hash index %d out of range", idx)
		}
		out[i] = h[idx]
	}
	return out, nil
}

// Signed implements sumdb.ServerOps.
func (d *database) Signed(context.Context) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := int64(len(d.records))
	h, err := tlog.TreeHash(n, tlogHashes(d.hashes))
	if err != nil {
		return nil, err
	}
	signer := d.signer
	if d.useRogue {
		signer = d.rogue
	}
	return note.Sign(&note.Note{Text: string(tlog.FormatTree(tlog.Tree{N: n, Hash: h}))}, signer)
}

// ReadRecords implements sumdb.ServerOps.
func (d *database) ReadRecords(_ context.Context, id, n int64) ([][]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id < 0 || n < 0 || id+n > int64(len(d.records)) {
		return nil, fmt.Errorf("records %d..%d out of range", id, id+n)
	}
	return append([][]byte(nil), d.records[id:id+n]...), nil
}

// Lookup implements sumdb.ServerOps; unknown modules are os.ErrNotExist,
// which the sumdb server answers with 404 as sum.golang.org does.
func (d *database) Lookup(_ context.Context, m module.Version) (int64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	id, ok := d.index[m.Path+"@"+m.Version]
	if !ok {
		// A *PathError, because the sumdb server tests with os.IsNotExist,
		// which does not see through fmt wrapping.
		return 0, &fs.PathError{Op: "lookup", Path: m.Path + "@" + m.Version, Err: fs.ErrNotExist}
	}
	return id, nil
}

// ReadTileData implements sumdb.ServerOps. With badTiles every hash is
// altered, so tiles no longer match the signed tree.
func (d *database) ReadTileData(_ context.Context, t tlog.Tile) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	data, err := tlog.ReadTileData(t, tlogHashes(d.hashes))
	if err != nil {
		return nil, err
	}
	if d.badTiles {
		for i := range data {
			data[i] ^= 0x5a
		}
	}
	return data, nil
}
