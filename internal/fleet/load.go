package fleet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// maxStatusFile bounds a status file: a status document is a few kilobytes,
// and a fetched file may be anything.
const maxStatusFile = 4 << 20

// Load reads status files. Each host is named after its file (web1.json is
// web1): hosts report their own host name, but inventories name them, and
// cloned machines often share one. Beside each FILE.json, a FILE.log (the tail of the
// host's govm log, as verify.yml fetches it) is read when present.
func Load(paths []string) ([]Host, error) {
	hosts := make([]Host, 0, len(paths))
	for _, p := range paths {
		data, err := readBounded(p)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(baseName(p), ".json")
		st, err := ParseStatus(name, data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		h := Host{Name: name, Source: p, Status: st}
		logPath := strings.TrimSuffix(p, ".json") + ".log"
		if logPath != p {
			logData, err := readBounded(logPath)
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				return nil, err
			default:
				if h.LogErrors, err = ParseLogTail(logPath, logData); err != nil {
					return nil, err
				}
			}
		}
		hosts = append(hosts, h)
	}
	return hosts, nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStatusFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxStatusFile {
		return nil, fmt.Errorf("read %s: %w: more than %d bytes", path, ErrMalformed, maxStatusFile)
	}
	return data, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
