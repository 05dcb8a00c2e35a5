package fleet

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Format is an output format of the report.
type Format string

// The formats `govm fleet report --format` accepts.
const (
	FormatTable    Format = "table"
	FormatMarkdown Format = "markdown"
	FormatCSV      Format = "csv"
)

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatTable, FormatMarkdown, FormatCSV:
		return f, nil
	case "md":
		return FormatMarkdown, nil
	}
	return "", fmt.Errorf("format %q: want table, markdown or csv", s)
}

var columns = []string{"HOST", "VERSION", "HEALTHY", "LAST OPERATION", "DRIFT", "LOG ERRORS"}

func cells(r Row) []string {
	drift := "-"
	if r.Drift {
		drift = r.DriftReason
	}
	logs := strconv.Itoa(r.LogErrors)
	if r.LastLogError != "" {
		logs += " (last: " + shorten(r.LastLogError) + ")"
	}
	version := r.Version
	if version == "" {
		version = "none"
	}
	op := r.LastOperation
	if op == "" {
		op = "-"
	}
	healthy := yesNo(r.Healthy)
	if !r.Healthy && len(r.Problems) > 0 {
		// The first problem is usually the cause; JSON carries them all.
		healthy += ": " + shorten(r.Problems[0])
	}
	return []string{r.Host, version, healthy, op, drift, logs}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

// Write renders the report in format f.
func Write(w io.Writer, r Report, f Format) error {
	switch f {
	case FormatMarkdown:
		return writeMarkdown(w, r)
	case FormatCSV:
		return writeCSV(w, r)
	default:
		return writeTable(w, r)
	}
}

func summary(r Report) string {
	how := "most common"
	if r.ExpectedGiven {
		how = "expected"
	}
	exp := r.Expected
	if exp == "" {
		exp = "none"
	}
	verdict := "clean"
	if !r.Clean() {
		verdict = "NOT clean"
	}
	return fmt.Sprintf("%d hosts, %s version %s: %d drifted, %d unhealthy; %s",
		r.Hosts, how, exp, r.Drifted, r.Unhealthy, verdict)
}

func writeTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(columns, "\t"))
	for _, row := range r.Rows {
		fmt.Fprintln(tw, strings.Join(oneLine(cells(row)), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, summary(r))
	return err
}

func writeMarkdown(w io.Writer, r Report) error {
	var b strings.Builder
	b.WriteString("| " + strings.Join(columns, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat("---|", len(columns)) + "\n")
	for _, row := range r.Rows {
		cs := oneLine(cells(row))
		for i, c := range cs {
			// A pipe in an error message would split the cell.
			cs[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cs, " | ") + " |\n")
	}
	b.WriteString("\n" + summary(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCSV has one column per fact (no prose), for spreadsheets and scripts.
func writeCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"host", "hostname", "platform", "version", "healthy", "last_operation", "drift", "drift_reason", "log_errors", "last_log_error", "expected"}); err != nil {
		return err
	}
	for _, row := range r.Rows {
		rec := []string{row.Host, row.Hostname, row.Platform, row.Version, strconv.FormatBool(row.Healthy), row.LastOperation,
			strconv.FormatBool(row.Drift), row.DriftReason, strconv.Itoa(row.LogErrors), row.LastLogError, r.Expected}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// oneLine keeps multi-line error messages from breaking table rows.
func oneLine(cs []string) []string {
	for i, c := range cs {
		cs[i] = strings.Join(strings.Fields(c), " ")
	}
	return cs
}

// maxCell keeps a table readable: error messages carry whole URLs, and the
// full text is in --json and --format csv.
const maxCell = 100

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxCell {
		return string(r[:maxCell-1]) + "…"
	}
	return s
}
