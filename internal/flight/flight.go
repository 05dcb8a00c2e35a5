// Package flight shares one execution of a keyed piece of work among the
// goroutines that ask for it at the same time, and optionally remembers the
// result for later callers.
//
// It differs from golang.org/x/sync/singleflight in the one way the module
// and checksum-database fetches need: each caller waits under its own
// context, and a call that ended because *its* context was cancelled is
// neither remembered nor handed to callers whose context is still live;
// they run the work again instead of failing with someone else's
// cancellation.
package flight

import (
	"context"
	"sync"
)

// Retention says which completed calls a Group remembers, so that later
// calls with the same key return the same result without running the work
// again. Calls that ended with their own context cancelled are never
// remembered.
type Retention int

const (
	// InFlight remembers nothing: only calls running at the same time share.
	InFlight Retention = iota
	// KeepValues remembers successful calls; a failed one runs again.
	KeepValues
	// KeepAll remembers every completed call, errors included.
	KeepAll
)

// Group runs work by key. The zero value shares calls in flight only; set
// Keep to remember completed ones. A Group must not be copied after first
// use.
type Group[K comparable, V any] struct {
	Keep Retention

	mu sync.Mutex
	m  map[K]*call[V]
}

type call[V any] struct {
	done      chan struct{}
	val       V
	err       error
	cancelled bool // ended with its own context done: not a result
	waiters   int  // callers sharing it, for tests to synchronise on
}

// Do returns the result of fn for key, running fn only when no call with
// that key is in flight (or, with Keep, was completed). fn receives the
// context of the caller that runs it. A waiting caller whose context ends
// first returns ctx.Err(); a waiting caller gets the runner's error even
// when it is not remembered.
func (g *Group[K, V]) Do(ctx context.Context, key K, fn func(context.Context) (V, error)) (V, error) {
	for {
		g.mu.Lock()
		if g.m == nil {
			g.m = map[K]*call[V]{}
		}
		c, ok := g.m[key]
		if !ok {
			c = &call[V]{done: make(chan struct{})}
			g.m[key] = c
		} else {
			c.waiters++
		}
		g.mu.Unlock()
		if !ok {
			return g.run(ctx, key, c, fn)
		}
		select {
		case <-c.done:
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
		if c.cancelled && ctx.Err() == nil {
			continue // the runner gave up, we have not: run it again
		}
		return c.val, c.err
	}
}

func (g *Group[K, V]) run(ctx context.Context, key K, c *call[V], fn func(context.Context) (V, error)) (V, error) {
	defer close(c.done)
	c.val, c.err = fn(ctx)
	c.cancelled = c.err != nil && ctx.Err() != nil
	keep := g.Keep == KeepAll || g.Keep == KeepValues && c.err == nil
	if !keep || c.cancelled {
		g.mu.Lock()
		delete(g.m, key)
		g.mu.Unlock()
	}
	return c.val, c.err
}
