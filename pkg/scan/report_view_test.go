package scan

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestAge(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Minute, "in the future: check this machine's clock"},
		{10 * time.Minute, "less than an hour old"},
		{5 * time.Hour, "5 hours old"},
		{30 * time.Hour, "1 day old"},
		{40 * 24 * time.Hour, "40 days old"},
	} {
		if got := age(tt.d); got != tt.want {
			t.Errorf("age(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// The table names the database and how old it is next to its findings.
func TestTableShowsDatabaseAge(t *testing.T) {
	r := &Report{Dir: "svc", Vulns: &VulnReport{Database: "./vulndb", Modified: time.Now().Add(-72 * time.Hour), Modules: []Vuln{}, Go: []GoVuln{}}}
	var buf bytes.Buffer
	if err := WriteTable(&buf, []*Report{r}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "database ./vulndb, modified ") || !strings.Contains(buf.String(), "(3 days old)") {
		t.Errorf("table does not show the database's age:\n%s", buf.String())
	}
}
