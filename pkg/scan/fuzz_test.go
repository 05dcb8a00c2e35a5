package scan

import (
	"strings"
	"testing"
)

func FuzzParseGoMod(f *testing.F) {
	f.Add([]byte("module example.com/m\n\ngo 1.21\n\nrequire example.com/a v1.0.0\n"))
	f.Add([]byte("// Deprecated: no\nmodule m\nretract [v1.0.0, v1.1.0]\nexclude a v1.0.0\nreplace a => ../a\n"))
	f.Add([]byte("module m\ntoolchain go1.23.4\ngodebug default=go1.21\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		mf, err := ParseGoMod("go.mod", data)
		if err != nil {
			if !strings.Contains(err.Error(), "go.mod") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		s := summaryFromFile(mf)
		if len(s.require) != len(mf.Require) {
			t.Errorf("summary kept %d of %d requirements", len(s.require), len(mf.Require))
		}
		if strict, err := ParseMainGoMod("go.mod", data); err == nil && strict.Module == nil {
			t.Error("strict parse accepted a go.mod without module line")
		}
	})
}

func FuzzParseGoWork(f *testing.F) {
	f.Add([]byte("go 1.21\n\nuse (\n\t./a\n\t./b\n)\n\nreplace x v1.0.0 => y v1.1.0\n"))
	f.Add([]byte("go 1.22\ntoolchain go1.22.3\nuse .\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		wf, err := ParseGoWork("go.work", data)
		if err != nil {
			if !strings.Contains(err.Error(), "go.work") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		for _, u := range wf.Use {
			if u.Path == "" {
				t.Error("use directive with an empty path accepted")
			}
		}
	})
}

func FuzzParseOSV(f *testing.F) {
	for _, s := range testVulnDB() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseOSV(data)
		if err != nil {
			return
		}
		if e.ID == "" {
			t.Fatal("accepted an entry without id")
		}
		for _, a := range e.Affected {
			// Matching must never panic on an accepted entry.
			e.affects(a.Package.Name, "v1.2.3")
			e.affects(a.Package.Name, "v0.0.0-20200101000000-abcdefabcdef")
		}
	})
}

func FuzzParseGoSum(f *testing.F) {
	f.Add([]byte("example.com/a v1.0.0 h1:abc=\nexample.com/a v1.0.0/go.mod h1:def=\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseGoSum(nil, "go.sum", data)
		if err != nil {
			return
		}
		for key, hs := range s.hashes {
			for _, h := range hs {
				if !strings.HasPrefix(h, "h1:") {
					t.Errorf("%s: accepted hash %q", key, h)
				}
			}
		}
	})
}
