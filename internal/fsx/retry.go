package fsx

import "time"

// retryBudget bounds how long a transiently failing operation is retried.
// Antivirus scanners usually release a fresh file within a few hundred
// milliseconds; Go's own cmd/internal/robustio settles on about 2 s too.
const retryBudget = 2 * time.Second

// retry runs op until it succeeds, fails with an error transient does not
// accept, or budget has elapsed, sleeping with exponential backoff between
// attempts. It returns op's last error. transient is a parameter so the
// backoff logic can be exercised on every platform.
func retry(budget time.Duration, transient func(error) bool, op func() error) error {
	deadline := time.Now().Add(budget)
	delay := time.Millisecond
	for {
		err := op()
		if err == nil || !transient(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, 100*time.Millisecond)
	}
}
