package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/pkg/scan"
)

// The progress line shows fetches and the outdated check, redraws at most
// every 100 ms however many events arrive, and is erased at the end, so
// the report that follows starts on a clean line.
func TestScanProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	p := &scanProgress{w: &buf, dir: "./svc", now: func() time.Time { return clock }}
	p.draw()
	if buf.String() != "\r\x1b[Kgovm: scanning ./svc" {
		t.Fatalf("first draw %q", buf.String())
	}
	buf.Reset()
	p.update(scan.Progress{Phase: "fetch", Done: 3})
	if !strings.HasSuffix(buf.String(), "govm: scanning ./svc: 3 fetched") {
		t.Errorf("after a fetch: %q", buf.String())
	}
	buf.Reset()
	for i := 1; i <= 50; i++ {
		p.update(scan.Progress{Phase: "outdated", Done: i, Total: 50})
	}
	if buf.Len() != 0 {
		t.Errorf("redrawn within 100 ms: %q", buf.String())
	}
	clock = clock.Add(100 * time.Millisecond)
	p.update(scan.Progress{Phase: "fetch", Done: 4})
	if !strings.HasSuffix(buf.String(), ": 4 fetched, outdated 50/50") {
		t.Errorf("line %q after 100 ms, want the latest counts", buf.String())
	}
	buf.Reset()
	p.finish()
	if buf.String() != "\r\x1b[K" {
		t.Errorf("finish wrote %q, want the line erased", buf.String())
	}
	var none *scanProgress
	none.finish() // no terminal: nothing to erase, no panic
}
