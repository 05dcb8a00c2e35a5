//go:build unix

package pathenv

import (
	"errors"
	"strings"
	"testing"
)

const testBlock = MarkerStart + "\nline\n" + MarkerEnd + "\n"

func TestWithBlockAndBack(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty file", "", testBlock},
		{"ends with newline", "a\n", "a\n" + testBlock},
		{"no final newline", "a", "a\n" + strings.TrimSuffix(testBlock, "\n")},
		{"crlf file", "a\r\nb\r\n", "a\r\nb\r\n" + testBlock},
		{"marker text inside a line is not a marker", "echo '" + MarkerStart + "'\n", "echo '" + MarkerStart + "'\n" + testBlock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := withBlock(tt.text, testBlock)
			if err != nil || got != tt.want {
				t.Fatalf("withBlock = %q, %v; want %q", got, err, tt.want)
			}
			again, err := withBlock(got, testBlock)
			if err != nil || again != got {
				t.Errorf("second withBlock = %q, %v", again, err)
			}
			back, found, err := withoutBlock(got)
			if err != nil || !found || back != tt.text {
				t.Errorf("withoutBlock = %q, %v, %v; want %q", back, found, err, tt.text)
			}
		})
	}
}

func TestWithBlockReplacesInPlace(t *testing.T) {
	old := "a\n" + MarkerStart + "\nold\n" + MarkerEnd + "\nb\n"
	got, err := withBlock(old, testBlock)
	if want := "a\n" + testBlock + "b\n"; err != nil || got != want {
		t.Errorf("withBlock = %q, %v; want %q", got, err, want)
	}
	back, _, _ := withoutBlock(got)
	if back != "a\nb\n" {
		t.Errorf("withoutBlock = %q", back)
	}
	crlf := "a\r\n" + MarkerStart + "\r\nold\r\n" + MarkerEnd + "\r\nb\r\n"
	back, found, err := withoutBlock(crlf)
	if err != nil || !found || back != "a\r\nb\r\n" {
		t.Errorf("withoutBlock(crlf) = %q, %v, %v", back, found, err)
	}
}

func TestMalformedBlock(t *testing.T) {
	for _, text := range []string{
		"a\n" + MarkerStart + "\nb\n",
		"a\n" + MarkerEnd + "\nb\n",
		MarkerEnd + "\n" + MarkerStart + "\n",
	} {
		if _, err := withBlock(text, testBlock); !errors.Is(err, ErrMalformedBlock) {
			t.Errorf("withBlock(%q) error = %v, want ErrMalformedBlock", text, err)
		}
		if _, _, err := withoutBlock(text); !errors.Is(err, ErrMalformedBlock) {
			t.Errorf("withoutBlock(%q) error = %v, want ErrMalformedBlock", text, err)
		}
	}
}

// An rc file is the user's: whatever it holds, adding the block and taking it
// away again gives back every byte.
func FuzzBlockRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a", "a\n", "a\r\n", "#\n" + MarkerStart, "x\n" + MarkerEnd + "\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, _, found, err := blockSpan(text); found || err != nil {
			if _, _, err := withoutBlock(text); err != nil && !errors.Is(err, ErrMalformedBlock) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		with, err := withBlock(text, testBlock)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := withBlock(with, testBlock); again != with {
			t.Fatalf("not idempotent on %q", text)
		}
		back, found, err := withoutBlock(with)
		if err != nil || !found || back != text {
			t.Fatalf("round trip of %q gave %q (%v, %v)", text, back, found, err)
		}
	})
}
