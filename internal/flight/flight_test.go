package flight

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrentCallsShareOneRun(t *testing.T) {
	var g Group[string, int]
	var runs atomic.Int32
	release := make(chan struct{})
	fn := func(context.Context) (int, error) {
		runs.Add(1)
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	results := make([]int, 8)
	wg.Add(1)
	go func() {
		defer wg.Done()
		results[0], _ = g.Do(context.Background(), "k", fn)
	}()
	waitRuns(t, &runs, 1)
	for i := 1; i < len(results); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = g.Do(context.Background(), "k", fn)
		}()
	}
	waitWaiters(t, &g, "k", len(results)-1)
	close(release)
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Errorf("fn ran %d times for concurrent callers, want 1", n)
	}
	for i, r := range results {
		if r != 42 {
			t.Errorf("caller %d got %d, want 42", i, r)
		}
	}
}

func TestKeep(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name     string
		keep     Retention
		err      error
		wantRuns int32
	}{
		{"in flight only: a later call runs again", InFlight, nil, 2},
		{"in flight only: error", InFlight, boom, 2},
		{"values: result kept", KeepValues, nil, 1},
		{"values: error not kept", KeepValues, boom, 2},
		{"all: result kept", KeepAll, nil, 1},
		{"all: error kept", KeepAll, boom, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Group[int, string]{Keep: tt.keep}
			var runs atomic.Int32
			fn := func(context.Context) (string, error) {
				runs.Add(1)
				return "v", tt.err
			}
			for range 2 {
				v, err := g.Do(context.Background(), 1, fn)
				if v != "v" || !errors.Is(err, tt.err) {
					t.Fatalf("Do = %q, %v; want v, %v", v, err, tt.err)
				}
			}
			if n := runs.Load(); n != tt.wantRuns {
				t.Errorf("fn ran %d times, want %d", n, tt.wantRuns)
			}
		})
	}
}

// A runner whose context is cancelled must not hand its cancellation to a
// waiter that is still live, nor have it remembered.
func TestCancelledRunnerIsRetried(t *testing.T) {
	g := Group[string, int]{Keep: KeepAll}
	var runs atomic.Int32
	runnerCtx, cancel := context.WithCancel(context.Background())
	fn := func(ctx context.Context) (int, error) {
		if runs.Add(1) == 1 {
			<-ctx.Done()
			return 0, ctx.Err()
		}
		return 7, nil
	}
	runnerDone := make(chan error, 1)
	go func() {
		_, err := g.Do(runnerCtx, "k", fn)
		runnerDone <- err
	}()
	waitRuns(t, &runs, 1)
	waiterDone := make(chan int, 1)
	go func() {
		v, err := g.Do(context.Background(), "k", fn)
		if err != nil {
			t.Errorf("live waiter got %v", err)
		}
		waiterDone <- v
	}()
	waitWaiters(t, &g, "k", 1)
	cancel()
	if err := <-runnerDone; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled runner got %v, want context.Canceled", err)
	}
	if v := <-waiterDone; v != 7 {
		t.Errorf("live waiter got %d, want 7 from its own run", v)
	}
	if v, err := g.Do(context.Background(), "k", fn); v != 7 || err != nil || runs.Load() != 2 {
		t.Errorf("after the retry: Do = %d, %v with %d runs; want the kept 7 and 2 runs", v, err, runs.Load())
	}
}

func TestWaiterGivesUpWithItsContext(t *testing.T) {
	var g Group[string, int]
	var runs atomic.Int32
	release := make(chan struct{})
	defer close(release)
	go g.Do(context.Background(), "k", func(context.Context) (int, error) {
		runs.Add(1)
		<-release
		return 1, nil
	})
	waitRuns(t, &runs, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Do(ctx, "k", func(context.Context) (int, error) { return 2, nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("waiter with a cancelled context got %v, want context.Canceled", err)
	}
}

func waitRuns(t *testing.T, runs *atomic.Int32, n int32) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); runs.Load() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("fn did not start")
		}
	}
}

// waitWaiters returns once n callers wait on the call in flight for key.
func waitWaiters[K comparable, V any](t *testing.T, g *Group[K, V], key K, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		c := g.m[key]
		got := c != nil && c.waiters >= n
		g.mu.Unlock()
		if got {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiters did not arrive", n)
		}
	}
}
