package fleet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

func statusJSON(host, active string, healthy bool) string {
	h := "false"
	if healthy {
		h = "true"
	}
	return `{"host":"` + host + `","os":"linux","arch":"amd64","active":"` + active +
		`","healthy":` + h + `,"last_operation":{"command":"ensure","version":"` + active + `","result":"ok"}}`
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name, in  string
		wantHost  string
		wantErr   bool
		wantHealt bool
	}{
		{"full", statusJSON("web1", "go1.23.0", true), "web1", false, true},
		{"host from file name", `{"active":"go1.23.0","healthy":false}`, "file", false, false},
		{"unknown fields ignored", `{"host":"a","healthy":true,"future":{"x":1}}`, "a", false, true},
		{"no verdict", `{"host":"a","active":"go1.23.0"}`, "", true, false},
		{"empty", ``, "", true, false},
		{"error text", `govm: unknown command "status"`, "", true, false},
		{"two documents", `{"healthy":true}{"healthy":true}`, "", true, false},
		{"wrong type", `{"healthy":"yes"}`, "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseStatus("file", []byte(tt.in))
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("err = %v, want ErrMalformed", err)
				}
				if !strings.Contains(err.Error(), "file") {
					t.Errorf("error %q does not name the input", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Host != tt.wantHost || *s.Healthy != tt.wantHealt {
				t.Errorf("host %q healthy %v, want %q %v", s.Host, *s.Healthy, tt.wantHost, tt.wantHealt)
			}
		})
	}
}

func TestParseLogTail(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // messages of the failures
		wantErr bool
	}{
		{"empty", "", nil, false},
		{"all ok", `{"command":"ensure","result":"ok"}` + "\n" + `{"command":"use","ok":true}`, nil, false},
		{"error field", `{"command":"ensure","error":"download: connection refused"}`, []string{"download: connection refused"}, false},
		{"level error", `{"level":"error","msg":"disk full"}`, []string{"disk full"}, false},
		{"result failed", `{"result":"failed","message":"hash mismatch"}`, []string{"hash mismatch"}, false},
		{"ok false", `{"op":"install","ok":false}`, []string{""}, false},
		{"cut first line skipped", `and":"ensure"}` + "\n" + `{"error":"x"}`, []string{"x"}, false},
		{"garbage later", `{"result":"ok"}` + "\nnot json\n", nil, true},
		{"blank lines", "\n\n" + `{"error":"y"}` + "\n\n", []string{"y"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLogTail("h.log", []byte(tt.in))
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "h.log line 2") {
					t.Fatalf("err = %v, want ErrMalformed naming h.log line 2", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d failures %+v, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if got[i].Message != tt.want[i] {
					t.Errorf("failure %d = %q, want %q", i, got[i].Message, tt.want[i])
				}
			}
		})
	}
}

func TestParseLogTailLongLine(t *testing.T) {
	long := `{"result":"ok"}` + "\n" + `{"error":"` + strings.Repeat("x", maxLogLine) + `"}`
	if _, err := ParseLogTail("big.log", []byte(long)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed for a line over the limit", err)
	}
}

func mustStatus(t *testing.T, js string) Status {
	t.Helper()
	s, err := ParseStatus("x", []byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name          string
		hosts         []string
		expect        string
		wantExpected  string
		wantDrifted   int
		wantUnhealthy int
		wantFirst     string
	}{
		{"all on expected", []string{statusJSON("a", "go1.23.0", true), statusJSON("b", "1.23.0", true)}, "1.23.0", "go1.23.0", 0, 0, "a"},
		{"one behind", []string{statusJSON("a", "go1.23.0", true), statusJSON("b", "go1.22.5", true)}, "go1.23.0", "go1.23.0", 1, 0, "b"},
		{"majority when not given", []string{statusJSON("a", "go1.22.5", true), statusJSON("b", "go1.22.5", true), statusJSON("c", "go1.23.0", true)}, "", "go1.22.5", 1, 0, "c"},
		{"tie goes to newest", []string{statusJSON("a", "go1.22.5", true), statusJSON("b", "go1.23.0", true)}, "", "go1.23.0", 1, 0, "a"},
		{"unhealthy but on version", []string{statusJSON("a", "go1.23.0", true), statusJSON("z", "go1.23.0", false)}, "go1.23.0", "go1.23.0", 0, 1, "z"},
		{"nothing active", []string{statusJSON("a", "go1.23.0", true), `{"host":"b","healthy":false}`}, "go1.23.0", "go1.23.0", 1, 1, "b"},
		{"empty fleet", nil, "", "", 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hosts []Host
			for _, js := range tt.hosts {
				hosts = append(hosts, Host{Status: mustStatus(t, js)})
			}
			r, err := Build(hosts, tt.expect)
			if err != nil {
				t.Fatal(err)
			}
			if r.Expected != tt.wantExpected || r.Drifted != tt.wantDrifted || r.Unhealthy != tt.wantUnhealthy {
				t.Fatalf("expected %q drifted %d unhealthy %d, want %q %d %d", r.Expected, r.Drifted, r.Unhealthy, tt.wantExpected, tt.wantDrifted, tt.wantUnhealthy)
			}
			if r.Clean() != (tt.wantDrifted == 0 && tt.wantUnhealthy == 0) {
				t.Errorf("Clean() = %v", r.Clean())
			}
			if tt.wantFirst != "" && r.Rows[0].Host != tt.wantFirst {
				t.Errorf("first row %q, want the odd host %q first", r.Rows[0].Host, tt.wantFirst)
			}
		})
	}
}

func TestLastOperation(t *testing.T) {
	tests := []struct{ op, want string }{
		{`{"command":"ensure","version":"go1.23.0","result":"ok"}`, "ensure go1.23.0: ok"},
		{`{"command":"rollback","version":"go1.22.5","ok":true}`, "rollback go1.22.5: ok"},
		{`{"command":"install","ok":false,"error":"x"}`, "install: failed"},
		{`{"command":"use"}`, "use"},
		{`null`, ""},
	}
	for _, tt := range tests {
		s := mustStatus(t, `{"host":"a","healthy":true,"last_operation":`+tt.op+`}`)
		r, err := Build([]Host{{Status: s}}, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Rows[0].LastOperation; got != tt.want {
			t.Errorf("%s: last operation %q, want %q", tt.op, got, tt.want)
		}
	}
}

func TestBuildBadExpect(t *testing.T) {
	if _, err := Build(nil, "1.x"); err == nil || !strings.Contains(err.Error(), `"1.x"`) {
		t.Fatalf("err = %v, want an error naming 1.x", err)
	}
}

func sampleReport(t *testing.T) Report {
	t.Helper()
	hosts := []Host{
		{Status: mustStatus(t, statusJSON("web1", "go1.23.0", true))},
		{Status: mustStatus(t, strings.Replace(statusJSON("web2", "go1.22.5", false), "{", `{"problems":["go version failed","second"],`, 1)), LogErrors: []LogError{{Message: "smoke | failed\nexit 1"}}},
	}
	r, err := Build(hosts, "1.23.0")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleReport(t), FormatTable); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want header, 2 rows, summary; got:\n%s", out)
	}
	for _, want := range []string{"web2", "go1.22.5", "NO: go version failed  ", "runs go1.22.5, expected go1.23.0", "1 (last: smoke | failed exit 1)"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("odd host row %q lacks %q", lines[1], want)
		}
	}
	if strings.Contains(out, "second") {
		t.Errorf("the table shows only the first problem:\n%s", out)
	}
	if !strings.Contains(lines[2], "web1") || !strings.Contains(lines[2], "ensure go1.23.0: ok") {
		t.Errorf("row %q", lines[2])
	}
	if lines[3] != "2 hosts, expected version go1.23.0: 1 drifted, 1 unhealthy; NOT clean" {
		t.Errorf("summary %q", lines[3])
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleReport(t), FormatMarkdown); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if !strings.HasPrefix(lines[0], "| HOST | VERSION |") || lines[1] != "|---|---|---|---|---|---|" {
		t.Fatalf("header:\n%s", b.String())
	}
	if strings.Count(lines[2], " | ") != 5 || !strings.Contains(lines[2], `smoke \| failed`) {
		t.Errorf("row must keep 6 cells with the pipe escaped: %q", lines[2])
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleReport(t), FormatCSV); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[1][0] != "web2" || recs[1][1] != "web2" || recs[1][4] != "false" || recs[1][6] != "true" || recs[1][10] != "go1.23.0" {
		t.Fatalf("records %q", recs)
	}
	if recs[1][9] != "smoke | failed\nexit 1" {
		t.Errorf("CSV keeps the message verbatim, got %q", recs[1][8])
	}
}

func TestTableShortensLongMessages(t *testing.T) {
	long := strings.Repeat("é", 300)
	r, err := Build([]Host{{Status: mustStatus(t, statusJSON("a", "go1.23.0", true)), LogErrors: []LogError{{Message: long}}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	var table, csvOut bytes.Buffer
	if err := Write(&table, r, FormatTable); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "(last: "+strings.Repeat("é", maxCell-1)+"…)") {
		t.Errorf("table cell not cut at %d runes:\n%s", maxCell, table.String())
	}
	if err := Write(&csvOut, r, FormatCSV); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvOut.String(), long) {
		t.Error("CSV must keep the whole message")
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"table": FormatTable, "Markdown": FormatMarkdown, "md": FormatMarkdown, " csv ": FormatCSV} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("html"); err == nil || !strings.Contains(err.Error(), "html") {
		t.Errorf("html: err = %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := tempdir.New(t)
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("web1.json", `{"active":"go1.23.0","healthy":true}`)
	b := write("web2.json", statusJSON("web2.example", "go1.23.0", true))
	write("web2.log", `{"command":"ensure","error":"hash mismatch"}`+"\n")
	hosts, err := Load([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if hosts[0].Status.Host != "web1" || len(hosts[0].LogErrors) != 0 {
		t.Errorf("host 0: %+v", hosts[0])
	}
	if hosts[1].Name != "web2" || hosts[1].Status.Host != "web2.example" || len(hosts[1].LogErrors) != 1 {
		t.Errorf("host 1: %+v", hosts[1])
	}
	r, err := Build(hosts, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows[1].Host != "web2" || r.Rows[1].Hostname != "web2.example" {
		t.Errorf("row named %q (hostname %q), want the file's name web2 (web2.example)", r.Rows[1].Host, r.Rows[1].Hostname)
	}

	bad := write("bad.json", "{")
	if _, err := Load([]string{a, bad}); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad file: err = %v", err)
	}
	missing := filepath.Join(dir, "missing.json")
	if _, err := Load([]string{missing}); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: err = %v", err)
	}
	badLog := write("web3.json", `{"healthy":true}`)
	write("web3.log", "{\"result\":\"ok\"}\n{oops\n")
	if _, err := Load([]string{badLog}); !errors.Is(err, ErrMalformed) {
		t.Errorf("bad log: err = %v", err)
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte(statusJSON("a", "go1.23.0", true)))
	f.Add([]byte(`{"healthy":false,"last_operation":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseStatus("fuzz", data)
		if err != nil {
			return
		}
		if s.Healthy == nil || s.Host == "" {
			t.Fatalf("accepted status without verdict or host: %+v", s)
		}
		r, err := Build([]Host{{Status: s}}, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []Format{FormatTable, FormatMarkdown, FormatCSV} {
			if err := Write(&bytes.Buffer{}, r, f); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzParseLogTail(f *testing.F) {
	f.Add([]byte(`{"error":"x"}` + "\n" + `{"result":"ok"}`))
	f.Add([]byte("cut\n{\"level\":\"error\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		errs, err := ParseLogTail("fuzz", data)
		if err == nil && len(errs) > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d failures from %d lines", len(errs), bytes.Count(data, []byte("\n"))+1)
		}
	})
}
