package fakegodev

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/govm-dev/govm/pkg/release"
)

func get(t *testing.T, s *Server, url string, hdr map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestIndexFiltersUnstableUnlessIncludeAll(t *testing.T) {
	rels, archives := Fixture([]string{"go1.23rc1", "go1.22.5"}, []string{"linux/amd64"})
	s := New(t, rels, archives)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"?mode=json&include=all", []string{"go1.23rc1", "go1.22.5"}},
		{"?mode=json", []string{"go1.22.5"}},
	} {
		_, body, err := get(t, s, s.IndexURL()+tc.query, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []release.Release
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%s: got %d releases, want %v", tc.query, len(got), tc.want)
		}
		for i, r := range got {
			if r.Version != tc.want[i] {
				t.Errorf("%s: release %d = %s, want %s", tc.query, i, r.Version, tc.want[i])
			}
		}
	}
	if resp, _, _ := get(t, s, s.IndexURL(), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("index without mode=json: %d, want 404 (go.dev serves HTML there)", resp.StatusCode)
	}
}

func TestIndexETag(t *testing.T) {
	rels, archives := Fixture([]string{"go1.22.5"}, []string{"linux/amd64"})
	s := New(t, rels, archives)
	u := s.IndexURL() + "?mode=json&include=all"
	resp, _, err := get(t, s, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on the index")
	}
	resp, body, _ := get(t, s, u, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match with the current ETag: %d with %d bytes, want 304 and none", resp.StatusCode, len(body))
	}
	s.SetReleases(append(rels, NewRelease("go1.21.0")))
	resp, _, _ = get(t, s, u, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == etag {
		t.Errorf("after SetReleases: %d with ETag %s, want 200 and a new ETag", resp.StatusCode, resp.Header.Get("ETag"))
	}
	s.DisableETag()
	if resp, _, _ = get(t, s, u, nil); resp.Header.Get("ETag") != "" {
		t.Error("DisableETag: the index still carries an ETag")
	}
	if got := s.Hits("/"); got != 4 {
		t.Errorf("Hits(/) = %d, want 4", got)
	}
}

func TestArchiveRangeAndFaults(t *testing.T) {
	data := []byte("0123456789abcdefghij")
	name := "go1.22.5.linux-amd64.tar.gz"
	s := New(t, nil, map[string][]byte{name: data})
	u := s.DownloadBase() + name
	path := ArchivePath(name)

	resp, body, err := get(t, s, u, map[string]string{"Range": "bytes=5-"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != "bytes 5-19/20" || string(body) != string(data[5:]) {
		t.Errorf("Range bytes=5-: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Range"), body)
	}

	s.FailNext(path, 2, http.StatusServiceUnavailable)
	for i := 0; i < 2; i++ {
		if resp, _, _ := get(t, s, u, nil); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("failure %d: status %d, want 503", i, resp.StatusCode)
		}
	}
	if resp, body, _ := get(t, s, u, nil); resp.StatusCode != http.StatusOK || string(body) != string(data) {
		t.Errorf("after the failures: %d %q, want the archive", resp.StatusCode, body)
	}

	s.CutAfter(path, 7, 1)
	_, body, err = get(t, s, u, nil)
	if err == nil || string(body) != string(data[:7]) {
		t.Errorf("cut after 7 bytes: got %q, err %v; want the first 7 bytes and an error", body, err)
	}
	if _, body, err = get(t, s, u, nil); err != nil || string(body) != string(data) {
		t.Errorf("after the cut: %q, %v", body, err)
	}

	s.Tamper(name)
	_, body, _ = get(t, s, u, nil)
	if len(body) != len(data) || string(body) == string(data) {
		t.Errorf("tampered: got %q, want same size, different bytes", body)
	}

	if got := s.Hits(path); got != 7 {
		t.Errorf("Hits = %d, want 7", got)
	}
	if got := s.RangeRequests(path); len(got) != 1 || got[0] != "bytes=5-" {
		t.Errorf("RangeRequests = %q", got)
	}
	if resp, _, _ := get(t, s, s.DownloadBase()+"nope.zip", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown archive: %d, want 404", resp.StatusCode)
	}
}

func TestArchiveFile(t *testing.T) {
	data := []byte("abc")
	for _, tc := range []struct {
		name string
		want release.File
	}{
		{"go1.22.5.linux-amd64.tar.gz", release.File{Version: "go1.22.5", OS: "linux", Arch: "amd64", Kind: "archive"}},
		{"go1.22.5.windows-amd64.zip", release.File{Version: "go1.22.5", OS: "windows", Arch: "amd64", Kind: "archive"}},
		{"go1.22.5.windows-amd64.msi", release.File{Version: "go1.22.5", OS: "windows", Arch: "amd64", Kind: "installer"}},
		{"go1.23rc1.linux-armv6l.tar.gz", release.File{Version: "go1.23rc1", OS: "linux", Arch: "armv6l", Kind: "archive"}},
		{"go1.22.5.src.tar.gz", release.File{Version: "go1.22.5", Kind: "source"}},
	} {
		got := ArchiveFile(tc.name, data)
		tc.want.Filename = tc.name
		tc.want.Size = 3
		tc.want.SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
		if got != tc.want {
			t.Errorf("ArchiveFile(%s) = %+v, want %+v", tc.name, got, tc.want)
		}
	}
	if r := NewRelease("go1.23rc1"); r.Stable {
		t.Error("go1.23rc1 marked stable")
	}
}
