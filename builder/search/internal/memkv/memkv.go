// Package memkv is a small in-memory, ordered, writable implementation of
// bleve's upsidedown KV store API. The index builder writes into it and then
// walks it in key order to serialise the index.
package memkv

import (
	"bytes"
	"errors"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/registry"
	store "github.com/blevesearch/upsidedown_store_api"
)

// Name is the name under which the store is registered with bleve.
const Name = "iamref-mem"

func init() {
	if err := registry.RegisterKVStore(Name, New); err != nil {
		panic(err)
	}
}

// Store is an in-memory KV store. Readers see the state at the time of
// their creation.
type Store struct {
	mo store.MergeOperator

	mu     sync.RWMutex
	m      map[string][]byte
	sorted []string // sorted keys of m, nil when stale
}

// New is the bleve KVStoreConstructor for the store; config is ignored.
func New(mo store.MergeOperator, _ map[string]interface{}) (store.KVStore, error) {
	return &Store{mo: mo, m: make(map[string][]byte)}, nil
}

// Close implements store.KVStore.
func (s *Store) Close() error { return nil }

// Writer implements store.KVStore.
func (s *Store) Writer() (store.KVWriter, error) { return writer{s}, nil }

// Reader implements store.KVStore. The reader is a snapshot: an ordered
// list of the keys with their values at this moment.
func (s *Store) Reader() (store.KVReader, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sorted == nil {
		s.sorted = make([]string, 0, len(s.m))
		for k := range s.m {
			s.sorted = append(s.sorted, k)
		}
		sort.Strings(s.sorted)
	}
	vals := make([][]byte, len(s.sorted))
	for i, k := range s.sorted {
		vals[i] = s.m[k]
	}
	return &reader{keys: s.sorted, vals: vals}, nil
}

// Walk calls fn for every pair in key order.
func (s *Store) Walk(fn func(k, v []byte) error) error {
	r, err := s.Reader()
	if err != nil {
		return err
	}
	rr := r.(*reader)
	for i, k := range rr.keys {
		if err := fn([]byte(k), rr.vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// Len returns the number of pairs.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}

type writer struct{ s *Store }

func (w writer) NewBatch() store.KVBatch { return store.NewEmulatedBatch(w.s.mo) }

func (w writer) NewBatchEx(o store.KVBatchOptions) ([]byte, store.KVBatch, error) {
	return make([]byte, o.TotalBytes), w.NewBatch(), nil
}

func (w writer) ExecuteBatch(b store.KVBatch) error {
	eb, ok := b.(*store.EmulatedBatch)
	if !ok {
		return errors.New("memkv: batch not created by this store")
	}
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, ops := range eb.Merger.Merges {
		existing := s.m[k]
		merged, ok := s.mo.FullMerge([]byte(k), existing, ops)
		if !ok {
			return errors.New("memkv: merge failed for key " + k)
		}
		s.set(k, merged)
	}
	for _, op := range eb.Ops {
		if op.V == nil {
			if _, ok := s.m[string(op.K)]; ok {
				delete(s.m, string(op.K))
				s.sorted = nil
			}
			continue
		}
		s.set(string(op.K), op.V)
	}
	return nil
}

func (s *Store) set(k string, v []byte) {
	if _, ok := s.m[k]; !ok {
		s.sorted = nil
	}
	s.m[k] = append([]byte{}, v...)
}

func (w writer) Close() error { return nil }

type reader struct {
	keys []string
	vals [][]byte
}

func (r *reader) find(k []byte) int {
	return sort.Search(len(r.keys), func(i int) bool { return r.keys[i] >= string(k) })
}

func (r *reader) Get(k []byte) ([]byte, error) {
	i := r.find(k)
	if i < len(r.keys) && r.keys[i] == string(k) {
		return append([]byte{}, r.vals[i]...), nil
	}
	return nil, nil
}

// MultiGet returns the values of keys. (The API's store.MultiGet helper
// cannot be used: it indexes past its slice's length.)
func (r *reader) MultiGet(keys [][]byte) ([][]byte, error) {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		v, err := r.Get(k)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (r *reader) PrefixIterator(prefix []byte) store.KVIterator {
	return r.RangeIterator(prefix, prefixEnd(prefix))
}

func (r *reader) RangeIterator(start, end []byte) store.KVIterator {
	it := &iterator{r: r, start: start, end: end}
	it.Seek(start)
	return it
}

func (r *reader) Close() error { return nil }

// prefixEnd returns the smallest key greater than every key with prefix p,
// or nil when there is none.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

type iterator struct {
	r          *reader
	start, end []byte
	i          int
}

func (it *iterator) Seek(k []byte) {
	if bytes.Compare(k, it.start) < 0 {
		k = it.start
	}
	it.i = it.r.find(k)
}

func (it *iterator) Next() { it.i++ }

func (it *iterator) Valid() bool {
	if it.i >= len(it.r.keys) {
		return false
	}
	return it.end == nil || it.r.keys[it.i] < string(it.end)
}

func (it *iterator) Key() []byte {
	if !it.Valid() {
		return nil
	}
	return []byte(it.r.keys[it.i])
}

func (it *iterator) Value() []byte {
	if !it.Valid() {
		return nil
	}
	return it.r.vals[it.i]
}

func (it *iterator) Current() ([]byte, []byte, bool) {
	if !it.Valid() {
		return nil, nil, false
	}
	return []byte(it.r.keys[it.i]), it.r.vals[it.i], true
}

func (it *iterator) Close() error { return nil }
