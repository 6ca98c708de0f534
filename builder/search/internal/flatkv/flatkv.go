// Package flatkv is a read-only implementation of bleve's upsidedown KV
// store API over one serialised, sorted run of key/value pairs, and the
// encoder that writes that run.
//
// Layout of an encoded table (all integers are unsigned varints):
//
//	nvals, then nvals × (len, bytes)   shared value table
//	nrows
//	len, column of nrows shared-prefix lengths (key front coding)
//	len, column of nrows suffix lengths
//	len, column of the key suffixes, concatenated
//	len, column of nrows value references: r>0 is value table entry r-1,
//	     r=0 takes the next inline value
//	len, column of inline values: (len, bytes) each
//
// Keys are front coded against the previous key, and values that occur
// more than once (upsidedown's term-frequency values repeat a lot) are
// stored once. Columns keep like with like, which a general compressor
// (brotli, gzip) then squeezes much better than interleaved rows.
// Decoding rebuilds the keys into one buffer with an offsets table: a
// single linear pass, after which Get, prefix and range iteration are
// binary searches over that table.
package flatkv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/registry"
	store "github.com/blevesearch/upsidedown_store_api"
)

// Name is the name under which the store is registered with bleve. Its
// config must hold the decoded *Table under the key "table".
const Name = "iamref-flat"

func init() {
	if err := registry.RegisterKVStore(Name, newStore); err != nil {
		panic(err)
	}
}

// ErrReadOnly is returned by the store's Writer.
var ErrReadOnly = errors.New("flatkv: store is read-only")

// Table is a decoded, sorted, immutable set of key/value pairs.
type Table struct {
	keys []byte
	koff []uint32 // len n+1
	vals []byte
	voff []uint32 // len n+1
}

// Len returns the number of pairs.
func (t *Table) Len() int { return len(t.koff) - 1 }

// Key returns the i-th key. The bytes must not be modified.
func (t *Table) Key(i int) []byte { return t.keys[t.koff[i]:t.koff[i+1]:t.koff[i+1]] }

// Value returns the i-th value. The bytes must not be modified.
func (t *Table) Value(i int) []byte { return t.vals[t.voff[i]:t.voff[i+1]:t.voff[i+1]] }

// search returns the index of the first key >= k.
func (t *Table) search(k []byte) int {
	return sort.Search(t.Len(), func(i int) bool { return bytes.Compare(t.Key(i), k) >= 0 })
}

// Get returns the value stored under k and whether there is one.
func (t *Table) Get(k []byte) ([]byte, bool) {
	i := t.search(k)
	if i < t.Len() && bytes.Equal(t.Key(i), k) {
		return t.Value(i), true
	}
	return nil, false
}

// Encoder collects pairs, which must be added in strictly increasing key
// order, and encodes them.
type Encoder struct {
	keys [][]byte
	vals [][]byte
}

// Add appends a pair. Keys must come in strictly increasing order.
func (e *Encoder) Add(k, v []byte) error {
	if n := len(e.keys); n > 0 && bytes.Compare(e.keys[n-1], k) >= 0 {
		return fmt.Errorf("flatkv: key %q not after %q", k, e.keys[n-1])
	}
	e.keys = append(e.keys, append([]byte(nil), k...))
	e.vals = append(e.vals, append([]byte(nil), v...))
	return nil
}

// Len returns the number of pairs added.
func (e *Encoder) Len() int { return len(e.keys) }

// Encode returns the encoded table. The output depends only on the pairs.
func (e *Encoder) Encode() []byte {
	// Shared values: every value seen at least twice, most frequent first
	// so that the commonest get one-byte references.
	count := map[string]int{}
	for _, v := range e.vals {
		count[string(v)]++
	}
	var shared []string
	for v, c := range count {
		if c > 1 {
			shared = append(shared, v)
		}
	}
	sort.Slice(shared, func(i, j int) bool {
		ci, cj := count[shared[i]], count[shared[j]]
		if ci != cj {
			return ci > cj
		}
		return shared[i] < shared[j]
	})
	ref := make(map[string]uint64, len(shared))
	for i, v := range shared {
		ref[v] = uint64(i + 1)
	}

	var out, colShared, colSufLen, colSuf, colRef, colInline []byte
	out = binary.AppendUvarint(out, uint64(len(shared)))
	for _, v := range shared {
		out = binary.AppendUvarint(out, uint64(len(v)))
		out = append(out, v...)
	}
	out = binary.AppendUvarint(out, uint64(len(e.keys)))
	var prev []byte
	for i, k := range e.keys {
		p := commonPrefix(prev, k)
		colShared = binary.AppendUvarint(colShared, uint64(p))
		colSufLen = binary.AppendUvarint(colSufLen, uint64(len(k)-p))
		colSuf = append(colSuf, k[p:]...)
		v := e.vals[i]
		r := ref[string(v)]
		colRef = binary.AppendUvarint(colRef, r)
		if r == 0 {
			colInline = binary.AppendUvarint(colInline, uint64(len(v)))
			colInline = append(colInline, v...)
		}
		prev = k
	}
	for _, col := range [][]byte{colShared, colSufLen, colSuf, colRef, colInline} {
		out = binary.AppendUvarint(out, uint64(len(col)))
		out = append(out, col...)
	}
	return out
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// ErrCorrupt is returned when an encoded table cannot be decoded.
var ErrCorrupt = errors.New("flatkv: corrupt table")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = ErrCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = ErrCorrupt
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

// Decode decodes an encoded table. The table does not keep b.
func Decode(b []byte) (*Table, error) {
	d := &decoder{b: b}
	nshared := d.uvarint()
	if nshared > uint64(len(b)) {
		return nil, ErrCorrupt
	}
	shared := make([][]byte, nshared)
	for i := range shared {
		shared[i] = d.bytes(d.uvarint())
	}
	n := d.uvarint()
	if d.err != nil {
		return nil, d.err
	}
	if n > uint64(len(b)) {
		return nil, ErrCorrupt
	}
	cols := make([]decoder, 5)
	for i := range cols {
		cols[i] = decoder{b: d.bytes(d.uvarint())}
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, ErrCorrupt
	}
	cShared, cSufLen, cSuf, cRef, cInline := &cols[0], &cols[1], &cols[2], &cols[3], &cols[4]
	// A first pass over the small columns sizes the buffers.
	var keyBytes, valBytes uint64
	{
		sh, sl, rf := *cShared, *cSufLen, *cRef
		for i := uint64(0); i < n && sh.err == nil && sl.err == nil && rf.err == nil; i++ {
			keyBytes += sh.uvarint() + sl.uvarint()
			if r := rf.uvarint(); r > 0 && r <= uint64(len(shared)) {
				valBytes += uint64(len(shared[r-1]))
			}
		}
		valBytes += uint64(len(cInline.b))
		if keyBytes > 1<<31 || valBytes > 1<<31 {
			return nil, ErrCorrupt
		}
	}
	t := &Table{
		keys: make([]byte, 0, keyBytes),
		vals: make([]byte, 0, valBytes),
		koff: make([]uint32, 1, n+1),
		voff: make([]uint32, 1, n+1),
	}
	var prevStart, prevEnd int
	for i := uint64(0); i < n; i++ {
		p := cShared.uvarint()
		suf := cSuf.bytes(cSufLen.uvarint())
		r := cRef.uvarint()
		var v []byte
		switch {
		case r == 0:
			v = cInline.bytes(cInline.uvarint())
		case r <= uint64(len(shared)):
			v = shared[r-1]
		default:
			return nil, ErrCorrupt
		}
		if p > uint64(prevEnd-prevStart) {
			return nil, ErrCorrupt
		}
		start := len(t.keys)
		t.keys = append(t.keys, t.keys[prevStart:prevStart+int(p)]...)
		t.keys = append(t.keys, suf...)
		t.vals = append(t.vals, v...)
		t.koff = append(t.koff, uint32(len(t.keys)))
		t.voff = append(t.voff, uint32(len(t.vals)))
		if i > 0 && bytes.Compare(t.keys[prevStart:prevEnd], t.keys[start:]) >= 0 {
			return nil, ErrCorrupt
		}
		prevStart, prevEnd = start, len(t.keys)
	}
	for _, c := range cols {
		if c.err != nil {
			return nil, c.err
		}
		if len(c.b) != 0 {
			return nil, ErrCorrupt
		}
	}
	return t, nil
}

// Store is a read-only store.KVStore over a Table.
type Store struct{ t *Table }

// NewStore returns a read-only store over t.
func NewStore(t *Table) *Store { return &Store{t: t} }

func newStore(_ store.MergeOperator, config map[string]interface{}) (store.KVStore, error) {
	t, ok := config["table"].(*Table)
	if !ok || t == nil {
		return nil, errors.New("flatkv: config has no *Table under \"table\"")
	}
	return NewStore(t), nil
}

// Writer implements store.KVStore; the store is read-only.
func (s *Store) Writer() (store.KVWriter, error) { return nil, ErrReadOnly }

// Reader implements store.KVStore.
func (s *Store) Reader() (store.KVReader, error) { return reader{s.t}, nil }

// Close implements store.KVStore.
func (s *Store) Close() error { return nil }

type reader struct{ t *Table }

// Get returns a copy of the value, as the API says the caller owns it.
func (r reader) Get(k []byte) ([]byte, error) {
	v, ok := r.t.Get(k)
	if !ok {
		return nil, nil
	}
	return append([]byte{}, v...), nil
}

// MultiGet returns the values of keys. (The API's store.MultiGet helper
// cannot be used: it indexes past its slice's length.)
func (r reader) MultiGet(keys [][]byte) ([][]byte, error) {
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

func (r reader) PrefixIterator(prefix []byte) store.KVIterator {
	return r.RangeIterator(prefix, prefixEnd(prefix))
}

func (r reader) RangeIterator(start, end []byte) store.KVIterator {
	it := &Iterator{t: r.t, start: start, end: end}
	it.Seek(start)
	return it
}

func (r reader) Close() error { return nil }

// prefixEnd returns the smallest key greater than all keys starting with p,
// or nil if there is none (p is empty or all 0xff).
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

// Iterator walks the pairs of a Table within [start, end).
type Iterator struct {
	t          *Table
	start, end []byte
	i          int
}

// Seek moves to the first key >= k (and >= start).
func (it *Iterator) Seek(k []byte) {
	if bytes.Compare(k, it.start) < 0 {
		k = it.start
	}
	it.i = it.t.search(k)
}

// Next moves to the next pair.
func (it *Iterator) Next() { it.i++ }

// Valid reports whether the iterator is on a pair.
func (it *Iterator) Valid() bool {
	return it.i < it.t.Len() && (it.end == nil || bytes.Compare(it.t.Key(it.i), it.end) < 0)
}

// Key returns the current key, nil when not valid.
func (it *Iterator) Key() []byte {
	if !it.Valid() {
		return nil
	}
	return it.t.Key(it.i)
}

// Value returns the current value, nil when not valid.
func (it *Iterator) Value() []byte {
	if !it.Valid() {
		return nil
	}
	return it.t.Value(it.i)
}

// Current returns Key, Value and Valid.
func (it *Iterator) Current() ([]byte, []byte, bool) {
	if !it.Valid() {
		return nil, nil, false
	}
	return it.t.Key(it.i), it.t.Value(it.i), true
}

// Close implements store.KVIterator.
func (it *Iterator) Close() error { return nil }
