package modproxy

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// DefaultSumDBKey is the verifier key of sum.golang.org that the go command
// has built in (cmd/go/internal/modfetch/key.go); GOSUMDB=sum.golang.org
// means this key.
const DefaultSumDBKey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"

// SumDB is the checksum database a GOSUMDB value selects.
type SumDB struct {
	// Off is true for GOSUMDB=off; the other fields are then empty.
	Off bool
	// Name is the database name the key signs for ("sum.golang.org").
	Name string
	// Key is the note verifier key ("name+hash+keydata").
	Key string
	// URL is the explicit server URL from "GOSUMDB=key url". When set, the
	// database is reached there only, bypassing the proxies, as the go
	// command does; when empty, proxies that support it are used first and
	// https://<Name> last.
	URL string
}

// DirectURL is where the database is reached when no proxy serves it.
func (s SumDB) DirectURL() string {
	if s.URL != "" {
		return s.URL
	}
	return "https://" + s.Name
}

// ParseGOSUMDB parses a GOSUMDB value as the go command does: "off"; a
// known name ("sum.golang.org", or "sum.golang.google.cn", which serves the
// same database from China); or "name+hash+key" optionally followed by a
// URL. An empty value means the default, sum.golang.org.
func ParseGOSUMDB(v string) (SumDB, error) {
	v = strings.TrimSpace(v)
	switch v {
	case "off":
		return SumDB{Off: true}, nil
	case "":
		v = "sum.golang.org"
	case "sum.golang.google.cn":
		v = "sum.golang.org https://sum.golang.google.cn"
	}
	fields := strings.Fields(v)
	if len(fields) > 2 {
		return SumDB{}, fmt.Errorf("GOSUMDB=%q: %w: want \"name+hash+key [url]\", \"sum.golang.org\" or \"off\"", v, ErrConfig)
	}
	key := fields[0]
	if key == "sum.golang.org" {
		key = DefaultSumDBKey
	}
	verifier, err := note.NewVerifier(key)
	if err != nil {
		return SumDB{}, fmt.Errorf("GOSUMDB=%q: %w: %v (an unknown database needs its key: name+hash+key)", v, ErrConfig, err)
	}
	name := verifier.Name()
	if err := checkSumDBName(name); err != nil {
		return SumDB{}, fmt.Errorf("GOSUMDB=%q: %w", v, err)
	}
	db := SumDB{Name: name, Key: key}
	if len(fields) == 2 {
		u, err := url.Parse(fields[1])
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return SumDB{}, fmt.Errorf("GOSUMDB=%q: %w: %q is not an http(s) URL", v, ErrConfig, fields[1])
		}
		db.URL = strings.TrimRight(u.String(), "/")
	}
	return db, nil
}

// checkSumDBName accepts host[/path] names only: the name becomes part of
// URLs and of cache file paths, so nothing that could escape either.
func checkSumDBName(name string) error {
	u, err := url.Parse("https://" + name)
	if err != nil || u.Host == "" || u.Host+u.Path != name || u.RawPath != "" || u.User != nil ||
		strings.HasSuffix(name, "/") || strings.Contains(name, "\\") {
		return fmt.Errorf("%w: checksum database name %q must be host[/path]", ErrConfig, name)
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return fmt.Errorf("%w: checksum database name %q must be host[/path]", ErrConfig, name)
		}
	}
	return nil
}
