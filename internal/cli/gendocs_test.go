package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestReferenceDocsUpToDate fails when docs/reference or docs/man no longer
// match the command tree: a command, flag or help text changed without the
// generated pages being regenerated and committed.
func TestReferenceDocsUpToDate(t *testing.T) {
	files, err := RenderDocs()
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join("..", "..")
	var stale []string
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(repo, "docs", filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, want) {
			stale = append(stale, "docs/"+name)
		}
	}
	for _, d := range []struct{ dir, ext string }{{"reference", ".md"}, {"man", ".1"}} {
		on, _ := filepath.Glob(filepath.Join(repo, "docs", d.dir, "*"+d.ext))
		for _, p := range on {
			if _, ok := files[d.dir+"/"+filepath.Base(p)]; !ok {
				stale = append(stale, "docs/"+d.dir+"/"+filepath.Base(p)+" (no such command)")
			}
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		t.Fatalf("the generated command reference is stale:\n  %s\nregenerate it from the repository root with:\n  %s\nand commit docs/reference and docs/man",
			strings.Join(stale, "\n  "), GenDocsCommand)
	}
}

func TestRenderDocsCoversVisibleCommandsOnly(t *testing.T) {
	files, err := RenderDocs()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"reference/govm.md", "reference/govm_install.md", "reference/README.md", "man/govm.1", "man/govm-install.1"} {
		if _, ok := files[name]; !ok {
			t.Errorf("no page %s", name)
		}
	}
	for name, data := range files {
		if strings.Contains(name, "__gendocs") || strings.Contains(name, "help") {
			t.Errorf("hidden or help command documented: %s", name)
		}
		if strings.HasSuffix(name, ".1") {
			for i, line := range strings.Split(string(data), "\n") {
				// Text lines must not start a roff request by accident.
				if strings.HasPrefix(line, "'") {
					t.Errorf("%s:%d starts with a quote: %q", name, i+1, line)
				}
			}
		}
	}
	// Deterministic: two renders are identical.
	again, _ := RenderDocs()
	for name, data := range files {
		if !bytes.Equal(again[name], data) {
			t.Errorf("%s differs between two renders", name)
		}
	}
}

// TestManPagesRenderCleanly runs groff over every page when it is installed:
// a roff mistake (an unknown macro, a bad escape) is a warning there.
func TestManPagesRenderCleanly(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff not installed")
	}
	files, err := RenderDocs()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if !strings.HasSuffix(name, ".1") {
			continue
		}
		cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("groff on %s: %v\n%s", name, err, out)
		}
	}
}

func TestRoffLinesEscapesRequests(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text\n"},
		{".hidden request", "\\&.hidden request\n"},
		{"'quote", "\\&'quote\n"},
		{`back\slash and --flag`, `back\eslash and \-\-flag` + "\n"},
		{"a\n.b", "a\n\\&.b\n"},
		{"✓ ok", `\[u2713] ok` + "\n"},
	}
	for _, tt := range tests {
		if got := roffLines(tt.in); got != tt.want {
			t.Errorf("roffLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
