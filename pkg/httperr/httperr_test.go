package httperr_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/govm-dev/govm/pkg/httperr"
)

func TestStatusErrorClassifies(t *testing.T) {
	all := []error{httperr.ErrNotFound, httperr.ErrUnavailable, httperr.ErrUnauthorized, httperr.ErrRateLimited, httperr.ErrServer}
	for _, tc := range []struct {
		code int
		want []error // every sentinel it matches; it matches no other
		msg  string  // part of the message: the answer, then the way out
	}{
		{404, []error{httperr.ErrNotFound}, "404 Not Found"},
		{410, []error{httperr.ErrNotFound}, "410 Gone"},
		{401, []error{httperr.ErrUnauthorized, httperr.ErrUnavailable}, "401 Unauthorized; the server refused access: check the credentials"},
		{403, []error{httperr.ErrUnauthorized, httperr.ErrUnavailable}, "403 Forbidden; the server refused access"},
		{407, []error{httperr.ErrUnauthorized, httperr.ErrUnavailable}, "407 Proxy Authentication Required; the server refused access"},
		{429, []error{httperr.ErrRateLimited, httperr.ErrUnavailable}, "429 Too Many Requests; the server is limiting requests: wait"},
		{500, []error{httperr.ErrServer, httperr.ErrUnavailable}, "500 Internal Server Error; the server failed: try again later"},
		{503, []error{httperr.ErrServer, httperr.ErrUnavailable}, "503 Service Unavailable; the server failed"},
		{400, []error{httperr.ErrUnavailable}, "400 Bad Request"},
		{418, []error{httperr.ErrUnavailable}, "418 I'm a teapot"},
		{299, []error{httperr.ErrUnavailable}, "299 (unknown status)"},
	} {
		url := "https://proxy.example.com/golang.org/toolchain/@v/list"
		// Wrapped as callers wrap it: classification survives.
		err := fmt.Errorf("list toolchains: %w", &httperr.StatusError{URL: url, Code: tc.code})
		for _, s := range all {
			want := false
			for _, w := range tc.want {
				want = want || w == s
			}
			if errors.Is(err, s) != want {
				t.Errorf("%d: errors.Is(%v) = %v, want %v", tc.code, s, !want, want)
			}
		}
		if msg := err.Error(); !strings.Contains(msg, "GET "+url+": ") || !strings.Contains(msg, tc.msg) {
			t.Errorf("%d: message %q, want the URL and %q", tc.code, msg, tc.msg)
		}
		var se *httperr.StatusError
		if !errors.As(err, &se) || se.Code != tc.code {
			t.Errorf("%d: errors.As found %v", tc.code, se)
		}
	}
}

func TestStatusErrorHidesPassword(t *testing.T) {
	err := &httperr.StatusError{URL: "https://me:s3cret@proxy.example.com/mod/@v/list", Code: 403}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || !strings.Contains(msg, "https://me:xxxxx@proxy.example.com/mod/@v/list") {
		t.Errorf("message %q shows the password or not the URL", msg)
	}
	if err.URL != "https://me:s3cret@proxy.example.com/mod/@v/list" {
		t.Errorf("URL field changed: %s", err.URL)
	}
}
