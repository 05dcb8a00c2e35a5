//go:build unix

package pathenv

import (
	"errors"
	"fmt"
	"strings"
)

// The markers delimit the lines govm owns in a file it shares with the user.
// They are the same in every shell language because all of them use '#'.
const (
	MarkerStart = "# >>> govm >>>"
	MarkerEnd   = "# <<< govm <<<"
)

// ErrMalformedBlock is returned when a file holds a start marker without its
// end marker (or the reverse): govm will not guess which lines are its own.
var ErrMalformedBlock = errors.New("malformed govm block")

// blockSpan locates govm's block in text: start is the offset of the start
// marker line, end the offset just past the end marker line (its newline
// included when there is one). found is false when there is no block.
func blockSpan(text string) (start, end int, found bool, err error) {
	start = markerLine(text, MarkerStart, 0)
	endLine := markerLine(text, MarkerEnd, 0)
	if start < 0 && endLine < 0 {
		return 0, 0, false, nil
	}
	if start < 0 || endLine < 0 || endLine < start {
		return 0, 0, false, fmt.Errorf("%w: want %q followed by %q on lines of their own", ErrMalformedBlock, MarkerStart, MarkerEnd)
	}
	end = endLine + len(MarkerEnd)
	if end < len(text) && text[end] == '\n' {
		end++
	} else if end+1 < len(text) && text[end] == '\r' && text[end+1] == '\n' {
		end += 2
	}
	return start, end, true, nil
}

// markerLine returns the offset of the first line at or after from that is
// exactly marker (a trailing '\r' tolerated), or -1.
func markerLine(text, marker string, from int) int {
	for from <= len(text) {
		i := strings.Index(text[from:], marker)
		if i < 0 {
			return -1
		}
		at := from + i
		after := at + len(marker)
		lineStart := at == 0 || text[at-1] == '\n'
		lineEnd := after == len(text) || text[after] == '\n' ||
			(text[after] == '\r' && (after+1 == len(text) || text[after+1] == '\n'))
		if lineStart && lineEnd {
			return at
		}
		from = after
	}
	return -1
}

// withBlock returns text with block (which starts with MarkerStart and ends
// with MarkerEnd and a newline) in it: replacing an existing block in place,
// or appended at the end so that it comes after the user's own PATH edits.
// A file that did not end with a newline gets one before the block and the
// block loses its final newline, which is how withoutBlock knows to take
// that newline away again.
func withBlock(text, block string) (string, error) {
	start, end, found, err := blockSpan(text)
	if err != nil {
		return "", err
	}
	if found {
		replacement := block
		if end == len(text) && !strings.HasSuffix(text, "\n") {
			replacement = strings.TrimSuffix(block, "\n")
		}
		return text[:start] + replacement + text[end:], nil
	}
	if text == "" || strings.HasSuffix(text, "\n") {
		return text + block, nil
	}
	return text + "\n" + strings.TrimSuffix(block, "\n"), nil
}

// withoutBlock returns text without govm's block and reports whether there
// was one. It is the exact inverse of withBlock on a text without a block.
func withoutBlock(text string) (string, bool, error) {
	start, end, found, err := blockSpan(text)
	if err != nil || !found {
		return text, false, err
	}
	if end == len(text) && !strings.HasSuffix(text, "\n") && start > 0 && text[start-1] == '\n' {
		start--
	}
	return text[:start] + text[end:], true, nil
}
