package selfupdate

import (
	"strings"
	"testing"
)

const sumA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
const sumB = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

func TestParseChecksums(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    map[string]string
		wantErr string
	}{
		{"goreleaser", sumA + "  govm_1.2.3_linux_amd64.tar.gz\n" + sumB + "  govm_1.2.3_windows_amd64.zip\n",
			map[string]string{"govm_1.2.3_linux_amd64.tar.gz": sumA, "govm_1.2.3_windows_amd64.zip": strings.ToLower(sumB)}, ""},
		{"binary mode and CRLF", sumA + " *govm.zip\r\n\r\n", map[string]string{"govm.zip": sumA}, ""},
		{"same line twice", sumA + "  x\n" + sumA + "  x\n", map[string]string{"x": sumA}, ""},
		{"conflicting sums", sumA + "  x\n" + sumB + "  x\n", nil, "listed twice"},
		{"short hash", "abcd  x\n", nil, "not a SHA-256"},
		{"no name", sumA + "\n", nil, "want"},
		{"path in name", sumA + "  ../x\n", nil, "want"},
		{"empty", "\n\n", nil, "no entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChecksums([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: %s, want %s", k, got[k], v)
				}
			}
		})
	}
}

func TestParseAssetName(t *testing.T) {
	tests := []struct {
		in   string
		want Asset
		ok   bool
	}{
		{"govm_1.2.3_linux_amd64.tar.gz", Asset{"1.2.3", "linux", "amd64", ".tar.gz"}, true},
		{"govm_1.2.3-rc.1_windows_arm64.zip", Asset{"1.2.3-rc.1", "windows", "arm64", ".zip"}, true},
		{"govm_1.2.3_linux_amd64.tar.gz.sbom.json", Asset{}, false},
		{"govm_1.2.3_linux.tar.gz", Asset{}, false},
		{"other_1.2.3_linux_amd64.tar.gz", Asset{}, false},
		{"govm__linux_amd64.zip", Asset{}, false},
		{"checksums.txt", Asset{}, false},
	}
	for _, tt := range tests {
		got, err := ParseAssetName(tt.in)
		if (err == nil) != tt.ok || got != tt.want && tt.ok {
			t.Errorf("ParseAssetName(%q) = %+v, %v; want %+v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestNewer(t *testing.T) {
	tests := []struct {
		latest, current string
		want            bool
	}{
		{"1.2.4", "v1.2.3", true},
		{"1.2.3", "1.2.3", false},
		{"1.2.3", "v1.3.0", false},
		{"1.2.3", "devel", true},
		{"1.2.3", "1.2.3-snapshot", true},
		{"1.10.0", "1.9.9", true},
		{"garbage", "devel", false},
	}
	for _, tt := range tests {
		if got := newer(tt.latest, tt.current); got != tt.want {
			t.Errorf("newer(%q, %q) = %v, want %v", tt.latest, tt.current, got, tt.want)
		}
	}
}

func FuzzParseChecksums(f *testing.F) {
	f.Add([]byte(sumA + "  govm_1.2.3_linux_amd64.tar.gz\n"))
	f.Add([]byte(sumB + " *x\r\n"))
	f.Add([]byte("\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sums, err := ParseChecksums(data)
		if err != nil {
			return
		}
		for name, sum := range sums {
			if name == "" || strings.ContainsAny(name, "/\\") || len(sum) != 64 || sum != strings.ToLower(sum) {
				t.Fatalf("accepted %q -> %q", name, sum)
			}
		}
	})
}

func FuzzParseAssetName(f *testing.F) {
	f.Add("govm_1.2.3_linux_amd64.tar.gz")
	f.Add("govm_1_2_3.zip")
	f.Fuzz(func(t *testing.T, name string) {
		a, err := ParseAssetName(name)
		if err != nil {
			return
		}
		if "govm_"+a.Version+"_"+a.OS+"_"+a.Arch+a.Ext != name {
			t.Fatalf("%q parsed to %+v, which does not spell it back", name, a)
		}
	})
}
