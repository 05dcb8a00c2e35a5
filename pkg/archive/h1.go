package archive

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
)

// H1 returns the golang.org/x/mod/sumdb/dirhash "h1:" hash of the zip this
// manifest was extracted from, as the checksum database records it for a
// module zip: file names are prefix + Path (prefix gets a trailing slash if
// it lacks one), and the hashes are those computed while writing. No file
// is read again.
//
// Directory entries are part of dirhash.HashZip's input (as names ending in
// "/" with empty content), so they are included the same way; symlinks
// contribute their target, which is their zip data. Because ExtractZip
// refuses non-canonical names, duplicates and entries outside the prefix,
// a manifest from a successful ExtractZip with the same prefix hashes
// exactly as dirhash.HashZip does. A manifest from a tar archive hashes its
// normalized names, which may differ from the original ("./go/x"). H1
// fails, as dirhash does, on a name containing a newline, and on a
// directory entry for the prefix itself when prefix is empty.
func (m Manifest) H1(prefix string) (string, error) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	type line struct {
		name string
		sum  [32]byte
	}
	lines := make([]line, 0, len(m))
	for _, e := range m {
		name := prefix + e.Path
		switch {
		case e.Path == "." && prefix == "":
			return "", fmt.Errorf("h1: manifest lists the root directory but no prefix was given")
		case e.Path == ".":
			name = prefix
		case e.Mode.IsDir():
			name += "/"
		}
		if strings.Contains(name, "\n") {
			return "", fmt.Errorf("h1: file name %q contains a newline", name)
		}
		lines = append(lines, line{name, e.SHA256})
	}
	slices.SortFunc(lines, func(a, b line) int { return strings.Compare(a.name, b.name) })
	h := sha256.New()
	for _, l := range lines {
		fmt.Fprintf(h, "%x  %s\n", l.sum, l.name)
	}
	return "h1:" + base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}
