package site

import "sync"

// onceMap computes one value per key, once, however many goroutines ask
// at the same time: the first computes it, the others wait for it. The
// chrome of each depth and each output directory are made this way.
// The zero value is ready to use.
type onceMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*onceEntry[V]
}

type onceEntry[V any] struct {
	once sync.Once
	v    V
	err  error
}

// get returns the value of key, computing it with compute on first use. compute
// may call get for other keys.
func (o *onceMap[K, V]) get(key K, compute func() (V, error)) (V, error) {
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
	e.once.Do(func() { e.v, e.err = compute() })
	return e.v, e.err
}
