package cli_test

import (
	"os"
	"testing"

	"github.com/govm-dev/govm/internal/testutil/fakegodev"
)

// TestPrepareBenchHome fills the home named by GOVM_BENCH_HOME with two
// installed fake toolchains (go1.22.5 active, go1.21.13) and shims, for
// .ci/bench/switch.sh to time ensure, use and the shim with hyperfine. It
// does nothing unless that variable is set.
func TestPrepareBenchHome(t *testing.T) {
	home := os.Getenv("GOVM_BENCH_HOME")
	if home == "" {
		t.Skip("GOVM_BENCH_HOME not set: only .ci/bench/switch.sh runs this")
	}
	fx := loadFixtures(t)
	srv := fakegodev.New(t, fx.releases, fx.godevFiles)
	for _, args := range [][]string{
		{"install", "1.22.5", "1.21.13"},
		{"use", "1.21.13"},
		{"use", "1.22.5"},
	} {
		if out, err := govmCmd(t, home, srv, args...).CombinedOutput(); err != nil {
			t.Fatalf("govm %v: %v\n%s", args, err, out)
		}
	}
}
