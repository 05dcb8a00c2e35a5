package download

import "testing"

func TestParseContentRange(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want contentRange
		bad  bool
	}{
		{in: "bytes 100-199/200", want: contentRange{100, 199, 200}},
		{in: "bytes 0-0/1", want: contentRange{0, 0, 1}},
		{in: "bytes 5-9/*", want: contentRange{5, 9, -1}},
		{in: "bytes */4096", want: contentRange{-1, -1, 4096}},
		{in: "bytes */*", bad: true},
		{in: "bytes 100-199/150", bad: true},
		{in: "bytes 200-100/300", bad: true},
		{in: "bytes +1-5/10", bad: true},
		{in: "bytes -1-5/10", bad: true},
		{in: "bytes=100-199/200", bad: true},
		{in: "items 0-1/2", bad: true},
		{in: "bytes 0-1", bad: true},
		{in: "bytes 0-99999999999999999999/100000000000000000000", bad: true},
		{in: "", bad: true},
	} {
		got, err := parseContentRange(tc.in)
		if tc.bad != (err != nil) || (!tc.bad && got != tc.want) {
			t.Errorf("parseContentRange(%q) = %+v, %v; want %+v, bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-9/10", "bytes */10", "bytes 5-9/*", "bytes 9-5/10", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cr, err := parseContentRange(s)
		if err != nil {
			return
		}
		// What Fetch relies on: a satisfied range is ordered and inside the
		// total; an unsatisfied one carries a total.
		if cr.first < 0 {
			if cr.first != -1 || cr.last != -1 || cr.total < 0 {
				t.Fatalf("%q parsed to inconsistent %+v", s, cr)
			}
			return
		}
		if cr.last < cr.first || (cr.total >= 0 && cr.last >= cr.total) || cr.total < -1 {
			t.Fatalf("%q parsed to inconsistent %+v", s, cr)
		}
	})
}
