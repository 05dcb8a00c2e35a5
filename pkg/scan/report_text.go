package scan

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes reports for a terminal. Each report leads with its
// verdict ("can move to go1.24.3: yes" or "...: no, 3 blockers").
func WriteTable(w io.Writer, reports []*Report) error {
	ew := &errWriter{w: w}
	for i, r := range reports {
		v := viewOf(r)
		if i > 0 {
			ew.printf("\n")
		}
		ew.printf("== %s\n", v.title)
		if v.verdict != "" {
			ew.printf("%s\n", v.verdict)
		}
		for _, s := range v.sections {
			ew.printf("\n%s\n", strings.ToUpper(s.title[:1])+s.title[1:])
			for _, l := range s.lines {
				ew.printf("%s\n", l)
			}
			if s.header != nil {
				tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, strings.Join(s.header, "\t"))
				for _, row := range s.rows {
					fmt.Fprintln(tw, strings.Join(row, "\t"))
				}
				_ = tw.Flush()
			}
		}
	}
	return ew.err
}

// WriteMarkdown writes reports as GitHub-flavoured markdown, for pull
// request comments and job summaries.
func WriteMarkdown(w io.Writer, reports []*Report) error {
	ew := &errWriter{w: w}
	for _, r := range reports {
		v := viewOf(r)
		ew.printf("## %s\n\n", mdEscape(v.title))
		if v.verdict != "" {
			ew.printf("**%s**\n\n", mdEscape(v.verdict))
		}
		for _, s := range v.sections {
			ew.printf("### %s\n\n", mdEscape(s.title))
			for _, l := range s.lines {
				ew.printf("%s\n\n", mdEscape(l))
			}
			if s.header == nil {
				continue
			}
			ew.printf("| %s |\n|%s\n", mdRow(s.header), strings.Repeat(" --- |", len(s.header)))
			for _, row := range s.rows {
				ew.printf("| %s |\n", mdRow(row))
			}
			ew.printf("\n")
		}
	}
	return ew.err
}

func mdRow(cells []string) string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = mdEscape(c)
	}
	return strings.Join(out, " | ")
}

// mdEscape keeps cell text from breaking tables or turning into markup.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// errWriter remembers the first write error so writers can report it once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = fmt.Errorf("write report: %w", err)
	}
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
