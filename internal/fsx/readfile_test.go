package fsx

import (
	"path/filepath"
	"sync"
	"testing"
)

// A reader racing a writer that replaces the file always gets one whole
// version or the other, never an error: on Windows (and Wine) the replacing
// rename makes a concurrent open fail for a moment, which ReadFile waits
// out.
func TestReadFileWhileReplaced(t *testing.T) {
	path := filepath.Join(tempDir(t), "latest")
	versions := map[string]bool{"first version\n": true, "second, longer version\n": true}
	if err := WriteFileAtomic(path, []byte("first version\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			data := "first version\n"
			if i%2 == 1 {
				data = "second, longer version\n"
			}
			if err := WriteFileAtomic(path, []byte(data), 0o644); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 300 {
		data, err := ReadFile(path)
		if err != nil {
			t.Fatalf("ReadFile while the file is replaced: %v", err)
		}
		if !versions[string(data)] {
			t.Fatalf("ReadFile read %q, a torn file", data)
		}
	}
	close(stop)
	wg.Wait()
}
