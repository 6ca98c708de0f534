// Package rowindex serves bleve's index.IndexReader interface straight
// from the rows bleve's upsidedown index writes, held in a flatkv table:
// field rows ('f'), the term dictionary ('d') and term frequencies ('t').
// bleve's searchers, scorers and collectors run over it as they do over
// upsidedown's own reader, with the same terms, counts, frequencies and
// norms, so the same scores.
//
// It exists so that the query engine does not link upsidedown itself:
// upsidedown's back-index rows are protocol buffers, and the protobuf
// runtime made up a quarter of the WebAssembly engine (and, through its
// use of reflect.Value.MethodByName, kept every exported method of every
// linked type). Queries never need the back index: documents are counted
// from the document table, and the index's documents are the internal
// ids 0..n-1 (package format).
//
// The rows may be split between tables by field (the names and the
// descriptions parts of an index, package format).
//
// Row layouts (upsidedown's):
//
//	'f' field(uint16 LE)                      -> name 0xff
//	'd' field(uint16 LE) term                 -> uvarint(documents with the term)
//	't' field(uint16 LE) term 0xff doc-id     -> uvarint(freq) uvarint(float32 bits of norm) [term vectors]
package rowindex

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/iamref/iamref/builder/search/internal/flatkv"
	"github.com/iamref/iamref/builder/search/internal/format"
)

const sep = 0xff // upsidedown's separator after a term

// Index reads one or more tables, each holding the 'd' and 't' rows of
// some fields. It is safe for concurrent use; its readers are not.
type Index struct {
	docs   int
	fields []string        // by field number
	tables []*flatkv.Table // by field number: the table with its rows, or nil
}

// Open reads the field rows of tables, which hold an index of docs
// documents: the rows of each field in one of them. A field whose rows
// are in none has no terms.
func Open(docs int, tables ...*flatkv.Table) (*Index, error) {
	x := &Index{docs: docs}
	for _, t := range tables {
		c := t.Cursor()
		for c.Seek([]byte{'f'}); c.Valid() && c.Key()[0] == 'f'; c.Next() {
			k, v := c.Key(), c.Value()
			if len(k) != 3 || len(v) == 0 || v[len(v)-1] != sep {
				return nil, fmt.Errorf("search index: bad field row %q", k)
			}
			n := int(binary.LittleEndian.Uint16(k[1:]))
			if n >= 1<<10 {
				return nil, fmt.Errorf("search index: field number %d", n)
			}
			for len(x.fields) <= n {
				x.fields = append(x.fields, "")
			}
			if x.fields[n] != "" {
				return nil, fmt.Errorf("search index: field %d named twice", n)
			}
			x.fields[n] = string(v[:len(v)-1])
		}
	}
	x.tables = make([]*flatkv.Table, len(x.fields))
	for f := range x.fields {
		dict := key('d', f, nil)
		for _, t := range tables {
			c := t.Cursor()
			if c.Seek(dict); !c.Valid() || !bytes.HasPrefix(c.Key(), dict) {
				continue
			}
			if x.tables[f] != nil {
				return nil, fmt.Errorf("search index: terms of field %q in two tables", x.fields[f])
			}
			x.tables[f] = t
		}
	}
	return x, nil
}

// Reader returns a reader of the index.
func (x *Index) Reader() index.IndexReader { return &reader{x} }

// field returns the number of a field, or -1.
func (x *Index) field(name string) int {
	if name == "" {
		return -1
	}
	return slices.Index(x.fields, name)
}

type reader struct{ x *Index }

var errNoDocuments = errors.New("search index: documents are not stored")

func key(kind byte, field int, term []byte, extra ...byte) []byte {
	k := make([]byte, 0, 3+len(term)+len(extra))
	k = append(k, kind)
	k = binary.LittleEndian.AppendUint16(k, uint16(field))
	k = append(k, term...)
	return append(k, extra...)
}

func (r *reader) TermFieldReader(_ context.Context, term []byte, field string, _, _, _ bool) (index.TermFieldReader, error) {
	f := r.x.field(field)
	if f < 0 {
		return &termReader{}, nil
	}
	t := r.x.tables[f]
	if t == nil {
		return &termReader{}, nil
	}
	v, ok := t.Get(key('d', f, term))
	if !ok {
		return &termReader{}, nil
	}
	count, n := binary.Uvarint(v)
	if n <= 0 {
		return nil, fmt.Errorf("search index: bad dictionary row for %q", term)
	}
	prefix := key('t', f, term, sep)
	c := t.Cursor()
	c.Seek(prefix)
	return &termReader{c: c, prefix: prefix, count: count, term: string(term)}, nil
}

// termReader walks the term frequency rows of one term in one field.
type termReader struct {
	c       *flatkv.Cursor // nil when the term is not in the index
	prefix  []byte
	count   uint64
	term    string
	started bool // the cursor is on the row last returned
	seek    []byte
}

func (t *termReader) Next(pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	if t.c == nil {
		return nil, nil
	}
	if t.started {
		t.c.Next()
	}
	t.started = true
	return t.current(pre)
}

func (t *termReader) Advance(id index.IndexInternalID, pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	if t.c == nil {
		return nil, nil
	}
	t.seek = append(append(t.seek[:0], t.prefix...), id...)
	t.c.Seek(t.seek)
	t.started = true
	return t.current(pre)
}

func (t *termReader) current(pre *index.TermFieldDoc) (*index.TermFieldDoc, error) {
	if !t.c.Valid() || !bytes.HasPrefix(t.c.Key(), t.prefix) {
		return nil, nil
	}
	doc := t.c.Key()[len(t.prefix):]
	v := t.c.Value()
	freq, n := binary.Uvarint(v)
	if n <= 0 || len(doc) == 0 {
		return nil, fmt.Errorf("search index: bad term frequency row %q", t.c.Key())
	}
	norm, m := binary.Uvarint(v[n:])
	if m <= 0 {
		return nil, fmt.Errorf("search index: bad term frequency row %q", t.c.Key())
	}
	if pre == nil {
		pre = &index.TermFieldDoc{}
	}
	pre.Term = t.term
	pre.ID = append(pre.ID[:0], doc...)
	pre.Freq = freq
	pre.Norm = float64(math.Float32frombits(uint32(norm)))
	pre.Vectors = nil
	return pre, nil
}

func (t *termReader) Count() uint64 { return t.count }
func (t *termReader) Close() error  { return nil }
func (t *termReader) Size() int     { return 64 + len(t.prefix) + len(t.seek) + len(t.term) }

func (r *reader) FieldDict(field string) (index.FieldDict, error) {
	return r.FieldDictRange(field, nil, nil)
}

// FieldDictRange lists the terms from start to end, both included (nil:
// no bound), as upsidedown does: the end bound is end with its last byte
// incremented, so an empty, non-nil end lists nothing.
func (r *reader) FieldDictRange(field string, start, end []byte) (index.FieldDict, error) {
	f := r.x.field(field)
	if f < 0 || r.x.tables[f] == nil {
		return &dict{}, nil
	}
	hi := key('d', f, nil, sep)
	if end != nil {
		hi = key('d', f, increment(end))
	}
	c := r.x.tables[f].Cursor()
	c.Seek(key('d', f, start))
	return &dict{c: c, end: hi}, nil
}

func (r *reader) FieldDictPrefix(field string, prefix []byte) (index.FieldDict, error) {
	return r.FieldDictRange(field, prefix, prefix)
}

// increment adds one to b as a big-endian number of len(b) bytes,
// dropping a carry out of the first byte.
func increment(b []byte) []byte {
	out := slices.Clone(b)
	for i := len(out) - 1; i >= 0; i-- {
		out[i]++
		if out[i] != 0 {
			break
		}
	}
	return out
}

type dict struct {
	c     *flatkv.Cursor // nil: no terms
	end   []byte
	entry index.DictEntry
}

// Next returns the next term. The entry is reused by the next call.
func (d *dict) Next() (*index.DictEntry, error) {
	if d.c == nil || !d.c.Valid() || bytes.Compare(d.c.Key(), d.end) >= 0 {
		return nil, nil
	}
	k := d.c.Key()
	count, n := binary.Uvarint(d.c.Value())
	if n <= 0 || len(k) < 3 {
		return nil, fmt.Errorf("search index: bad dictionary row %q", k)
	}
	d.entry = index.DictEntry{Term: string(k[3:]), Count: count}
	d.c.Next()
	return &d.entry, nil
}

func (d *dict) Close() error      { return nil }
func (d *dict) Cardinality() int  { return 0 }
func (d *dict) BytesRead() uint64 { return 0 }

func (r *reader) DocIDReaderAll() (index.DocIDReader, error) {
	return &docIDs{next: 0, end: r.x.docs}, nil
}

// DocIDReaderOnly returns the documents of ids that are in the index, in
// order, once each.
func (r *reader) DocIDReaderOnly(ids []string) (index.DocIDReader, error) {
	var only []int
	for _, id := range ids {
		if n := format.DocNum([]byte(id)); n >= 0 && n < r.x.docs {
			only = append(only, n)
		}
	}
	slices.Sort(only)
	return &docIDs{only: slices.Compact(only), onlyMode: true, end: r.x.docs}, nil
}

// docIDs lists document numbers: next..end-1, or in onlyMode only's
// from position next on.
type docIDs struct {
	only      []int
	onlyMode  bool
	next, end int
}

func (d *docIDs) Next() (index.IndexInternalID, error) {
	if d.onlyMode {
		if d.next >= len(d.only) {
			return nil, nil
		}
		d.next++
		return format.DocID(d.only[d.next-1]), nil
	}
	if d.next >= d.end {
		return nil, nil
	}
	d.next++
	return format.DocID(d.next - 1), nil
}

func (d *docIDs) Advance(id index.IndexInternalID) (index.IndexInternalID, error) {
	// the first document whose id is >= id (ids sort as numbers do)
	n := sort.Search(d.end, func(i int) bool { return bytes.Compare(format.DocID(i), id) >= 0 })
	if d.onlyMode {
		d.next, _ = slices.BinarySearch(d.only, n)
	} else {
		d.next = n
	}
	return d.Next()
}

func (d *docIDs) Size() int    { return 48 + 8*len(d.only) }
func (d *docIDs) Close() error { return nil }

// Document is not supported: the index stores no fields.
func (r *reader) Document(string) (index.Document, error) { return nil, errNoDocuments }

func (r *reader) DocValueReader([]string) (index.DocValueReader, error) { return noDocValues{}, nil }

type noDocValues struct{}

func (noDocValues) VisitDocValues(index.IndexInternalID, index.DocValueVisitor) error { return nil }
func (noDocValues) BytesRead() uint64                                                 { return 0 }

func (r *reader) Fields() ([]string, error) {
	var out []string
	for _, f := range r.x.fields {
		if f != "" {
			out = append(out, f)
		}
	}
	return out, nil
}

func (r *reader) GetInternal([]byte) ([]byte, error) { return nil, nil }

func (r *reader) DocCount() (uint64, error) { return uint64(r.x.docs), nil }

func (r *reader) ExternalID(id index.IndexInternalID) (string, error) { return string(id), nil }

func (r *reader) InternalID(id string) (index.IndexInternalID, error) {
	return index.IndexInternalID(id), nil
}

func (r *reader) Close() error { return nil }
