package selfupdate

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
)

// maxChecksumsBytes bounds checksums.txt: a few dozen lines in practice.
const maxChecksumsBytes = 1 << 20

// ParseChecksums reads a sha256sum-style file ("<hex>  <name>" per line, as
// goreleaser writes it; a '*' before the name marks binary mode). Every
// line must be well formed: a file that is not what it claims is rejected
// whole rather than half trusted. A name listed twice with two different
// sums is an error.
func ParseChecksums(data []byte) (map[string]string, error) {
	sums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		name = strings.TrimPrefix(strings.TrimLeft(name, " "), "*")
		if !ok || name == "" || strings.ContainsAny(name, "/\\") {
			return nil, fmt.Errorf("checksums line %d: want \"<sha256>  <file name>\", got %q", n, line)
		}
		if b, err := hex.DecodeString(sum); err != nil || len(b) != 32 {
			return nil, fmt.Errorf("checksums line %d: %q is not a SHA-256", n, sum)
		}
		sum = strings.ToLower(sum)
		if prev, dup := sums[name]; dup && prev != sum {
			return nil, fmt.Errorf("checksums line %d: %s is listed twice with different sums", n, name)
		}
		sums[name] = sum
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("checksums: %w", err)
	}
	if len(sums) == 0 {
		return nil, fmt.Errorf("checksums: no entries")
	}
	return sums, nil
}

// Asset is a release archive name taken apart.
type Asset struct {
	Version, OS, Arch, Ext string
}

// ParseAssetName parses the names .goreleaser.yaml gives archives:
// "govm_1.2.3_linux_amd64.tar.gz", "govm_1.2.3_windows_arm64.zip".
func ParseAssetName(name string) (Asset, error) {
	var a Asset
	rest, ok := strings.CutPrefix(name, "govm_")
	if !ok {
		return a, fmt.Errorf("asset %q: not a govm archive", name)
	}
	switch {
	case strings.HasSuffix(rest, ".tar.gz"):
		a.Ext, rest = ".tar.gz", strings.TrimSuffix(rest, ".tar.gz")
	case strings.HasSuffix(rest, ".zip"):
		a.Ext, rest = ".zip", strings.TrimSuffix(rest, ".zip")
	default:
		return a, fmt.Errorf("asset %q: not a .tar.gz or .zip archive", name)
	}
	parts := strings.Split(rest, "_")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return a, fmt.Errorf("asset %q: want govm_VERSION_OS_ARCH", name)
	}
	a.Version, a.OS, a.Arch = parts[0], parts[1], parts[2]
	return a, nil
}
