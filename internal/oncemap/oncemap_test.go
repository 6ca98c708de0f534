package oncemap

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestMap: each key is computed once however many ask at once, errors
// are kept with their key, and a computation may ask for other keys.
func TestMap(t *testing.T) {
	var m Map[string, int]
	var calls atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := m.Get("a", func() (int, error) {
				calls.Add(1)
				return m.Get("b", func() (int, error) { return 41, nil })
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
	var sum int
	m.Values(func(v int) { sum += v })
	if sum != 82 {
		t.Errorf("values add up to %d, want a and b: 82", sum)
	}
	bad := errors.New("bad")
	if _, err := m.Get("c", func() (int, error) { return 0, bad }); err != bad {
		t.Errorf("error = %v", err)
	}
	if _, err := m.Get("c", func() (int, error) { return 1, nil }); err != bad {
		t.Errorf("second get of c = %v, want the first error kept", err)
	}
}
