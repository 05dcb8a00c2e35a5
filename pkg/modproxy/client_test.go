package modproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// listServer answers @v/list of example.com/m with a fixed status; on 200
// the list names the server ("v1.<id>.0") so a test sees who answered.
type listServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits int
}

func newListServer(t *testing.T, id, status int) *listServer {
	ls := &listServer{}
	ls.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ls.mu.Lock()
		ls.hits++
		ls.mu.Unlock()
		if r.URL.Path != "/example.com/m/@v/list" {
			http.NotFound(w, r)
			return
		}
		if status != http.StatusOK {
			http.Error(w, "injected", status)
			return
		}
		fmt.Fprintf(w, "v1.%d.0\n", id)
	}))
	t.Cleanup(ls.srv.Close)
	return ls
}

func (ls *listServer) Hits() int {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.hits
}

func TestProxyListSemantics(t *testing.T) {
	const closed = -1 // a server that refuses connections
	tests := []struct {
		name      string
		goproxy   string // A, B, D (the direct base) are replaced by URLs
		gonoproxy string
		goprivate string
		statusA   int
		statusB   int
		noDirect  bool
		want      string // the version that answered
		wantErr   []error
		wantMsg   string
		wantHitsA int
		wantHitsB int
	}{
		{name: "comma falls through on 404", goproxy: "A,B", statusA: 404, statusB: 200, want: "v1.2.0", wantHitsA: 1, wantHitsB: 1},
		{name: "comma falls through on 410", goproxy: "A,B", statusA: 410, statusB: 200, want: "v1.2.0", wantHitsA: 1, wantHitsB: 1},
		{name: "comma stops on 500", goproxy: "A,B", statusA: 500, statusB: 200, wantErr: []error{ErrUnavailable}, wantMsg: "500", wantHitsA: 1},
		{name: "comma stops on refused connection", goproxy: "A,B", statusA: closed, statusB: 200, wantErr: []error{ErrUnavailable}},
		{name: "pipe falls through on 500", goproxy: "A|B", statusA: 500, statusB: 200, want: "v1.2.0", wantHitsA: 1, wantHitsB: 1},
		{name: "pipe falls through on refused connection", goproxy: "A|B", statusA: closed, statusB: 200, want: "v1.2.0", wantHitsB: 1},
		{name: "first answer wins", goproxy: "A,B", statusA: 200, statusB: 200, want: "v1.1.0", wantHitsA: 1},
		{name: "all 404 is not found", goproxy: "A,B", statusA: 404, statusB: 404, wantErr: []error{ErrNotFound}, wantHitsA: 1, wantHitsB: 1},
		{name: "a real failure beats a later 404", goproxy: "A|B", statusA: 503, statusB: 404, wantErr: []error{ErrUnavailable}, wantMsg: "503", wantHitsA: 1, wantHitsB: 1},
		{name: "direct after 404", goproxy: "A,direct", statusA: 404, want: "v1.9.0", wantHitsA: 1},
		{name: "direct without an origin", goproxy: "A,direct", statusA: 404, noDirect: true, wantErr: []error{ErrNotFound}, wantMsg: "version control", wantHitsA: 1},
		{name: "off after 404", goproxy: "A,off", statusA: 404, wantErr: []error{ErrProxyOff, ErrUnavailable}, wantMsg: "GOPROXY=off", wantHitsA: 1},
		{name: "off alone", goproxy: "off", wantErr: []error{ErrProxyOff}},
		{name: "entries after direct ignored", goproxy: "direct,A", statusA: 200, want: "v1.9.0"},
		{name: "GONOPROXY forces direct", goproxy: "A,B", gonoproxy: "example.com", statusA: 200, statusB: 200, want: "v1.9.0"},
		{name: "GOPRIVATE forces direct", goproxy: "A", goprivate: "*.com/m", statusA: 200, want: "v1.9.0"},
		{name: "GONOPROXY with GOPROXY=off stays off", goproxy: "off", gonoproxy: "example.com/m", wantErr: []error{ErrProxyOff}},
		{name: "GONOPROXY not matching", goproxy: "A", gonoproxy: "example.org", statusA: 200, want: "v1.1.0", wantHitsA: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newListServer(t, 1, tt.statusA)
			b := newListServer(t, 2, tt.statusB)
			d := newListServer(t, 9, http.StatusOK)
			if tt.statusA == closed {
				a.srv.Close()
			}
			goproxy := strings.NewReplacer("A", a.srv.URL, "B", b.srv.URL).Replace(tt.goproxy)
			cfg := Config{GOPROXY: goproxy, GONOPROXY: tt.gonoproxy, GOPRIVATE: tt.goprivate, GOSUMDB: "off"}
			if !tt.noDirect {
				cfg.Direct = func(path string) (string, bool) { return d.srv.URL, path == "example.com/m" }
			}
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.List(context.Background(), "example.com/m")
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("List = %v, want an error", got)
				}
				for _, want := range tt.wantErr {
					if !errors.Is(err, want) {
						t.Errorf("error %q does not match %v", err, want)
					}
				}
				if !strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), "example.com/m") {
					t.Errorf("error %q does not name the module and %q", err, tt.wantMsg)
				}
			} else if err != nil || !reflect.DeepEqual(got, []string{tt.want}) {
				t.Fatalf("List = %v, %v; want [%s]", got, err, tt.want)
			}
			if tt.statusA != closed && a.Hits() != tt.wantHitsA {
				t.Errorf("proxy A hit %d times, want %d", a.Hits(), tt.wantHitsA)
			}
			if b.Hits() != tt.wantHitsB {
				t.Errorf("proxy B hit %d times, want %d", b.Hits(), tt.wantHitsB)
			}
		})
	}
}

func TestNewRejectsBadValues(t *testing.T) {
	for _, cfg := range []Config{
		{GOPROXY: "gopher"},
		{GOPROXY: "https://p.example", GOSUMDB: "unknown.example"},
	} {
		_, err := New(cfg)
		if !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", cfg, err)
		}
	}
}

func TestBadModulePathOrVersion(t *testing.T) {
	c, err := New(Config{GOPROXY: "https://p.invalid", GOSUMDB: "off"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.List(ctx, "../etc"); !errors.Is(err, ErrConfig) {
		t.Errorf("List(../etc) = %v, want ErrConfig", err)
	}
	if _, err := c.Info(ctx, "example.com/m", "v1.0.0/../../x"); !errors.Is(err, ErrConfig) {
		t.Errorf("Info with a bad version = %v, want ErrConfig", err)
	}
}

func TestInfoChecksAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/example.com/!upper/@v/v1.0.0.info":
			fmt.Fprint(w, `{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}`)
		case "/example.com/!upper/@v/v1.1.0.info":
			fmt.Fprint(w, `{"Version":"v9.9.9"}`)
		case "/example.com/!upper/@v/v1.2.0.info":
			fmt.Fprint(w, `<html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := New(Config{GOPROXY: srv.URL, GOSUMDB: "off"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := c.Info(ctx, "example.com/Upper", "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if info.Proxy != srv.URL || info.ZipURL != srv.URL+"/example.com/!upper/@v/v1.0.0.zip" || info.Time.Year() != 2024 {
		t.Errorf("Info = %+v", info)
	}
	for _, v := range []string{"v1.1.0", "v1.2.0"} {
		if _, err := c.Info(ctx, "example.com/Upper", v); !errors.Is(err, ErrMalformed) {
			t.Errorf("Info(%s) = %v, want ErrMalformed", v, err)
		}
	}
	if _, err := c.ZipURL(ctx, "example.com/Upper", "v2.0.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ZipURL of a missing version = %v, want ErrNotFound", err)
	}
}

func TestOversizedAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("v1.0.0\n", 1<<14))
		for n := 0; n <= maxResponseBytes; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, err := New(Config{GOPROXY: srv.URL, GOSUMDB: "off"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.List(context.Background(), "example.com/m"); !errors.Is(err, ErrMalformed) {
		t.Fatalf("List of a huge answer = %v, want ErrMalformed", err)
	}
}
