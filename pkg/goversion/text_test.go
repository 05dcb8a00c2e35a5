package goversion

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	type record struct {
		Version Version `json:"version"`
		Wanted  Request `json:"wanted"`
		Pin     Pin     `json:"pin"`
	}
	in := record{Version: MustParse("1.22.5"), Pin: Pin{Raw: "1.22", File: "/repo/.go-version", Line: 1, Kind: PinGoVersion}}
	var err error
	if in.Wanted, err = ParseRequest(">=1.21, <1.23"); err != nil {
		t.Fatal(err)
	}
	if in.Pin.Request, err = ParseRequest("1.22"); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"version":"go1.22.5","wanted":"\u003e=1.21 \u003c1.23","pin":{"request":"1.22","raw":"1.22","file":"/repo/.go-version","line":1,"kind":".go-version"}}`
	if string(data) != want {
		t.Errorf("json = %s\nwant   %s", data, want)
	}
	var out record
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out.Version != in.Version || out.Wanted.String() != in.Wanted.String() || out.Wanted.Kind() != KindRange || out.Pin.Request.Kind() != KindLine {
		t.Errorf("round trip = %+v", out)
	}
	var zero record
	if err := json.Unmarshal([]byte(`{"version":"","wanted":""}`), &zero); err != nil || !zero.Version.IsZero() || !zero.Wanted.IsZero() {
		t.Errorf("empty strings: %+v, %v", zero, err)
	}
	if err := json.Unmarshal([]byte(`{"version":"go2"}`), &zero); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad version in JSON: %v, want ErrInvalid", err)
	}
	if err := json.Unmarshal([]byte(`{"wanted":">=banana"}`), &zero); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad request in JSON: %v, want ErrInvalid", err)
	}
}
