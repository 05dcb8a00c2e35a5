package fakeproxy

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

func get(t *testing.T, s *Server, path string) (int, []byte) {
	t.Helper()
	resp, err := s.Client().Get(s.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestZipLayoutMatchesToolchainZips(t *testing.T) {
	data, err := ModuleZip(ModulePrefix("go1.22.5", "linux", "amd64"), map[string]FileSpec{
		"bin/go":            {Data: []byte("x")},
		"pkg/tool/a/b":      {Data: []byte("y")},
		"src/deep/dir/f.go": {Data: []byte("package f\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if strings.HasSuffix(f.Name, "/") || f.Mode().IsDir() {
			t.Errorf("directory entry %q", f.Name)
		}
		if f.Mode()&0o111 != 0 {
			t.Errorf("%s has exec bits %v", f.Name, f.Mode())
		}
		if !strings.HasPrefix(f.Name, "golang.org/toolchain@v0.0.1-go1.22.5.linux-amd64/") {
			t.Errorf("%s is outside the module prefix", f.Name)
		}
	}
	if len(names) != 3 {
		t.Errorf("entries %q, want 3 files", names)
	}
}

func TestServesProxyProtocol(t *testing.T) {
	s := New(t)
	zip := s.AddFiles("go1.22.5", "linux", "amd64", map[string]FileSpec{"VERSION": {Data: []byte("go1.22.5")}})
	s.AddFiles("go1.21.0", "windows", "amd64", map[string]FileSpec{"VERSION": {Data: []byte("go1.21.0")}})
	s.Unlist(ToolchainModule, ModuleVersion("go1.21.0", "windows", "amd64"))

	if code, body := get(t, s, "/golang.org/toolchain/@v/list"); code != 200 || string(body) != "v0.0.1-go1.22.5.linux-amd64\n" {
		t.Errorf("list = %d %q", code, body)
	}
	if code, _ := get(t, s, "/golang.org/toolchain/@latest"); code != http.StatusNotFound {
		t.Errorf("@latest = %d, want 404 like the filtering mirror", code)
	}
	if code, body := get(t, s, "/golang.org/toolchain/@v/v0.0.1-go1.21.0.windows-amd64.info"); code != 200 || !strings.Contains(string(body), `"Version":"v0.0.1-go1.21.0.windows-amd64"`) {
		t.Errorf("unlisted .info = %d %q", code, body)
	}
	if code, body := get(t, s, "/golang.org/toolchain/@v/v0.0.1-go1.22.5.linux-amd64.mod"); code != 200 || string(body) != "module golang.org/toolchain\n" {
		t.Errorf(".mod = %d %q", code, body)
	}
	if code, body := get(t, s, "/golang.org/toolchain/@v/v0.0.1-go1.22.5.linux-amd64.zip"); code != 200 || !bytes.Equal(body, zip) {
		t.Errorf(".zip = %d, %d bytes", code, len(body))
	}
	if code, _ := get(t, s, "/golang.org/toolchain/@v/v0.0.1-go1.19.linux-amd64.zip"); code != 404 {
		t.Errorf("missing zip = %d", code)
	}
	if code, _ := get(t, s, "/sumdb/"+s.SumDBName()+"/supported"); code != 200 {
		t.Errorf("/supported = %d", code)
	}
	if code, body := get(t, s, "/sumdb/"+s.SumDBName()+"/latest"); code != 200 || !strings.Contains(string(body), s.SumDBName()) {
		t.Errorf("/latest = %d %q", code, body)
	}
	if n := s.Hits("/golang.org/toolchain/@v/list"); n != 1 {
		t.Errorf("Hits(list) = %d", n)
	}
	if n := s.HitsMatching("/sumdb/"); n != 2 {
		t.Errorf("HitsMatching(/sumdb/) = %d, want 2", n)
	}
}

func TestFaults(t *testing.T) {
	s := New(t, WithoutSumDBSupport())
	zip := s.AddFiles("go1.22.5", "linux", "amd64", map[string]FileSpec{"VERSION": {Data: []byte("go1.22.5")}})
	want, err := HashZip(zip)
	if err != nil {
		t.Fatal(err)
	}
	s.TamperZip("go1.22.5", "linux", "amd64")
	_, body := get(t, s, "/golang.org/toolchain/@v/v0.0.1-go1.22.5.linux-amd64.zip")
	if got, err := HashZip(body); err != nil || got == want {
		t.Errorf("tampered zip hashes to %s (%v), want something other than %s", got, err, want)
	}
	s.FailNext("/golang.org/toolchain/@v/list", 2, 503)
	for i, wantCode := range []int{503, 503, 200} {
		if code, _ := get(t, s, "/golang.org/toolchain/@v/list"); code != wantCode {
			t.Errorf("request %d: %d, want %d", i, code, wantCode)
		}
	}
	if code, _ := get(t, s, "/sumdb/"+s.SumDBName()+"/supported"); code != 404 {
		t.Errorf("/supported without support = %d, want 404", code)
	}
	// The database's own server answers at https://<name> through Client().
	resp, err := s.Client().Get("https://" + s.SumDBName() + "/latest")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("https://%s/latest = %d", s.SumDBName(), resp.StatusCode)
	}
}
