package download

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/pkg/httperr"
	"github.com/govm-dev/govm/pkg/release"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func TestFetchRetriesServerErrors(t *testing.T) {
	data := testData(100 << 10)
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec.note(r) <= 2 {
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		serve(w, r, data)
	}))
	defer srv.Close()
	var waits []int
	var buf bytes.Buffer
	res, err := Fetch(context.Background(), srv.URL+"/go.tar.gz", "", &buf, Options{
		Client:  srv.Client(),
		Backoff: func(n int) time.Duration { waits = append(waits, n); return time.Millisecond },
	})
	if err != nil {
		t.Fatal(err)
	}
	equalBytes(t, "writer", buf.Bytes(), data)
	if res.Attempts != 3 || res.Bytes != int64(len(data)) || res.RangeRequests != 0 || res.Resumed {
		t.Errorf("result %+v, want 3 attempts, %d bytes, no range", res, len(data))
	}
	if !slices.Equal(waits, []int{1, 2}) {
		t.Errorf("backoff asked for retries %v, want [1 2]", waits)
	}
}

// cutAfter hijacks the connection, sends a 200 header announcing all of data
// and only its first k bytes, then closes: a connection reset mid-body.
func cutAfter(t *testing.T, w http.ResponseWriter, data []byte, k int) {
	conn, bufrw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	fmt.Fprintf(bufrw, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Type: application/octet-stream\r\n\r\n", len(data))
	bufrw.Write(data[:k])
	bufrw.Flush()
}

func TestFetchResumesAfterConnectionCut(t *testing.T) {
	data := testData(300 << 10)
	const k = 70000
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec.note(r) == 1 {
			cutAfter(t, w, data, k)
			return
		}
		serve(w, r, data)
	}))
	defer srv.Close()
	partial := filepath.Join(tempdir.New(t), "go.tar.gz.partial")
	var buf bytes.Buffer
	res, err := Fetch(context.Background(), srv.URL, partial, &buf, Options{Client: srv.Client(), Backoff: fastBackoff})
	if err != nil {
		t.Fatal(err)
	}
	equalBytes(t, "writer", buf.Bytes(), data)
	onDisk, _ := os.ReadFile(partial)
	equalBytes(t, "partial file", onDisk, data)
	if got := rec.seen(); !slices.Equal(got, []string{"", fmt.Sprintf("bytes=%d-", k)}) {
		t.Errorf("server saw Range headers %q, want none then bytes=%d-", got, k)
	}
	if !res.Resumed || res.RangeRequests != 1 || res.Attempts != 2 {
		t.Errorf("result %+v, want resumed with 1 range request in 2 attempts", res)
	}
}

func TestFetchReplaysPartialFromPreviousRun(t *testing.T) {
	data := testData(200 << 10)
	const k = 123457
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.note(r)
		serve(w, r, data)
	}))
	defer srv.Close()
	partial := filepath.Join(tempdir.New(t), "go.tar.gz.partial")
	if err := os.WriteFile(partial, data[:k], 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var last, lastTotal int64
	res, err := Fetch(context.Background(), srv.URL, partial, &buf, Options{
		Client:   srv.Client(),
		Size:     int64(len(data)),
		Progress: func(done, total int64) { last, lastTotal = done, total },
	})
	if err != nil {
		t.Fatal(err)
	}
	equalBytes(t, "writer", buf.Bytes(), data)
	onDisk, _ := os.ReadFile(partial)
	equalBytes(t, "partial file", onDisk, data)
	if got := rec.seen(); !slices.Equal(got, []string{fmt.Sprintf("bytes=%d-", k)}) {
		t.Errorf("server saw Range headers %q, want bytes=%d-", got, k)
	}
	if !res.Resumed || res.Attempts != 1 || res.RangeRequests != 1 {
		t.Errorf("result %+v, want resumed in 1 ranged attempt", res)
	}
	if last != int64(len(data)) || lastTotal != int64(len(data)) {
		t.Errorf("last progress %d/%d, want %d/%d", last, lastTotal, len(data), len(data))
	}
}

func TestFetchServerIgnoringRange(t *testing.T) {
	data := testData(150 << 10)
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec.note(r) == 1 {
			cutAfter(t, w, data, 50000)
			return
		}
		r.Header.Del("Range")
		serve(w, r, data)
	}))
	defer srv.Close()
	partial := filepath.Join(tempdir.New(t), "x.partial")
	if err := os.WriteFile(partial, data[:1000], 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res, err := Fetch(context.Background(), srv.URL, partial, &buf, Options{Client: srv.Client(), Backoff: fastBackoff})
	if err != nil {
		t.Fatal(err)
	}
	equalBytes(t, "writer", buf.Bytes(), data)
	onDisk, _ := os.ReadFile(partial)
	equalBytes(t, "partial file", onDisk, data)
	if got := rec.seen(); !slices.Equal(got, []string{"bytes=1000-", "bytes=50000-"}) {
		t.Errorf("Range headers %q", got)
	}
	if res.Attempts != 2 {
		t.Errorf("attempts %d, want 2", res.Attempts)
	}
}

func TestFetchPermanentStatusIsNotRetried(t *testing.T) {
	for _, tc := range []struct {
		code     int
		notFound bool
	}{
		{http.StatusNotFound, true},
		{http.StatusGone, true},
		{http.StatusForbidden, false},
		{http.StatusUnauthorized, false},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			var rec recorder
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec.note(r)
				http.Error(w, "no", tc.code)
			}))
			defer srv.Close()
			url := srv.URL + "/go1.99.0.linux-amd64.tar.gz"
			_, err := Fetch(context.Background(), url, "", &bytes.Buffer{}, Options{Client: srv.Client(), Backoff: fastBackoff})
			var se *httperr.StatusError
			if !errors.As(err, &se) || se.Code != tc.code {
				t.Fatalf("error %v, want *httperr.StatusError %d", err, tc.code)
			}
			// release's sentinel too: the CLI maps that one to exit code 4.
			if errors.Is(err, httperr.ErrNotFound) != tc.notFound || errors.Is(err, release.ErrNotFound) != tc.notFound {
				t.Errorf("errors.Is(ErrNotFound) = %v, want %v", errors.Is(err, httperr.ErrNotFound), tc.notFound)
			}
			if !strings.Contains(err.Error(), url) {
				t.Errorf("error %q does not name the URL", err)
			}
			if n := len(rec.seen()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestFetchGivesUpAfterRetries(t *testing.T) {
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.note(r)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	res, err := Fetch(context.Background(), srv.URL, "", &bytes.Buffer{}, Options{Client: srv.Client(), Retries: 2, Backoff: fastBackoff})
	if !errors.Is(err, httperr.ErrUnavailable) || !errors.Is(err, httperr.ErrRateLimited) || !errors.Is(err, release.ErrUnavailable) {
		t.Fatalf("error %v, want ErrUnavailable and ErrRateLimited", err)
	}
	if res.Attempts != 3 || len(rec.seen()) != 3 {
		t.Errorf("attempts %d, server saw %d, want 3", res.Attempts, len(rec.seen()))
	}
	res, err = Fetch(context.Background(), srv.URL, "", &bytes.Buffer{}, Options{Client: srv.Client(), Retries: -1, Backoff: fastBackoff})
	if err == nil || res.Attempts != 1 {
		t.Errorf("Retries -1: attempts %d, err %v; want 1 attempt and an error", res.Attempts, err)
	}
}

func TestFetchIdleTimeoutResumes(t *testing.T) {
	data := testData(100 << 10)
	const k = 40000
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec.note(r) == 1 {
			w.Header().Set("Content-Length", fmt.Sprint(len(data)))
			w.Write(data[:k])
			http.NewResponseController(w).Flush()
			<-r.Context().Done() // stall until the client gives up
			return
		}
		serve(w, r, data)
	}))
	defer srv.Close()
	var buf bytes.Buffer
	start := time.Now()
	res, err := Fetch(context.Background(), srv.URL, "", &buf, Options{Client: srv.Client(), IdleTimeout: 150 * time.Millisecond, Backoff: fastBackoff})
	if err != nil {
		t.Fatal(err)
	}
	equalBytes(t, "writer", buf.Bytes(), data)
	if got := rec.seen(); !slices.Equal(got, []string{"", fmt.Sprintf("bytes=%d-", k)}) {
		t.Errorf("Range headers %q, want none then bytes=%d-", got, k)
	}
	if res.RangeRequests != 1 {
		t.Errorf("result %+v", res)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: the stall was not detected by the idle timeout", d)
	}
}

func TestNewClientDetectsStalledBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte("abc"))
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := NewClient(ClientOptions{Timeout: 5 * time.Second, IdleTimeout: 100 * time.Millisecond})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := make([]byte, 100)
	n, err := resp.Body.Read(b)
	if n != 3 || err != nil {
		t.Fatalf("first read: %d, %v", n, err)
	}
	start := time.Now()
	if _, err := resp.Body.Read(b); !errors.Is(err, ErrIdleTimeout) {
		t.Fatalf("stalled read: %v, want ErrIdleTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stall detected after %v, want about 100ms", d)
	}
}

func TestNewClientUsesProxy(t *testing.T) {
	var asked string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.String()
		w.Write([]byte("via proxy"))
	}))
	defer proxy.Close()
	c := NewClient(ClientOptions{Proxy: func(*http.Request) (*url.URL, error) { return url.Parse(proxy.URL) }})
	var buf bytes.Buffer
	if _, err := Fetch(context.Background(), "http://dl.example.invalid/go.tar.gz", "", &buf, Options{Client: c}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "via proxy" || asked != "http://dl.example.invalid/go.tar.gz" {
		t.Errorf("body %q, proxy asked for %q", buf.String(), asked)
	}
}

func TestFetchCancelStopsAtOnce(t *testing.T) {
	data := testData(64 << 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)*2))
		w.Write(data)
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	_, err := Fetch(ctx, srv.URL, "", &bytes.Buffer{}, Options{
		Client:   srv.Client(),
		Progress: func(done, _ int64) { cancel() },
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}

	// Cancelling during a backoff wait stops too.
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer failing.Close()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	start = time.Now()
	_, err = Fetch(ctx2, failing.URL, "", &bytes.Buffer{}, Options{Client: failing.Client(), Backoff: func(int) time.Duration { return time.Hour }})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("error %v after %v, want a prompt deadline error", err, time.Since(start))
	}
}

func TestFetchBodyLongerThanSize(t *testing.T) {
	data := testData(50 << 10)
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// No Content-Length: the server streams more than announced anywhere.
		for range 4 {
			w.Write(data)
			http.NewResponseController(w).Flush()
		}
	}))
	defer chunked.Close()
	var buf bytes.Buffer
	_, err := Fetch(context.Background(), chunked.URL, "", &buf, Options{Client: chunked.Client(), Size: int64(len(data))})
	if !errors.Is(err, ErrSizeMismatch) {
		t.Fatalf("error %v, want ErrSizeMismatch", err)
	}
	if buf.Len() > len(data) {
		t.Errorf("wrote %d bytes, more than the expected size %d", buf.Len(), len(data))
	}

	declared := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(w, r, data) }))
	defer declared.Close()
	buf.Reset()
	_, err = Fetch(context.Background(), declared.URL, "", &buf, Options{Client: declared.Client(), Size: 1000})
	if !errors.Is(err, ErrSizeMismatch) || buf.Len() != 0 {
		t.Errorf("declared size 51200 vs expected 1000: error %v, %d bytes written; want ErrSizeMismatch and nothing written", err, buf.Len())
	}
}

func TestFetchCannotContinuePartial(t *testing.T) {
	data := testData(10 << 10)
	for name, handler := range map[string]http.HandlerFunc{
		"416": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", "bytes */99999")
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		},
		"wrong Content-Range": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(data)-1, len(data)))
			w.WriteHeader(http.StatusPartialContent)
			w.Write(data)
		},
		"malformed Content-Range": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Range", "bytes=100-")
			w.WriteHeader(http.StatusPartialContent)
			w.Write(data[100:])
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(handler)
			defer srv.Close()
			partial := filepath.Join(tempdir.New(t), "p.partial")
			os.WriteFile(partial, data[:100], 0o644)
			var buf bytes.Buffer
			_, err := Fetch(context.Background(), srv.URL, partial, &buf, Options{Client: srv.Client(), Backoff: fastBackoff})
			if !errors.Is(err, ErrRestart) {
				t.Fatalf("error %v, want ErrRestart", err)
			}
			if buf.Len() != 100 {
				t.Errorf("writer got %d bytes, want exactly the 100 replayed", buf.Len())
			}
		})
	}
}

func TestFetchPartialAlreadyComplete(t *testing.T) {
	data := testData(10 << 10)
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.note(r)
		serve(w, r, data) // ServeContent answers 416 "bytes */N" to a range at the end
	}))
	defer srv.Close()
	dir := tempdir.New(t)
	for _, size := range []int64{int64(len(data)), 0} {
		partial := filepath.Join(dir, fmt.Sprintf("complete-%d.partial", size))
		os.WriteFile(partial, data, 0o644)
		var buf bytes.Buffer
		res, err := Fetch(context.Background(), srv.URL, partial, &buf, Options{Client: srv.Client(), Size: size})
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		equalBytes(t, "writer", buf.Bytes(), data)
		wantAttempts := 0
		if size == 0 {
			wantAttempts = 1 // unknown size: the server must confirm there is nothing more
		}
		if res.Attempts != wantAttempts || !res.Resumed {
			t.Errorf("size %d: result %+v, want %d attempts", size, res, wantAttempts)
		}
	}
}

func TestFetchPartialLongerThanSizeStartsOver(t *testing.T) {
	data := testData(10 << 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(w, r, data) }))
	defer srv.Close()
	partial := filepath.Join(tempdir.New(t), "long.partial")
	os.WriteFile(partial, testData(20<<10), 0o644)
	var buf bytes.Buffer
	res, err := Fetch(context.Background(), srv.URL, partial, &buf, Options{Client: srv.Client(), Size: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	equalBytes(t, "writer", buf.Bytes(), data)
	if res.RangeRequests != 0 {
		t.Errorf("result %+v: a partial longer than the resource must not be resumed", res)
	}
}

func TestFetchWriterErrorIsNotRetried(t *testing.T) {
	var rec recorder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.note(r)
		serve(w, r, testData(1000))
	}))
	defer srv.Close()
	boom := errors.New("extraction failed")
	_, err := Fetch(context.Background(), srv.URL, "", failingWriter{boom}, Options{Client: srv.Client(), Backoff: fastBackoff})
	if !errors.Is(err, boom) || len(rec.seen()) != 1 {
		t.Errorf("error %v after %d requests, want the writer's error after 1", err, len(rec.seen()))
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestFetchRejectsUnknownScheme(t *testing.T) {
	_, err := Fetch(context.Background(), "ftp://example.invalid/x", "", &bytes.Buffer{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "ftp://example.invalid/x") {
		t.Errorf("error %v, want one naming the URL", err)
	}
}
