package modproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/govm-dev/govm/internal/flight"
)

// checksumDB is the long-lived state of one checksum database: where it is
// reached, its tree head and its cache. A sumdb.Client is built per lookup
// (see lookup) so that each lookup's network access carries its context.
type checksumDB struct {
	db      SumDB
	client  *http.Client
	proxies []ProxyEntry // the GOPROXY list, for /sumdb/<name>/ support
	cache   Cache
	heads   treeHeads
	log     func(string)

	mu   sync.Mutex
	base string // resolved once a proxy (or the direct URL) is chosen

	// tiles shares tile downloads among lookups, each a separate
	// sumdb.Client that would otherwise fetch for itself: concurrent
	// lookups mostly need the same tiles near the tree's right edge (the
	// first dozen lookups of a scan asked for one partial tile six times).
	// A tile path names fixed content (a partial tile's width is part of
	// it) and every client verifies the bytes it gets, so sharing them
	// trusts nothing new. Downloaded tiles are kept (KeepValues, failures
	// are retried) because a lookup that starts just after another's
	// download ended would otherwise fetch the tile again before the other
	// has verified and saved it; that is 8 KiB at most per tile the
	// process's lookups touch.
	tiles flight.Group[string, []byte]

	// saved holds what this process has verified and written to the cache
	// (records and tiles, by cache name), so that the lookups running
	// beside the one that verified a tile read it from here and none
	// writes it again (a file and a rename, with directories to create).
	savedMu sync.Mutex
	saved   map[string][]byte
}

// savedEntry returns an entry this process wrote to the cache.
func (c *checksumDB) savedEntry(file string) ([]byte, bool) {
	c.savedMu.Lock()
	defer c.savedMu.Unlock()
	data, ok := c.saved[file]
	return data, ok
}

// markSaved records file as written and reports whether it was new.
func (c *checksumDB) markSaved(file string, data []byte) bool {
	c.savedMu.Lock()
	defer c.savedMu.Unlock()
	if _, ok := c.saved[file]; ok {
		return false
	}
	if c.saved == nil {
		c.saved = map[string][]byte{}
	}
	c.saved[file] = append([]byte(nil), data...)
	return true
}

// resolveBase picks the URL prefix for /lookup and /tile requests as the
// go command does: an explicit GOSUMDB URL bypasses the proxies; otherwise
// each proxy of GOPROXY is asked for <proxy>/sumdb/<name>/supported in
// order, a 404/410 (or any error after "|") moves on, and reaching
// "direct", "off" or the end of the list means https://<name>.
func (c *checksumDB) resolveBase(ctx context.Context) (string, error) {
	if c.db.URL != "" {
		return c.db.URL, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base != "" {
		return c.base, nil
	}
	base := c.db.DirectURL()
	for _, p := range c.proxies {
		if p.URL == Direct || p.URL == Off {
			break
		}
		candidate := joinURL(p.URL, "sumdb/"+c.db.Name)
		_, err := get(ctx, c.client, candidate+"/supported")
		if err == nil {
			base = candidate
			break
		}
		if ctx.Err() != nil {
			return "", err
		}
		if !p.FallbackOnError && !errors.Is(err, ErrNotFound) {
			return "", err
		}
	}
	c.base = base
	if c.log != nil {
		c.log(fmt.Sprintf("checksum database %s: using %s", c.db.Name, base))
	}
	return base, nil
}

// lookup returns the go.sum lines the database holds for path@version:
// the zip hash line and the go.mod hash line.
func (c *checksumDB) lookup(ctx context.Context, path, version string) (zipLine, modLine string, err error) {
	ops := &lookupOps{db: c, ctx: ctx}
	sc := sumdb.NewClient(ops)
	zipLines, err := sc.Lookup(path, version)
	if err == nil {
		var modLines []string
		modLines, err = sc.Lookup(path, version+"/go.mod")
		if err == nil {
			return first(zipLines), first(modLines), nil
		}
	}
	return "", "", ops.classify(path, version, err)
}

func first(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[0]
}

// lookupOps implements sumdb.ClientOps for one lookup. It also remembers
// what went wrong, because sumdb.Client flattens errors into text: a
// failure is a verification failure unless it came from the network or
// from local state.
type lookupOps struct {
	db  *checksumDB
	ctx context.Context

	mu         sync.Mutex
	remoteErrs []error
	localErr   error
	security   string
}

// ReadRemote implements sumdb.ClientOps.
func (o *lookupOps) ReadRemote(path string) ([]byte, error) {
	base, err := o.db.resolveBase(o.ctx)
	if err == nil {
		var data []byte
		if strings.HasPrefix(path, "/tile/") {
			data, err = o.db.tiles.Do(o.ctx, base+path, func(ctx context.Context) ([]byte, error) {
				return get(ctx, o.db.client, base+path)
			})
		} else {
			data, err = get(o.ctx, o.db.client, base+path)
		}
		if err == nil {
			return data, nil
		}
	}
	o.mu.Lock()
	o.remoteErrs = append(o.remoteErrs, err)
	o.mu.Unlock()
	return nil, err
}

// ReadConfig implements sumdb.ClientOps: the key comes from GOSUMDB, the
// tree head from persistent state.
func (o *lookupOps) ReadConfig(file string) ([]byte, error) {
	switch file {
	case "key":
		return []byte(o.db.db.Key), nil
	case o.db.db.Name + "/latest":
		data, err := o.db.heads.read(o.ctx, o.db.db.Name)
		if err != nil {
			o.setLocal(err)
		}
		return data, err
	}
	err := fmt.Errorf("checksum database %s: unknown configuration file %q", o.db.db.Name, file)
	o.setLocal(err)
	return nil, err
}

// WriteConfig implements sumdb.ClientOps with compare-and-swap semantics.
func (o *lookupOps) WriteConfig(file string, old, new []byte) error {
	if file != o.db.db.Name+"/latest" {
		err := fmt.Errorf("checksum database %s: refusing to write configuration file %q", o.db.db.Name, file)
		o.setLocal(err)
		return err
	}
	err := o.db.heads.swap(o.ctx, o.db.db.Name, old, new)
	if err != nil && !errors.Is(err, sumdb.ErrWriteConflict) {
		o.setLocal(err)
	}
	return err
}

// ReadCache implements sumdb.ClientOps. An entry that cannot be what its
// name says (a record that does not parse, a tile of the wrong size) is a
// miss: that is what a crash can leave behind, since DirCache.Put does not
// sync, and downloading it again beats failing the lookup until someone
// clears the cache.
func (o *lookupOps) ReadCache(file string) ([]byte, error) {
	if data, ok := o.db.savedEntry(file); ok {
		return data, nil
	}
	data, err := o.db.cache.Get("sumdb/" + file)
	if err != nil {
		return nil, err
	}
	if !wellFormedEntry(o.db.db, file, data) {
		return nil, fmt.Errorf("checksum database %s: cached %s is damaged", o.db.db.Name, file)
	}
	return data, nil
}

// wellFormedEntry checks that a cached record is complete (its signed
// tree note opens with the database's key) and that a cached tile has the
// size its name says; whether the content is right is for sumdb.Client to
// verify, as it does every time.
func wellFormedEntry(db SumDB, file string, data []byte) bool {
	rest, ok := strings.CutPrefix(file, db.Name+"/")
	switch {
	case !ok:
		return false
	case strings.HasPrefix(rest, "lookup/"):
		_, _, tree, err := tlog.ParseRecord(data)
		if err != nil {
			return false
		}
		v, err := note.NewVerifier(db.Key)
		if err != nil {
			return false
		}
		_, err = note.Open(tree, note.VerifierList(v))
		return err == nil
	case strings.HasPrefix(rest, "tile/"):
		t, err := tlog.ParseTilePath(rest)
		if err != nil {
			return false
		}
		if t.L < 0 { // a data tile: its records vary in length
			return len(data) > 0
		}
		return len(data) == t.W*tlog.HashSize
	}
	return false
}

// WriteCache implements sumdb.ClientOps. sumdb.Client only writes records
// and tiles it has authenticated.
func (o *lookupOps) WriteCache(file string, data []byte) {
	if !o.db.markSaved(file, data) {
		return
	}
	if err := o.db.cache.Put("sumdb/"+file, data); err != nil && o.db.log != nil {
		o.db.log(fmt.Sprintf("checksum database %s: not cached: %v", o.db.db.Name, err))
	}
}

// Log implements sumdb.ClientOps.
func (o *lookupOps) Log(msg string) {
	if o.db.log != nil {
		o.db.log(msg)
	}
}

// SecurityError implements sumdb.ClientOps: the report (which carries the
// proof of the server's misbehaviour) becomes the text of an
// ErrVerification error instead of ending the process.
func (o *lookupOps) SecurityError(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.security = msg
}

func (o *lookupOps) setLocal(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.localErr == nil {
		o.localErr = err
	}
}

// classify turns a sumdb.Client error into one wrapping the package's
// sentinels.
func (o *lookupOps) classify(path, version string, err error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	name := o.db.db.Name
	if o.security != "" {
		return fmt.Errorf("checksum database %s: %s@%s: %w: %s", name, path, version, ErrVerification, strings.TrimSpace(o.security))
	}
	if o.ctx.Err() != nil {
		return fmt.Errorf("checksum database %s: %s@%s: %w", name, path, version, o.ctx.Err())
	}
	for i := len(o.remoteErrs) - 1; i >= 0; i-- {
		if strings.Contains(err.Error(), o.remoteErrs[i].Error()) {
			return fmt.Errorf("checksum database %s: %s@%s: %w", name, path, version, o.remoteErrs[i])
		}
	}
	if o.localErr != nil {
		return fmt.Errorf("checksum database %s: %s@%s: %w", name, path, version, o.localErr)
	}
	return fmt.Errorf("checksum database %s: %w: %v", name, ErrVerification, err)
}
