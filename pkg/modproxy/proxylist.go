package modproxy

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// Special GOPROXY entries.
const (
	// Direct is the GOPROXY entry that means "the module's origin".
	Direct = "direct"
	// Off is the GOPROXY entry that forbids downloads.
	Off = "off"
)

// ProxyEntry is one element of a GOPROXY list.
type ProxyEntry struct {
	// URL is the proxy base URL ("https://proxy.golang.org"), or Direct or Off.
	URL string
	// FallbackOnError is true when the entry was followed by "|": the next
	// entry is tried after any error. After "," (or at the end) only a 404
	// or 410 answer moves on, as with the go command.
	FallbackOnError bool
}

// ParseProxyList parses a GOPROXY value exactly as the go command does:
// entries separated by "," or "|", surrounding spaces and empty entries
// ignored, "direct" and "off" ending the list (later entries are ignored
// for forward compatibility), a bare host such as "goproxy.example.com/x"
// read as https://, and only http, https and file URLs accepted.
func ParseProxyList(goproxy string) ([]ProxyEntry, error) {
	var list []ProxyEntry
	rest := goproxy
	for rest != "" {
		entry := rest
		fallback := false
		rest = ""
		if i := strings.IndexAny(entry, ",|"); i >= 0 {
			fallback = entry[i] == '|'
			entry, rest = entry[:i], entry[i+1:]
		}
		entry = strings.TrimSpace(entry)
		switch entry {
		case "":
			continue
		case Direct, Off:
			list = append(list, ProxyEntry{URL: entry})
			return list, nil
		}
		base, err := proxyBaseURL(entry)
		if err != nil {
			return nil, fmt.Errorf("GOPROXY=%q: %w", goproxy, err)
		}
		list = append(list, ProxyEntry{URL: base, FallbackOnError: fallback})
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("GOPROXY=%q: %w: the list has no entries (want e.g. https://proxy.golang.org,direct)", goproxy, ErrConfig)
	}
	return list, nil
}

// proxyBaseURL validates one proxy entry and returns it as a base URL
// without a trailing slash.
func proxyBaseURL(entry string) (string, error) {
	// Single words are reserved for built-in behaviours; anything with a
	// dot, colon or slash that is not already a URL or absolute path is a
	// host, as the go command reads it.
	if strings.ContainsAny(entry, ".:/") && !strings.Contains(entry, ":/") && !filepath.IsAbs(entry) && !path.IsAbs(entry) {
		entry = "https://" + entry
	}
	u, err := url.Parse(entry)
	if err != nil {
		return "", fmt.Errorf("%w: proxy %q: %v", ErrConfig, entry, err)
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return "", fmt.Errorf("%w: proxy %q has no host", ErrConfig, entry)
		}
	case "file":
	default:
		return "", fmt.Errorf("%w: proxy %q: scheme must be https, http or file (or the words direct, off)", ErrConfig, entry)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%w: proxy %q must not carry a query or fragment", ErrConfig, entry)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
