//go:build unix

package activate

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/tempdir"
)

// Environment of the helper processes of TestSetCurrentRace.
const (
	envRaceLink    = "GOVM_ACTIVATE_RACE_LINK"
	envRaceTargets = "GOVM_ACTIVATE_RACE_TARGETS"
	raceSwitches   = 300
)

// TestHelperRaceSwitcher is not a test: it is the child process of
// TestSetCurrentRace, switching the link back and forth.
func TestHelperRaceSwitcher(t *testing.T) {
	link := os.Getenv(envRaceLink)
	if link == "" {
		t.Skip("helper process for TestSetCurrentRace")
	}
	targets := strings.Split(os.Getenv(envRaceTargets), string(os.PathListSeparator))
	for i := range raceSwitches {
		if err := SetCurrent(link, targets[i%len(targets)]); err != nil {
			t.Fatalf("switch %d: %v", i, err)
		}
	}
}

// TestSetCurrentRace runs 8 processes switching one link between two
// targets while this process reads it: every read must find a link to one
// of the two, never nothing and never a dangling link.
func TestSetCurrentRace(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 8 processes")
	}
	home := tempdir.New(t)
	dirs := mkdirs(t, home, "versions/go1.22.5", "versions/go1.23.1")
	link := filepath.Join(home, "current")
	if err := SetCurrent(link, dirs[0]); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	done := make(chan struct{})
	for w := range workers {
		// Half the workers start on each target so the link really flips.
		order := []string{dirs[w%2], dirs[(w+1)%2]}
		cmd := exec.Command(exe, "-test.run=^TestHelperRaceSwitcher$", "-test.count=1")
		cmd.Env = append(os.Environ(), envRaceLink+"="+link,
			envRaceTargets+"="+strings.Join(order, string(os.PathListSeparator)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("worker %d: %v\n%s", w, err, out)
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	reads, seen := 0, map[string]int{}
	deadline := time.After(2 * time.Minute)
loop:
	for {
		select {
		case <-done:
			break loop
		case <-deadline:
			t.Fatal("workers did not finish in 2 minutes")
		default:
		}
		got, err := ReadCurrent(link)
		if err != nil {
			t.Fatalf("read %d during the race: %v", reads, err)
		}
		if got != dirs[0] && got != dirs[1] {
			t.Fatalf("read %d: link -> %q, neither target", reads, got)
		}
		seen[got]++
		reads++
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := ReadCurrent(link)
	if err != nil || (got != dirs[0] && got != dirs[1]) {
		t.Fatalf("after the race: %q, %v", got, err)
	}
	entries, _ := os.ReadDir(home)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary link left behind: %s", e.Name())
		}
	}
	t.Logf("%d reads during %d switches: %v", reads, workers*raceSwitches, seen)
}
