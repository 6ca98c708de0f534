// Package flatkv stores a sorted run of key/value pairs (the rows of the
// search index) in one serialised table: the encoder that writes it and a
// reader that works over the encoded bytes in place.
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
//
// Open reads a table in place: one pass over the columns checks them and
// notes, every RestartEvery rows, where each column stands and the whole
// key there. Nothing else is copied. A Cursor then seeks by binary search
// over those restart keys and decodes at most RestartEvery rows forward;
// values are slices of the encoded bytes.
package flatkv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/iamref/iamref/builder/search/internal/varint"
)

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
		out = varint.AppendPrefixed(out, v)
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
			colInline = varint.AppendPrefixed(colInline, v)
		}
		prev = k
	}
	for _, col := range [][]byte{colShared, colSufLen, colSuf, colRef, colInline} {
		out = varint.AppendPrefixed(out, col)
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

// RestartEvery is the number of rows between two restart points: a seek
// decodes at most that many rows after its binary search.
const RestartEvery = 16

// The columns of an encoded table, in file order.
const (
	colShared = iota
	colSufLen
	colSuf
	colRef
	colInline
	ncols
)

// pos is where every column stands at the start of a row.
type pos [ncols]uint32

// Table is a sorted, immutable set of key/value pairs read in place from
// its encoding.
type Table struct {
	n      int
	shared [][]byte      // the shared value table, slices of the encoding
	cols   [ncols][]byte // the columns, slices of the encoding
	starts []pos         // at rows 0, RestartEvery, 2*RestartEvery, ...
	rkeys  []byte        // the keys at those rows, concatenated
	rkoff  []uint32      // len(starts)+1 offsets into rkeys
}

// Open reads an encoded table without copying it: the table keeps b,
// which must not change afterwards. Every row is checked (bounds, strictly
// increasing keys), so the table's reads cannot fail later.
func Open(b []byte) (*Table, error) {
	d := varint.NewDecoder(b)
	nshared := d.Uvarint()
	if nshared > uint64(len(b)) {
		return nil, ErrCorrupt
	}
	t := &Table{shared: make([][]byte, nshared)}
	for i := range t.shared {
		t.shared[i] = d.Prefixed()
	}
	n := d.Uvarint()
	if !d.OK() || n > uint64(len(b)) {
		return nil, ErrCorrupt
	}
	t.n = int(n)
	for i := range t.cols {
		t.cols[i] = d.Prefixed()
	}
	if !d.OK() || d.Len() != 0 || len(b) >= 1<<32 {
		return nil, ErrCorrupt
	}
	nr := (t.n + RestartEvery - 1) / RestartEvery
	t.starts = make([]pos, 0, nr)
	t.rkoff = make([]uint32, 1, nr+1)
	c := Cursor{t: t}
	for i := 0; i < t.n; i++ {
		if i%RestartEvery == 0 {
			t.starts = append(t.starts, c.next)
		}
		p, suf, ok := c.row()
		if !ok || p > uint64(len(c.key)) {
			return nil, ErrCorrupt
		}
		// The key is the last one's first p bytes and suf: it comes after
		// the last one when suf comes after the rest of the last one.
		if i > 0 && bytes.Compare(suf, c.key[p:]) <= 0 {
			return nil, ErrCorrupt
		}
		c.key = append(c.key[:p], suf...)
		if i%RestartEvery == 0 {
			t.rkeys = append(t.rkeys, c.key...)
			t.rkoff = append(t.rkoff, uint32(len(t.rkeys)))
		}
	}
	for i, col := range t.cols {
		if int(c.next[i]) != len(col) {
			return nil, ErrCorrupt
		}
	}
	return t, nil
}

// Len returns the number of pairs.
func (t *Table) Len() int { return t.n }

func (t *Table) restartKey(r int) []byte { return t.rkeys[t.rkoff[r]:t.rkoff[r+1]] }

// Get returns the value stored under k and whether there is one. The value
// is part of the table's bytes and must not be modified.
func (t *Table) Get(k []byte) ([]byte, bool) {
	c := t.Cursor()
	c.Seek(k)
	if c.Valid() && bytes.Equal(c.key, k) {
		return c.val, true
	}
	return nil, false
}

// A Cursor walks the rows of a Table in order.
type Cursor struct {
	t    *Table
	i    int    // the current row; t.n when past the end
	key  []byte // the current key (the cursor's own buffer)
	val  []byte
	next pos // where the row after the current one starts
}

// Cursor returns a cursor on the first row of t.
func (t *Table) Cursor() *Cursor {
	c := &Cursor{t: t}
	c.at(0)
	return c
}

// row reads the front coding and value of the row at c.next and moves
// c.next past it. It returns false on bytes that are not a row, which
// only Open can meet: a table it returned has been read through once.
func (c *Cursor) row() (p uint64, suf []byte, ok bool) {
	t := c.t
	uv := func(col int) (uint64, bool) {
		v, n := binary.Uvarint(t.cols[col][c.next[col]:])
		if n <= 0 {
			return 0, false
		}
		c.next[col] += uint32(n)
		return v, true
	}
	p, ok1 := uv(colShared)
	sl, ok2 := uv(colSufLen)
	r, ok3 := uv(colRef)
	if !ok1 || !ok2 || !ok3 {
		return 0, nil, false
	}
	rest := t.cols[colSuf][c.next[colSuf]:]
	if sl > uint64(len(rest)) {
		return 0, nil, false
	}
	suf = rest[:sl:sl]
	c.next[colSuf] += uint32(sl)
	switch {
	case r == 0:
		vl, ok := uv(colInline)
		in := t.cols[colInline][c.next[colInline]:]
		if !ok || vl > uint64(len(in)) {
			return 0, nil, false
		}
		c.val = in[:vl:vl]
		c.next[colInline] += uint32(vl)
	case r <= uint64(len(t.shared)):
		c.val = t.shared[r-1]
	default:
		return 0, nil, false
	}
	return p, suf, true
}

// at places c on the first row of restart r, or past the end.
func (c *Cursor) at(r int) {
	c.i = r * RestartEvery
	if c.i >= c.t.n {
		c.i = c.t.n
		c.key, c.val = c.key[:0], nil
		return
	}
	c.next = c.t.starts[r]
	c.row()
	c.key = append(c.key[:0], c.t.restartKey(r)...)
}

// Seek moves c to the first row whose key is >= k.
func (c *Cursor) Seek(k []byte) {
	t := c.t
	// the last restart whose key is <= k, or the first
	r := max(0, sort.Search(len(t.starts), func(r int) bool { return bytes.Compare(t.restartKey(r), k) > 0 })-1)
	if !(c.Valid() && r*RestartEvery <= c.i && bytes.Compare(c.key, k) <= 0) {
		// unless c is already between that restart and k
		c.at(r)
	}
	for c.i < t.n && bytes.Compare(c.key, k) < 0 {
		c.Next()
	}
}

// Next moves c to the next row.
func (c *Cursor) Next() {
	if c.i >= c.t.n {
		return
	}
	c.i++
	if c.i == c.t.n {
		c.key, c.val = c.key[:0], nil
		return
	}
	p, suf, _ := c.row()
	c.key = append(c.key[:p], suf...)
}

// Valid reports whether c is on a row.
func (c *Cursor) Valid() bool { return c.i < c.t.n }

// Key returns the current key. It is valid until c moves and must not be
// modified.
func (c *Cursor) Key() []byte { return c.key }

// Value returns the current value, a slice of the table's bytes that must
// not be modified.
func (c *Cursor) Value() []byte { return c.val }
