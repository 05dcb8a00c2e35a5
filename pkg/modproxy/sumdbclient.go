package modproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb"
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
		data, err = get(o.ctx, o.db.client, base+path)
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

// ReadCache implements sumdb.ClientOps.
func (o *lookupOps) ReadCache(file string) ([]byte, error) {
	return o.db.cache.Get("sumdb/" + file)
}

// WriteCache implements sumdb.ClientOps. sumdb.Client only writes records
// and tiles it has authenticated.
func (o *lookupOps) WriteCache(file string, data []byte) {
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
