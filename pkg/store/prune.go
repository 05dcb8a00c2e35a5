package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/govm-dev/govm/pkg/goversion"
)

// ErrBadKeep is wrapped when Prune is asked to keep a negative number.
var ErrBadKeep = errors.New("keep must be zero or more")

// Prune removes every host-platform version except active and the keep
// newest (active may be one of them: it does not add to the count), and
// returns the keys it removed, oldest last. With dryRun it removes
// nothing and returns what it would remove. Toolchains staged for other
// platforms are never pruned: they exist for mirrors, not for use here. A
// zero active keeps nothing extra. On a failure it returns the keys removed
// so far with the error.
func (s *Store) Prune(ctx context.Context, keep int, active goversion.Version, dryRun bool) ([]Key, error) {
	if keep < 0 {
		return nil, fmt.Errorf("prune: %w, got %d", ErrBadKeep, keep)
	}
	all, err := s.List()
	if err != nil {
		return nil, fmt.Errorf("prune: %w", err)
	}
	var doomed []Key
	newest := 0
	for _, in := range all { // newest first
		if !s.isHost(in.Key) {
			continue
		}
		newest++
		isActive := !active.IsZero() && goversion.Compare(in.Key.Version, active) == 0
		if newest <= keep || isActive {
			continue
		}
		doomed = append(doomed, in.Key)
	}
	if dryRun {
		return doomed, nil
	}
	var removed []Key
	for _, k := range doomed {
		err := s.Remove(ctx, k)
		if errors.Is(err, ErrNotInstalled) {
			continue // removed by another process meanwhile
		}
		if err != nil {
			return removed, fmt.Errorf("prune: %w", err)
		}
		removed = append(removed, k)
	}
	return removed, nil
}
