// Package oncemap computes one value per key, once, however many
// goroutines ask at the same time.
package oncemap

import (
	"sync"
	"sync/atomic"
)

// Map computes one value per key, once, however many goroutines ask at the
// same time: the first computes it, the others wait for it. The chrome of
// each page depth and each output directory are made this way. The zero
// value is ready to use.
type Map[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*onceEntry[V]
}

type onceEntry[V any] struct {
	once sync.Once
	done atomic.Bool // set once v and err are
	v    V
	err  error
}

// Get returns the value of key, computing it with compute on first use.
// compute may call Get for other keys.
func (o *Map[K, V]) Get(key K, compute func() (V, error)) (V, error) {
	o.mu.Lock()
	if o.m == nil {
		o.m = map[K]*onceEntry[V]{}
	}
	e := o.m[key]
	if e == nil {
		e = &onceEntry[V]{}
		o.m[key] = e
	}
	o.mu.Unlock()
	e.once.Do(func() {
		e.v, e.err = compute()
		e.done.Store(true)
	})
	return e.v, e.err
}

// Values calls fn with each value computed so far, in no order (for tests
// and statistics).
func (o *Map[K, V]) Values(fn func(V)) {
	o.mu.Lock()
	var vs []V
	for _, e := range o.m {
		if e.done.Load() {
			vs = append(vs, e.v)
		}
	}
	o.mu.Unlock()
	for _, v := range vs {
		fn(v)
	}
}
