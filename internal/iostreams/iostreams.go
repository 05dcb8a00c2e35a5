// Package iostreams holds the standard streams of one invocation and what is
// known about them (terminal or not, colour allowed or not), and draws
// download progress only where a person is watching.
package iostreams

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Streams are the standard streams of one invocation.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// ErrTerminal reports whether Err is a terminal: progress is drawn only then.
	ErrTerminal bool
	// Color allows ANSI colour on Out and Err.
	Color bool
	// Quiet suppresses progress and informational messages (errors still print).
	Quiet bool
}

// System returns the process's streams, probing which are terminals. Colour
// follows NO_COLOR (https://no-color.org) and the terminal check.
func System() *Streams {
	errTTY := isTerminal(os.Stderr)
	return &Streams{
		In:          os.Stdin,
		Out:         os.Stdout,
		Err:         os.Stderr,
		ErrTerminal: errTTY,
		Color:       errTTY && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb",
	}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Infof prints an informational line on Err unless Quiet.
func (s *Streams) Infof(format string, args ...any) {
	if !s.Quiet {
		fmt.Fprintf(s.Err, format+"\n", args...)
	}
}

// Warnf prints a warning on Err, even when Quiet: warnings say something is
// off (an old cached index, verification turned off) and must not vanish.
func (s *Streams) Warnf(format string, args ...any) {
	prefix := "govm: warning: "
	if s.Color {
		prefix = "\x1b[33mgovm: warning:\x1b[0m "
	}
	fmt.Fprintf(s.Err, prefix+format+"\n", args...)
}

// Progress returns a callback that draws a download bar for label on Err, or
// nil when nothing should be drawn (not a terminal, or quiet). The returned
// done function finishes the bar; it is safe to call with a nil callback.
func (s *Streams) Progress(label string) (update func(done, total int64), done func()) {
	if s.Quiet || !s.ErrTerminal {
		return nil, func() {}
	}
	var (
		mu  sync.Mutex
		bar *progressbar.ProgressBar
	)
	update = func(n, total int64) {
		mu.Lock()
		defer mu.Unlock()
		if bar == nil {
			bar = progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(s.Err),
				progressbar.OptionSetDescription(label),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionEnableColorCodes(s.Color),
			)
		}
		_ = bar.Set64(n)
	}
	done = func() {
		mu.Lock()
		defer mu.Unlock()
		if bar != nil {
			_ = bar.Finish()
		}
	}
	return update, done
}
