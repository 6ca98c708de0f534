package flatkv

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"testing"

	store "github.com/blevesearch/upsidedown_store_api"

	"github.com/iamref/iamref/builder/search/internal/memkv"
)

// testPairs returns sorted pairs shaped like upsidedown rows: shared
// prefixes, repeated values, empty values, 0xff bytes.
func testPairs(n int, seed int64) (keys, vals [][]byte) {
	r := rand.New(rand.NewSource(seed))
	set := map[string][]byte{}
	prefixes := []string{"b", "d\x00\x01", "t\x00\x01", "t\x00\x02", "f", "\xff\xff", "\xff"}
	for len(set) < n {
		k := []byte(prefixes[r.Intn(len(prefixes))])
		for i := r.Intn(6); i > 0; i-- {
			k = append(k, "abcdefgh\x00\xff"[r.Intn(10)])
		}
		var v []byte
		switch r.Intn(3) {
		case 0:
			v = []byte{1, 0x80, 0x80, 0x80, 0xfc, 0x03}
		case 1:
			v = []byte(fmt.Sprint(r.Intn(1000)))
		}
		set[string(k)] = v
	}
	for k := range set {
		keys = append(keys, []byte(k))
	}
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i], keys[j]) < 0 })
	for _, k := range keys {
		vals = append(vals, set[string(k)])
	}
	return keys, vals
}

func build(t testing.TB, keys, vals [][]byte) (*Table, store.KVReader) {
	t.Helper()
	var e Encoder
	ref, _ := memkv.New(nil, nil)
	w, _ := ref.Writer()
	b := w.NewBatch()
	for i, k := range keys {
		if err := e.Add(k, vals[i]); err != nil {
			t.Fatal(err)
		}
		v := vals[i]
		if v == nil {
			v = []byte{} // memkv, like bleve's stores, keeps empty values
		}
		b.Set(k, v)
	}
	if err := w.ExecuteBatch(b); err != nil {
		t.Fatal(err)
	}
	tab, err := Open(e.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != len(keys) {
		t.Fatalf("opened %d pairs, want %d", tab.Len(), len(keys))
	}
	want, _ := ref.Reader()
	return tab, want
}

// scan lists the pairs of [start, end) (end nil: to the end), read through
// a cursor placed by Seek(from).
func scan(c *Cursor, from, end []byte) []string {
	var out []string
	c.Seek(from)
	for ; c.Valid() && (end == nil || bytes.Compare(c.Key(), end) < 0); c.Next() {
		out = append(out, fmt.Sprintf("%q=%q", c.Key(), c.Value()))
	}
	return out
}

func drain(it store.KVIterator) []string {
	var out []string
	for k, v, ok := it.Current(); ok; k, v, ok = it.Current() {
		out = append(out, fmt.Sprintf("%q=%q", k, v))
		it.Next()
	}
	it.Close()
	return out
}

func TestTableAgainstReference(t *testing.T) {
	for _, n := range []int{0, 1, RestartEvery - 1, RestartEvery, RestartEvery + 1, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			keys, vals := testPairs(n, int64(n))
			got, want := build(t, keys, vals)
			r := rand.New(rand.NewSource(2))
			probe := func() []byte {
				if len(keys) == 0 || r.Intn(4) == 0 {
					return []byte{byte(r.Intn(256))}
				}
				k := append([]byte(nil), keys[r.Intn(len(keys))]...)
				if r.Intn(2) == 0 {
					return k
				}
				return append(k[:r.Intn(len(k)+1)], byte(r.Intn(256)))
			}
			for i := 0; i < 2000; i++ {
				k := probe()
				g, ok := got.Get(k)
				w, _ := want.Get(k)
				if !bytes.Equal(g, w) || ok != (w != nil) {
					t.Fatalf("Get(%q) = %q, %v; reference %q", k, g, ok, w)
				}
			}
			if g, w := scan(got.Cursor(), nil, nil), drain(want.RangeIterator(nil, nil)); fmt.Sprint(g) != fmt.Sprint(w) {
				t.Fatalf("all pairs: %d, reference %d", len(g), len(w))
			}
			// One cursor sought again and again, forward and back: a seek
			// may go on from where the cursor stands.
			c := got.Cursor()
			for i := 0; i < 500; i++ {
				a, b := probe(), probe()
				if bytes.Compare(a, b) > 0 {
					a, b = b, a
				}
				if r.Intn(5) == 0 {
					b = nil
				}
				if g, w := scan(c, a, b), drain(want.RangeIterator(a, b)); fmt.Sprint(g) != fmt.Sprint(w) {
					t.Fatalf("[%q, %q): %v, reference %v", a, b, g, w)
				}
				// and stepwise: seek to a key a little further on
				c.Seek(a)
				c.Next()
				if c.Valid() {
					k := append([]byte(nil), c.Key()...)
					c.Seek(k)
					if !c.Valid() || !bytes.Equal(c.Key(), k) {
						t.Fatalf("Seek(%q) from just before it moved to %q", k, c.Key())
					}
				}
			}
		})
	}
}

func TestEncoderRejectsUnsorted(t *testing.T) {
	var e Encoder
	if err := e.Add([]byte("b"), nil); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b"} {
		if err := e.Add([]byte(k), nil); err == nil {
			t.Errorf("Add(%q) after \"b\" succeeded", k)
		}
	}
}

func encoded(tb testing.TB, n int, seed int64) []byte {
	keys, vals := testPairs(n, seed)
	var e Encoder
	for i, k := range keys {
		if err := e.Add(k, vals[i]); err != nil {
			tb.Fatal(err)
		}
	}
	return e.Encode()
}

func TestOpenCorrupt(t *testing.T) {
	enc := encoded(t, 200, 3)
	if _, err := Open(enc); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(enc); n += 7 {
		if _, err := Open(enc[:n]); err == nil {
			t.Fatalf("Open accepted %d of %d bytes", n, len(enc))
		}
	}
	r := rand.New(rand.NewSource(4))
	for i := 0; i < 2000; i++ {
		b := bytes.Clone(enc)
		b[r.Intn(len(b))] ^= byte(1 + r.Intn(255))
		checkTable(t, b)
	}
}

// checkTable opens b and, when it opens, reads every row, each by a
// seek too: a table Open accepts must be readable without a panic, its
// keys strictly increasing.
func checkTable(t testing.TB, b []byte) {
	tab, err := Open(b)
	if err != nil {
		return
	}
	var prev []byte
	n := 0
	seek := tab.Cursor()
	for c := tab.Cursor(); c.Valid(); c.Next() {
		if n > 0 && bytes.Compare(prev, c.Key()) >= 0 {
			t.Fatalf("row %d: key %q not after %q", n, c.Key(), prev)
		}
		prev = append(prev[:0], c.Key()...)
		if v, ok := tab.Get(prev); !ok || !bytes.Equal(v, c.Value()) {
			t.Fatalf("row %d: Get(%q) = %q, %v; want %q", n, prev, v, ok, c.Value())
		}
		seek.Seek(prev)
		if !bytes.Equal(seek.Key(), prev) {
			t.Fatalf("row %d: Seek(%q) found %q", n, prev, seek.Key())
		}
		n++
	}
	if n != tab.Len() {
		t.Fatalf("read %d rows of %d", n, tab.Len())
	}
}

func FuzzOpen(f *testing.F) {
	for _, n := range []int{0, 1, 20, 100} {
		f.Add(encoded(f, n, int64(n)))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkTable(t, b) })
}

func BenchmarkOpen(b *testing.B) {
	enc := encoded(b, 200000, 5)
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := Open(enc); err != nil {
			b.Fatal(err)
		}
	}
}
