package archive

import "testing"

func TestEntryPath(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		opts         Options
		dotSlash     bool
		want         string // "" means refused
	}{
		{name: "go/bin/go", prefix: "go/", want: "bin/go"},
		{name: "go/", prefix: "go/", want: "."},
		{name: "go", prefix: "go/", want: "."},
		{name: "go/src/", prefix: "go/", want: "src"},
		{name: "bin/go", want: "bin/go"},
		{name: "./go/x", prefix: "go/", dotSlash: true, want: "x"},
		{name: "./go/x", prefix: "go/"},
		{name: "go//x", prefix: "go/"},
		{name: "go/./x", prefix: "go/"},
		{name: "go/x/..", prefix: "go/"},
		{name: "", prefix: ""},
		{name: "/", prefix: ""},
		{name: "./", dotSlash: true},
		{name: "gox/y", prefix: "go/"},
		{name: "c:x"},
		{name: "ab:c/d", want: "ab:c/d"},
		{name: "ab:c/d", opts: Options{WindowsNames: true}},
		{name: "\xff\xfe"},
		{name: "go/con.d/x", prefix: "go/", want: "con.d/x"},
		{name: "go/con.d/x", prefix: "go/", opts: Options{WindowsNames: true}},
		{name: "go/ok.txt", prefix: "go/", opts: Options{WindowsNames: true}, want: "ok.txt"},
		{name: "go/console", prefix: "go/", opts: Options{WindowsNames: true}, want: "console"},
		{name: "go/com10", prefix: "go/", opts: Options{WindowsNames: true}, want: "com10"},
		{name: "go/COM0", prefix: "go/", opts: Options{WindowsNames: true}, want: "COM0"},
		{name: "go/.hidden", prefix: "go/", opts: Options{WindowsNames: true}, want: ".hidden"},
		{name: "go/x.", prefix: "go/", want: "x."},
	} {
		o := tc.opts
		got, err := entryPath(tc.name, tc.prefix, &o, tc.dotSlash)
		if tc.want == "" {
			if err == nil {
				t.Errorf("entryPath(%q, %q) = %q, want refusal", tc.name, tc.prefix, got)
			} else if err.Entry != tc.name {
				t.Errorf("entryPath(%q): error names %q", tc.name, err.Entry)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("entryPath(%q, %q) = %q, %v; want %q", tc.name, tc.prefix, got, err, tc.want)
		}
	}
}

func TestResolveInside(t *testing.T) {
	for _, tc := range []struct {
		links  map[string]string
		link   string
		inside bool
	}{
		{map[string]string{"a": "b"}, "a", true},
		{map[string]string{"d/a": "../b"}, "d/a", true},
		{map[string]string{"d/a": "../../b"}, "d/a", false},
		{map[string]string{"a": ".."}, "a", false},
		{map[string]string{"a": "."}, "a", true},
		{map[string]string{"d/up": "..", "t": "d/up/.."}, "t", false},
		{map[string]string{"d/up": "..", "t": "d/up/x"}, "t", true},
		{map[string]string{"d/e/up": "../..", "d/t": "e/up/.."}, "d/t", false},
		{map[string]string{"x": "y", "y": "x"}, "x", false},
		{map[string]string{"x": "y", "y": "/etc"}, "x", false},
		{map[string]string{"a": "b//c/./d"}, "a", true},
	} {
		if got := resolveInside(tc.links, tc.link); got != tc.inside {
			t.Errorf("resolveInside(%v, %q) = %v, want %v", tc.links, tc.link, got, tc.inside)
		}
	}
}

func TestIsModuleExecutable(t *testing.T) {
	for rel, want := range map[string]bool{
		"bin/go":                         true,
		"bin/gofmt.exe":                  true,
		"bin/sub/x":                      false,
		"pkg/tool/linux_amd64/compile":   true,
		"pkg/tool/linux_amd64/x/y":       false,
		"pkg/tool/compile":               false,
		"src/cmd/go/testdata/bin/x":      false,
		"pkg/include/textflag.h":         false,
		"misc/wasm/go_js_wasm_exec":      false,
		"pkg/tool/windows_amd64/vet.exe": true,
	} {
		if got := isModuleExecutable(rel); got != want {
			t.Errorf("isModuleExecutable(%q) = %v", rel, got)
		}
	}
}

func TestFold(t *testing.T) {
	for _, tc := range [][2]string{{"README", "readme"}, {"Ärger", "äRGER"}, {"straße", "STRAßE"}} {
		if fold(tc[0]) != fold(tc[1]) {
			t.Errorf("fold(%q) != fold(%q)", tc[0], tc[1])
		}
	}
	// Full case folding would equate these; NTFS does not.
	if fold("straße") == fold("STRASSE") {
		t.Error("fold applies full case folding")
	}
}
