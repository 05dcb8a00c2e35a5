package doctor

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

// Options select what Run does.
type Options struct {
	// Checks to run; nil means every registered check.
	Checks []Check
	// Fix applies the Fix of every fixable finding, then runs that check again.
	Fix bool
	// Parallel bounds how many checks run at once; zero means all at once.
	Parallel int
}

// Applied is one repair made by --fix.
type Applied struct {
	ID string `json:"id"`
	// Changed says what was changed, for the user to undo if they want.
	Changed string `json:"changed,omitempty"`
	// Error is why the repair failed; empty on success.
	Error string `json:"error,omitempty"`
}

// Report is the outcome of Run, in the order of the checks.
type Report struct {
	Checks []Finding `json:"checks"`
	Fixed  []Applied `json:"fixed,omitempty"`
}

// Worst returns the highest severity in r, OK for an empty report.
func (r Report) Worst() Severity {
	w := OK
	for _, f := range r.Checks {
		w = max(w, f.Severity)
	}
	return w
}

// Fails reports whether r holds a finding at or above threshold, which is
// what --fail-on turns into the exit code.
func (r Report) Fails(threshold Severity) bool {
	return threshold > OK && r.Worst() >= threshold
}

// Count returns how many findings have severity s.
func (r Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Checks {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Run runs the checks against env in parallel and returns their findings in
// check order. A check that panics, or runs past its timeout, yields an
// Error finding saying so; Run itself returns within every timeout even when
// a check ignores its context (the check's goroutine is left to finish).
func Run(ctx context.Context, env Env, opts Options) Report {
	e := env.withDefaults()
	checks := opts.Checks
	if checks == nil {
		checks = Checks()
	}
	results := runAll(ctx, e, checks, opts.Parallel)
	var rep Report
	if opts.Fix {
		for i, c := range checks {
			if c.Fix == nil {
				continue
			}
			fixedAny := false
			for _, f := range results[i] {
				if !f.Fixable {
					continue
				}
				rep.Fixed = append(rep.Fixed, applyFix(ctx, e, c, f))
				fixedAny = true
			}
			if fixedAny {
				// Facts such as the current link may have changed.
				e.facts = &facts{}
				results[i] = runOne(ctx, e, c)
			}
		}
	}
	for _, fs := range results {
		rep.Checks = append(rep.Checks, fs...)
	}
	return rep
}

// runAll runs checks concurrently, at most parallel at once (0: unbounded).
func runAll(ctx context.Context, e *Env, checks []Check, parallel int) [][]Finding {
	results := make([][]Finding, len(checks))
	if parallel <= 0 {
		parallel = len(checks)
	}
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = runOne(ctx, e, c)
		}()
	}
	wg.Wait()
	return results
}

// runOne runs c under its timeout and a recover, and stamps its findings
// with its ID and category. No findings means OK.
func runOne(ctx context.Context, e *Env, c Check) []Finding {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan []Finding, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- []Finding{{
					Severity: Error,
					Message:  fmt.Sprintf("the check crashed: %v", p),
					Fix:      "report this as a govm bug, with the output of 'govm doctor --json'",
					Details:  map[string]any{"panic": fmt.Sprint(p), "stack": string(debug.Stack())},
				}}
			}
		}()
		done <- c.Run(cctx, e)
	}()
	var fs []Finding
	select {
	case fs = <-done:
	case <-cctx.Done():
		msg := fmt.Sprintf("the check did not finish within %s", timeout)
		if ctx.Err() != nil {
			msg = "the check was interrupted"
		}
		fs = []Finding{{Severity: Error, Message: msg,
			Fix: "run 'govm doctor " + c.ID + "' again; if it keeps timing out, a file system or network mount under the govm home may be hanging"}}
	}
	if len(fs) == 0 {
		fs = []Finding{{Severity: OK, Message: c.Title}}
	}
	fs = slices.Clone(fs)
	for i := range fs {
		fs[i].ID, fs[i].Category = c.ID, c.Category
	}
	return fs
}

// applyFix runs c.Fix for f under a timeout and a recover; like a check, a
// fix that ignores its context is reported as timed out, never waited for.
func applyFix(ctx context.Context, e *Env, c Check, f Finding) Applied {
	timeout := max(c.Timeout, DefaultTimeout, 30*time.Second)
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan Applied, 1)
	go func() {
		a := Applied{ID: c.ID}
		defer func() {
			if p := recover(); p != nil {
				a.Error = fmt.Sprintf("the fix crashed: %v", p)
			}
			done <- a
		}()
		changed, err := c.Fix(cctx, e, f)
		a.Changed = changed
		if err != nil {
			a.Error = err.Error()
		}
	}()
	select {
	case a := <-done:
		return a
	case <-cctx.Done():
		return Applied{ID: c.ID, Error: fmt.Sprintf("the fix did not finish within %s", timeout)}
	}
}
