package download

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"
)

// testData returns n deterministic, incompressible bytes.
func testData(n int) []byte {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// recorder remembers the Range header of every request a handler sees.
type recorder struct {
	mu     sync.Mutex
	ranges []string
}

func (r *recorder) note(req *http.Request) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ranges = append(r.ranges, req.Header.Get("Range"))
	return len(r.ranges)
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ranges...)
}

// serve answers with data, honouring Range like a real file server.
func serve(w http.ResponseWriter, req *http.Request, data []byte) {
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(data))
}

func fastBackoff(int) time.Duration { return time.Millisecond }

func equalBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: got %d bytes, want %d bytes (equal prefix %d)", what, len(got), len(want), commonPrefix(got, want))
	}
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
