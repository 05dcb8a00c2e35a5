package download

import (
	"context"
	"io"
	"sync/atomic"
	"time"
)

// idleBody fails a Read that waits longer than idle for data. When the timer
// fires it cancels the request's context (which makes the pending Read
// return) and the Read reports ErrIdleTimeout instead of a cancellation. One
// timer is reused for every Read: bodies are read in many small chunks.
type idleBody struct {
	body     io.ReadCloser
	idle     time.Duration
	cancel   context.CancelFunc
	timer    *time.Timer
	timedOut atomic.Bool
}

func newIdleBody(body io.ReadCloser, idle time.Duration, cancel context.CancelFunc) *idleBody {
	b := &idleBody{body: body, idle: idle, cancel: cancel}
	b.timer = time.AfterFunc(time.Hour, func() {
		b.timedOut.Store(true)
		cancel()
	})
	b.timer.Stop()
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	if b.timedOut.Load() {
		return 0, ErrIdleTimeout
	}
	b.timer.Reset(b.idle)
	n, err := b.body.Read(p)
	if !b.timer.Stop() && b.timedOut.Load() {
		// The data may have arrived just as the timer fired; keep it, the
		// next Read reports the timeout.
		if n > 0 {
			return n, nil
		}
		return 0, ErrIdleTimeout
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.body.Close()
	b.cancel()
	return err
}
