package fsx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// ErrUnlocked is returned by Unlock when the lock was already released.
var ErrUnlocked = errors.New("lock already released")

// FileLock is an exclusive advisory lock on a lock file, held through an
// open handle: flock(2) on Unix, LockFileEx on Windows. The operating system
// releases it when the handle is closed, including when the holding process
// crashes or is killed, so a lock can never be left behind by a dead
// process. Locks exclude each other across processes and also between two
// FileLocks of one process. Lock files are never deleted: removing one
// while another process waits on it would let two processes "hold" it.
type FileLock struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// pollInterval bounds the wait between attempts while Lock waits. Polling
// keeps cancellation exact: a blocking lock call in a goroutine could not be
// abandoned without leaking a handle that later acquires the lock.
const pollInterval = 50 * time.Millisecond

// Lock acquires the exclusive lock on path, waiting while another holder
// has it, until ctx is done. It creates path and its parent directories if
// needed. The error wraps ctx.Err() when ctx ended the wait.
func Lock(ctx context.Context, path string) (*FileLock, error) {
	delay := time.Millisecond
	for {
		l, ok, err := TryLock(path)
		if err != nil {
			return nil, err
		}
		if ok {
			return l, nil
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, pollInterval)
	}
}

// TryLock acquires the exclusive lock on path if it is free and reports
// false, without waiting, when another holder has it. It creates path and
// its parent directories if needed.
func TryLock(path string) (*FileLock, bool, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", path, err)
	}
	ok, err := tryLockFile(f)
	if err != nil || !ok {
		f.Close()
		if err != nil {
			return nil, false, fmt.Errorf("lock %s: %w", path, err)
		}
		return nil, false, nil
	}
	return &FileLock{f: f, path: path}, true, nil
}

// Path returns the lock file's path.
func (l *FileLock) Path() string { return l.path }

// Unlock releases the lock. It returns ErrUnlocked when called again.
func (l *FileLock) Unlock() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return fmt.Errorf("unlock %s: %w", l.path, ErrUnlocked)
	}
	f := l.f
	l.f = nil
	uerr := unlockFile(f)
	cerr := f.Close()
	if err := errors.Join(uerr, cerr); err != nil {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	return nil
}
