package fsx

import (
	"errors"
	"testing"
	"time"
)

var errBusy = errors.New("busy")

func onlyBusy(err error) bool { return errors.Is(err, errBusy) }

func TestRetry(t *testing.T) {
	errFatal := errors.New("fatal")
	tests := []struct {
		name      string
		failures  []error // returned by successive calls, then nil
		budget    time.Duration
		wantErr   error
		wantCalls int
	}{
		{"first try succeeds", nil, time.Second, nil, 1},
		{"transient then success", []error{errBusy, errBusy}, time.Second, nil, 3},
		{"permanent error is not retried", []error{errFatal, errBusy}, time.Second, errFatal, 1},
		{"transient then permanent", []error{errBusy, errFatal}, time.Second, errFatal, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := retry(tc.budget, onlyBusy, func() error {
				calls++
				if calls <= len(tc.failures) {
					return tc.failures[calls-1]
				}
				return nil
			})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if calls != tc.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tc.wantCalls)
			}
		})
	}
}

func TestRetryGivesUpAfterBudget(t *testing.T) {
	start := time.Now()
	calls := 0
	err := retry(150*time.Millisecond, onlyBusy, func() error { calls++; return errBusy })
	elapsed := time.Since(start)
	if !errors.Is(err, errBusy) {
		t.Fatalf("err = %v, want the last transient error", err)
	}
	if elapsed < 150*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("gave up after %v, want just over the 150ms budget", elapsed)
	}
	if calls < 3 {
		t.Errorf("only %d attempts within the budget; backoff should start small", calls)
	}
}
