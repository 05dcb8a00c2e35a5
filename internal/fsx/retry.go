package fsx

import (
	"os"
	"time"
)

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

// ReadFile is os.ReadFile, retried for up to about 2 s where the failure is
// transient: on Windows a reader that races WriteFileAtomic's replacing
// rename, or a scanner, gets ERROR_SHARING_VIOLATION or ERROR_ACCESS_DENIED
// for a moment, where on Unix it reads the old file or the new one. Files
// other processes replace (state, tree heads, records, caches) are read
// with it. A missing file is reported at once.
func ReadFile(path string) ([]byte, error) {
	var data []byte
	err := retry(retryBudget, isTransient, func() (err error) {
		data, err = os.ReadFile(path)
		return err
	})
	return data, err
}
