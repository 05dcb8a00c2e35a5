package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/govm-dev/govm/pkg/goversion"
)

func keyNames(keys []Key) string {
	var names []string
	for _, k := range keys {
		names = append(names, k.Version.String())
	}
	return strings.Join(names, " ")
}

func TestPrune(t *testing.T) {
	installed := []string{"1.20.14", "1.21.13", "1.22.5", "1.23rc1", "1.23.0"}
	tests := []struct {
		name   string
		keep   int
		active string
		want   string // removed, newest first
	}{
		{"keep 2, active among them", 2, "1.23rc1", "go1.22.5 go1.21.13 go1.20.14"},
		{"keep 2, old active", 2, "1.20.14", "go1.22.5 go1.21.13"},
		{"keep 0 keeps only the active", 0, "1.21.13", "go1.23.0 go1.23rc1 go1.22.5 go1.20.14"},
		{"no active", 1, "", "go1.23rc1 go1.22.5 go1.21.13 go1.20.14"},
		{"keep more than installed", 10, "", ""},
		{"active not installed", 4, "1.19", "go1.20.14"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestStore(t)
			for _, v := range installed {
				install(t, s, hostKey(v))
			}
			staged := hostKey("1.19.13")
			staged.OS = "windows"
			install(t, s, staged)
			var active goversion.Version
			if tc.active != "" {
				active = goversion.MustParse(tc.active)
			}

			dry, err := s.Prune(context.Background(), tc.keep, active, true)
			if err != nil {
				t.Fatal(err)
			}
			if keyNames(dry) != tc.want {
				t.Errorf("dry run would remove %q, want %q", keyNames(dry), tc.want)
			}
			if list, _ := s.List(); len(list) != len(installed)+1 {
				t.Fatalf("dry run removed something: %d installed", len(list))
			}

			removed, err := s.Prune(context.Background(), tc.keep, active, false)
			if err != nil {
				t.Fatal(err)
			}
			if keyNames(removed) != tc.want {
				t.Errorf("removed %q, want %q", keyNames(removed), tc.want)
			}
			for _, v := range installed {
				gone := slices.Contains(strings.Fields(tc.want), "go"+v)
				if s.Has(hostKey(v)) == gone {
					t.Errorf("%s installed = %v after prune", v, !gone)
				}
			}
			if !s.Has(staged) {
				t.Error("prune removed a toolchain staged for another platform")
			}
		})
	}
}

func TestPruneNegativeKeep(t *testing.T) {
	s := newTestStore(t)
	install(t, s, hostKey("1.22.5"))
	if _, err := s.Prune(context.Background(), -1, goversion.Version{}, false); !errors.Is(err, ErrBadKeep) {
		t.Errorf("Prune(-1) = %v, want ErrBadKeep", err)
	}
	if !s.Has(hostKey("1.22.5")) {
		t.Error("Prune with a bad argument removed a version")
	}
}
