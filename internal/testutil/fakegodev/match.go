package fakegodev

import "strings"

// HitsMatching is how many requests reached a path containing substr; ""
// counts every request, so a test can assert that a command made none.
func (s *Server) HitsMatching(substr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, c := range s.hits {
		if strings.Contains(p, substr) {
			n += c
		}
	}
	return n
}
