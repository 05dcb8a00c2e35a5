package proc

import (
	"runtime"
	"slices"
	"testing"
)

func TestEnvWith(t *testing.T) {
	tests := []struct {
		name  string
		goos  string
		env   []string
		set   map[string]string
		unset []string
		want  []string
	}{
		{
			name:  "govm exec: set GOTOOLCHAIN, drop GOROOT",
			goos:  "linux",
			env:   []string{"HOME=/h", "GOROOT=/old/go", "GOTOOLCHAIN=auto", "PATH=/bin"},
			set:   map[string]string{"GOTOOLCHAIN": "local"},
			unset: []string{"GOROOT"},
			want:  []string{"HOME=/h", "GOTOOLCHAIN=local", "PATH=/bin"},
		},
		{
			name: "new keys are appended in sorted order",
			goos: "linux",
			env:  []string{"A=1"},
			set:  map[string]string{"Z": "z", "B": "b=with=equals", "EMPTY": ""},
			want: []string{"A=1", "B=b=with=equals", "EMPTY=", "Z=z"},
		},
		{
			name:  "Unix keys are case-sensitive",
			goos:  "darwin",
			env:   []string{"goroot=/keep", "GOROOT=/drop", "Path=/keep"},
			set:   map[string]string{"PATH": "/new"},
			unset: []string{"GOROOT"},
			want:  []string{"goroot=/keep", "Path=/keep", "PATH=/new"},
		},
		{
			name:  "Windows keys fold case and keep the existing spelling",
			goos:  "windows",
			env:   []string{"Path=C:\\bin", "GoRoot=C:\\Go", "gotoolchain=auto"},
			set:   map[string]string{"GOTOOLCHAIN": "local"},
			unset: []string{"GOROOT"},
			want:  []string{"Path=C:\\bin", "gotoolchain=local"},
		},
		{
			name: "duplicates of a set key collapse into the first position",
			goos: "windows",
			env:  []string{"GOTOOLCHAIN=auto", "X=1", "GoToolchain=go1.21.0"},
			set:  map[string]string{"GOTOOLCHAIN": "local"},
			want: []string{"GOTOOLCHAIN=local", "X=1"},
		},
		{
			name:  "every duplicate of an unset key goes",
			goos:  "linux",
			env:   []string{"GOROOT=/a", "X=1", "GOROOT=/b"},
			unset: []string{"GOROOT"},
			want:  []string{"X=1"},
		},
		{
			name:  "a key both set and unset is set",
			goos:  "linux",
			env:   []string{"K=old"},
			set:   map[string]string{"K": "new"},
			unset: []string{"K"},
			want:  []string{"K=new"},
		},
		{
			name: "Windows drive-directory entries and malformed entries survive",
			goos: "windows",
			env:  []string{"=C:=C:\\src", "noequals", "=D:=D:\\"},
			set:  map[string]string{"=C:": "C:\\new"},
			want: []string{"=C:=C:\\new", "noequals", "=D:=D:\\"},
		},
		{
			name: "nil env",
			goos: "linux",
			set:  map[string]string{"GOTOOLCHAIN": "local"},
			want: []string{"GOTOOLCHAIN=local"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.env)
			got := envWith(tt.goos, in, tt.set, tt.unset)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(in, tt.env) {
				t.Errorf("input modified: %q", in)
			}
		})
	}
}

func TestPrependPath(t *testing.T) {
	tests := []struct {
		name string
		goos string
		env  []string
		dir  string
		want []string
	}{
		{
			name: "Unix: prepend",
			goos: "linux",
			env:  []string{"HOME=/h", "PATH=/usr/bin:/bin"},
			dir:  "/g/current/bin",
			want: []string{"HOME=/h", "PATH=/g/current/bin:/usr/bin:/bin"},
		},
		{
			name: "Unix: existing occurrences move to the front, trailing slash ignored",
			goos: "linux",
			env:  []string{"PATH=/usr/bin:/g/bin/:/bin:/g/bin"},
			dir:  "/g/bin",
			want: []string{"PATH=/g/bin:/usr/bin:/bin"},
		},
		{
			name: "Unix: case matters and empty elements (the cwd) are kept",
			goos: "linux",
			env:  []string{"PATH=/G/BIN::/bin:"},
			dir:  "/g/bin",
			want: []string{"PATH=/g/bin:/G/BIN::/bin:"},
		},
		{
			name: "Unix: Path is not PATH",
			goos: "linux",
			env:  []string{"Path=/x"},
			dir:  "/g/bin",
			want: []string{"Path=/x", "PATH=/g/bin"},
		},
		{
			name: "Unix: duplicate PATH entries merge, last value wins",
			goos: "linux",
			env:  []string{"PATH=/first", "A=1", "PATH=/second"},
			dir:  "/g/bin",
			want: []string{"PATH=/g/bin:/second", "A=1"},
		},
		{
			name: "Unix: no PATH at all",
			goos: "linux",
			env:  []string{"A=1"},
			dir:  "/g/bin",
			want: []string{"A=1", "PATH=/g/bin"},
		},
		{
			name: "Unix: empty PATH",
			goos: "linux",
			env:  []string{"PATH="},
			dir:  "/g/bin",
			want: []string{"PATH=/g/bin"},
		},
		{
			name: "Windows: Path spelling kept, separator ;",
			goos: "windows",
			env:  []string{`Path=C:\Windows;C:\Go\bin`},
			dir:  `C:\Users\me\AppData\Local\govm\current\bin`,
			want: []string{`Path=C:\Users\me\AppData\Local\govm\current\bin;C:\Windows;C:\Go\bin`},
		},
		{
			name: "Windows: occurrences differing in case, slashes, quotes or trailing \\ are removed",
			goos: "windows",
			env:  []string{`PATH=c:\g\BIN\;C:\Windows;"C:\g\bin";C:/g/bin;C:\g\bin2`},
			dir:  `C:\g\bin`,
			want: []string{`PATH=C:\g\bin;C:\Windows;C:\g\bin2`},
		},
		{
			name: "Windows: Path and PATH merge into the first, last value wins",
			goos: "windows",
			env:  []string{`Path=C:\old`, `X=1`, `PATH=C:\Windows`},
			dir:  `C:\g\bin`,
			want: []string{`Path=C:\g\bin;C:\Windows`, `X=1`},
		},
		{
			name: "Windows: no Path at all",
			goos: "windows",
			env:  []string{`=C:=C:\src`},
			dir:  `C:\g\bin`,
			want: []string{`=C:=C:\src`, `Path=C:\g\bin`},
		},
		{
			name: "Windows: a directory holding ; is quoted",
			goos: "windows",
			env:  []string{`Path=C:\Windows`},
			dir:  `C:\odd;dir\bin`,
			want: []string{`Path="C:\odd;dir\bin";C:\Windows`},
		},
		{
			name: "Windows: drive root keeps its backslash when compared",
			goos: "windows",
			env:  []string{`Path=D:\;C:\x`},
			dir:  `D:\`,
			want: []string{`Path=D:\;C:\x`},
		},
		{
			name: "empty dir changes nothing",
			goos: "linux",
			env:  []string{"PATH=/bin"},
			dir:  "",
			want: []string{"PATH=/bin"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.env)
			got := prependPath(tt.goos, in, tt.dir)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if !slices.Equal(in, tt.env) {
				t.Errorf("input modified: %q", in)
			}
		})
	}
}

// TestHostRules checks that the exported functions use this OS's rules.
func TestHostRules(t *testing.T) {
	r := rulesFor(runtime.GOOS)
	got := PrependPath([]string{"PATH=x"}, "d")
	if want := []string{"PATH=d" + r.sep + "x"}; !slices.Equal(got, want) {
		t.Errorf("PrependPath = %q, want %q", got, want)
	}
	got = EnvWith([]string{"goroot=a"}, nil, "GOROOT")
	if r.fold != (len(got) == 0) {
		t.Errorf("EnvWith unset GOROOT from goroot=a: %q (case-insensitive: %v)", got, r.fold)
	}
}
