package modproxy

import (
	"crypto/rand"
	"errors"
	"golang.org/x/mod/sumdb/note"
	"reflect"
	"strings"
	"testing"
)

func TestParseProxyList(t *testing.T) {
	tests := []struct {
		in      string
		want    []ProxyEntry
		wantErr string
	}{
		{in: "https://proxy.golang.org,direct", want: []ProxyEntry{{URL: "https://proxy.golang.org"}, {URL: Direct}}},
		{in: "https://a.example|https://b.example,off", want: []ProxyEntry{{URL: "https://a.example", FallbackOnError: true}, {URL: "https://b.example"}, {URL: Off}}},
		{in: " proxy.example.com/x/ , direct", want: []ProxyEntry{{URL: "https://proxy.example.com/x"}, {URL: Direct}}},
		{in: "direct,https://ignored.example", want: []ProxyEntry{{URL: Direct}}},
		{in: "off|https://ignored.example", want: []ProxyEntry{{URL: Off}}},
		{in: ",,http://127.0.0.1:8080,", want: []ProxyEntry{{URL: "http://127.0.0.1:8080"}}},
		{in: "file:///srv/goproxy", want: []ProxyEntry{{URL: "file:///srv/goproxy"}}},
		{in: "", wantErr: "no entries"},
		{in: " , | ", wantErr: "no entries"},
		{in: "noproxy", wantErr: `"noproxy": scheme must be`},
		{in: "https://ok.example,ftp://mirror.example", wantErr: `"ftp://mirror.example": scheme must be`},
		{in: "https://", wantErr: "has no host"},
		{in: "https://p.example/?x=1", wantErr: "query"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseProxyList(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrConfig) {
					t.Fatalf("ParseProxyList(%q) = %v, %v; want ErrConfig containing %q", tt.in, got, err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "GOPROXY=") {
					t.Errorf("error %q does not name the value", err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseProxyList(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzParseProxyList(f *testing.F) {
	for _, s := range []string{"https://proxy.golang.org,direct", "a|b,off", "file:///x", "", ",|,", "http://[::1]:80/p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		list, err := ParseProxyList(s)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v does not wrap ErrConfig", err)
			}
			return
		}
		if len(list) == 0 {
			t.Fatal("no error and no entries")
		}
		for i, e := range list {
			special := e.URL == Direct || e.URL == Off
			if special && i != len(list)-1 {
				t.Fatalf("%q not last in %+v", e.URL, list)
			}
			if !special && !strings.HasPrefix(e.URL, "http://") && !strings.HasPrefix(e.URL, "https://") && !strings.HasPrefix(e.URL, "file:") {
				t.Fatalf("entry %q is neither a URL nor special", e.URL)
			}
			if strings.HasSuffix(e.URL, "/") {
				t.Fatalf("entry %q keeps a trailing slash", e.URL)
			}
		}
	})
}

func TestParseGOSUMDB(t *testing.T) {
	_, key, err := note.GenerateKey(rand.Reader, "sum.example.com")
	if err != nil {
		t.Fatal(err)
	}
	_, badName, err := note.GenerateKey(rand.Reader, "evil/../x")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in      string
		want    SumDB
		wantErr string
	}{
		{in: "", want: SumDB{Name: "sum.golang.org", Key: DefaultSumDBKey}},
		{in: "sum.golang.org", want: SumDB{Name: "sum.golang.org", Key: DefaultSumDBKey}},
		{in: "sum.golang.google.cn", want: SumDB{Name: "sum.golang.org", Key: DefaultSumDBKey, URL: "https://sum.golang.google.cn"}},
		{in: "off", want: SumDB{Off: true}},
		{in: key, want: SumDB{Name: "sum.example.com", Key: key}},
		{in: key + " https://db.example.com/sumdb/", want: SumDB{Name: "sum.example.com", Key: key, URL: "https://db.example.com/sumdb"}},
		{in: "sum.example.com", wantErr: "needs its key"},
		{in: key + " ftp://db.example.com", wantErr: "not an http(s) URL"},
		{in: key + " https://a https://b", wantErr: "want"},
		{in: badName, wantErr: "must be host[/path]"},
		{in: "sum.example.com+00000000+AAAA", wantErr: "needs its key"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseGOSUMDB(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrConfig) {
					t.Fatalf("ParseGOSUMDB(%q) = %+v, %v; want ErrConfig containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseGOSUMDB(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSumDBDirectURL(t *testing.T) {
	if got := (SumDB{Name: "sum.golang.org"}).DirectURL(); got != "https://sum.golang.org" {
		t.Errorf("DirectURL = %q", got)
	}
	if got := (SumDB{Name: "sum.golang.org", URL: "https://sum.golang.google.cn"}).DirectURL(); got != "https://sum.golang.google.cn" {
		t.Errorf("DirectURL with explicit URL = %q", got)
	}
}

func FuzzParseGOSUMDB(f *testing.F) {
	for _, s := range []string{"sum.golang.org", "off", DefaultSumDBKey + " https://x.example", "a+b+c", "sum.golang.google.cn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		db, err := ParseGOSUMDB(s)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v does not wrap ErrConfig", err)
			}
			return
		}
		if db.Off {
			return
		}
		if checkSumDBName(db.Name) != nil || !strings.HasPrefix(db.Key, db.Name+"+") {
			t.Fatalf("accepted %+v with an unsafe name or a key for another name", db)
		}
		for _, elem := range strings.Split(db.Name, "/") {
			if elem == ".." || elem == "." || elem == "" {
				t.Fatalf("name %q has a %q element", db.Name, elem)
			}
		}
	})
}

func TestParseList(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"plain", "v1.2.0\nv1.10.0\nv1.9.0\n", []string{"v1.2.0", "v1.9.0", "v1.10.0"}},
		{"extra fields and CRLF", "v1.0.0 2019-01-01T00:00:00Z\r\nv0.1.0\r\n", []string{"v0.1.0", "v1.0.0"}},
		{"junk skipped", "<html>\nnot-a-version\nv1\nv1.0\nv1.0.0\n\n  \nv01.0.0\n", []string{"v1.0.0"}},
		{"duplicates", "v1.0.0\nv1.0.0\n", []string{"v1.0.0"}},
		{"toolchains", "v0.0.1-go1.22.5.linux-amd64\nv0.0.1-go1.21rc2.windows-arm64\n", []string{"v0.0.1-go1.22.5.linux-amd64", "v0.0.1-go1.21rc2.windows-arm64"}}, // semver, not Go, order
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseList([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseList(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseList(f *testing.F) {
	f.Add([]byte("v1.0.0\nv0.0.1-go1.22.5.linux-amd64 x\n"))
	f.Add([]byte("\x00\nv1.2.3+meta\nv1.2.3-pre\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := ParseList(data)
		seen := map[string]bool{}
		for i, v := range got {
			if seen[v] {
				t.Fatalf("duplicate %q", v)
			}
			seen[v] = true
			if strings.ContainsAny(v, " \t\r\n") || !strings.HasPrefix(v, "v") {
				t.Fatalf("bad version %q", v)
			}
			if i > 0 && compareSemver(got[i-1], v) > 0 {
				t.Fatalf("not sorted: %q before %q", got[i-1], v)
			}
		}
	})
}
