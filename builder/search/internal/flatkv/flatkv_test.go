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

func build(t *testing.T, keys, vals [][]byte) (store.KVReader, store.KVReader) {
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
	tab, err := Decode(e.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != len(keys) {
		t.Fatalf("decoded %d pairs, want %d", tab.Len(), len(keys))
	}
	got, _ := NewStore(tab).Reader()
	want, _ := ref.Reader()
	return got, want
}

func drain(it store.KVIterator) []string {
	var out []string
	for k, v, ok := it.Current(); ok; k, v, ok = it.Current() {
		if !bytes.Equal(k, it.Key()) || !bytes.Equal(v, it.Value()) || !it.Valid() {
			panic("Current disagrees with Key/Value/Valid")
		}
		out = append(out, fmt.Sprintf("%q=%q", k, v))
		it.Next()
	}
	it.Close()
	return out
}

func TestStoreAgainstReference(t *testing.T) {
	keys, vals := testPairs(3000, 1)
	got, want := build(t, keys, vals)
	r := rand.New(rand.NewSource(2))
	probe := func() []byte {
		if r.Intn(2) == 0 {
			return keys[r.Intn(len(keys))]
		}
		k := append([]byte(nil), keys[r.Intn(len(keys))]...)
		return append(k[:r.Intn(len(k)+1)], byte(r.Intn(256)))
	}
	for i := 0; i < 2000; i++ {
		k := probe()
		g, err1 := got.Get(k)
		w, err2 := want.Get(k)
		if err1 != nil || err2 != nil || !bytes.Equal(g, w) || (g == nil) != (w == nil) {
			t.Fatalf("Get(%q) = %q, %v; reference %q, %v", k, g, err1, w, err2)
		}
	}
	mg, _ := got.MultiGet(keys[:50])
	for i, v := range mg {
		if !bytes.Equal(v, vals[i]) {
			t.Fatalf("MultiGet[%d] = %q, want %q", i, v, vals[i])
		}
	}
	for _, p := range [][]byte{nil, {}, []byte("t"), []byte("t\x00\x01"), []byte("\xff"), []byte("\xff\xff"), []byte("zz"), []byte("b")} {
		if g, w := drain(got.PrefixIterator(p)), drain(want.PrefixIterator(p)); fmt.Sprint(g) != fmt.Sprint(w) {
			t.Fatalf("PrefixIterator(%q): %d pairs, reference %d", p, len(g), len(w))
		}
	}
	for i := 0; i < 300; i++ {
		a, b := probe(), probe()
		if r.Intn(5) == 0 {
			a = nil
		}
		if r.Intn(5) == 0 {
			b = nil
		}
		if g, w := drain(got.RangeIterator(a, b)), drain(want.RangeIterator(a, b)); fmt.Sprint(g) != fmt.Sprint(w) {
			t.Fatalf("RangeIterator(%q, %q): %d pairs, reference %d", a, b, len(g), len(w))
		}
	}
	// Seek inside, before and after a range.
	for i := 0; i < 300; i++ {
		a, b, s := probe(), probe(), probe()
		if bytes.Compare(a, b) > 0 {
			a, b = b, a
		}
		gi, wi := got.RangeIterator(a, b), want.RangeIterator(a, b)
		gi.Seek(s)
		wi.Seek(s)
		if g, w := drain(gi), drain(wi); fmt.Sprint(g) != fmt.Sprint(w) {
			t.Fatalf("RangeIterator(%q, %q).Seek(%q): %v, reference %v", a, b, s, g, w)
		}
	}
}

func TestGetReturnsCopy(t *testing.T) {
	got, _ := build(t, [][]byte{[]byte("a")}, [][]byte{[]byte("xyz")})
	v, _ := got.Get([]byte("a"))
	v[0] = 'Q'
	if v2, _ := got.Get([]byte("a")); string(v2) != "xyz" {
		t.Fatalf("changing a Get result changed the store: %q", v2)
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

func TestDecodeCorrupt(t *testing.T) {
	keys, vals := testPairs(200, 3)
	var e Encoder
	for i, k := range keys {
		if err := e.Add(k, vals[i]); err != nil {
			t.Fatal(err)
		}
	}
	enc := e.Encode()
	if _, err := Decode(enc); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(enc); n += 7 {
		if _, err := Decode(enc[:n]); err == nil {
			t.Fatalf("Decode accepted %d of %d bytes", n, len(enc))
		}
	}
	r := rand.New(rand.NewSource(4))
	for i := 0; i < 2000; i++ {
		b := bytes.Clone(enc)
		b[r.Intn(len(b))] ^= byte(1 + r.Intn(255))
		Decode(b) // must not panic
	}
}

func TestReadOnly(t *testing.T) {
	tab, err := Decode((&Encoder{}).Encode())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewStore(tab).Writer(); err != ErrReadOnly {
		t.Fatalf("Writer() error = %v, want ErrReadOnly", err)
	}
}
