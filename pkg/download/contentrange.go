package download

import (
	"fmt"
	"strconv"
	"strings"
)

// contentRange is a parsed "Content-Range: bytes first-last/total" header.
// total is -1 when the server sends "*". An unsatisfied-range answer
// ("bytes */total") has first = last = -1.
type contentRange struct {
	first, last, total int64
}

// parseContentRange parses a Content-Range header of a byte range (RFC 9110
// section 14.4).
func parseContentRange(s string) (contentRange, error) {
	bad := func() (contentRange, error) {
		return contentRange{}, fmt.Errorf("parse Content-Range %q: not bytes first-last/total", s)
	}
	rest, ok := strings.CutPrefix(s, "bytes ")
	if !ok {
		return bad()
	}
	span, size, ok := strings.Cut(rest, "/")
	if !ok {
		return bad()
	}
	cr := contentRange{first: -1, last: -1, total: -1}
	if size != "*" {
		n, err := parseNonNegative(size)
		if err != nil {
			return bad()
		}
		cr.total = n
	}
	if span == "*" {
		if cr.total < 0 {
			return bad()
		}
		return cr, nil
	}
	a, b, ok := strings.Cut(span, "-")
	if !ok {
		return bad()
	}
	first, err1 := parseNonNegative(a)
	last, err2 := parseNonNegative(b)
	if err1 != nil || err2 != nil || last < first || (cr.total >= 0 && last >= cr.total) {
		return bad()
	}
	cr.first, cr.last = first, last
	return cr, nil
}

// parseNonNegative accepts only plain decimal digits: strconv alone would
// also take "+5".
func parseNonNegative(s string) (int64, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("not a decimal number: %q", s)
	}
	return strconv.ParseInt(s, 10, 64)
}
