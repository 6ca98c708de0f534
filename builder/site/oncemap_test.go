package site

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestOnceMap: each key is computed once however many ask at once, errors
// are kept with their key, and a computation may ask for other keys.
func TestOnceMap(t *testing.T) {
	var m onceMap[string, int]
	var calls atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := m.get("a", func() (int, error) {
				calls.Add(1)
				return m.get("b", func() (int, error) { return 41, nil })
			})
			if err != nil || v != 41 {
				t.Errorf("get a = %d, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("a computed %d times", n)
	}
	bad := errors.New("bad")
	if _, err := m.get("c", func() (int, error) { return 0, bad }); err != bad {
		t.Errorf("error = %v", err)
	}
	if _, err := m.get("c", func() (int, error) { return 1, nil }); err != bad {
		t.Errorf("second get of c = %v, want the first error kept", err)
	}
}
