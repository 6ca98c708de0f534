package rowindex

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/upsidedown"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/iamref/iamref/builder/search/internal/flatkv"
	"github.com/iamref/iamref/builder/search/internal/format"
	"github.com/iamref/iamref/builder/search/internal/memkv"
	"github.com/iamref/iamref/builder/search/internal/textan"
)

// pair returns two readers of one index: upsidedown's own, over the
// builder's in-memory store, and this package's, over the same rows in a
// flatkv table.
func pair(t *testing.T, docs int) (want, got index.IndexReader) {
	t.Helper()
	r := rand.New(rand.NewSource(int64(docs)))
	words := strings.Fields("create meeting delete bucket object policy role pass assume decrypt key list tags read write get put attach detach instance function invoke")
	text := func(n int) string {
		var w []string
		for i := 0; i < n; i++ {
			w = append(w, words[r.Intn(len(words))])
		}
		return strings.Join(w, " ")
	}
	queue := index.NewAnalysisQueue(1)
	t.Cleanup(queue.Close)
	idx, err := upsidedown.NewUpsideDownCouch(memkv.Name, nil, queue)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	for n := 0; n < docs; n++ {
		d := document.NewDocument(string(format.DocID(n)))
		an := textan.Analyzer{}
		d.AddField(document.NewTextFieldCustom(textan.FieldName, nil, []byte(text(1+r.Intn(3))), index.IndexField, an))
		d.AddField(document.NewTextFieldCustom(textan.FieldDesc, nil, []byte(text(r.Intn(12))), index.IndexField, an))
		if err := idx.Update(d); err != nil {
			t.Fatal(err)
		}
	}
	kvs, err := idx.(*upsidedown.UpsideDownCouch).Advanced()
	if err != nil {
		t.Fatal(err)
	}
	// as the index's two parts hold them: the descriptions' rows in a
	// table of their own (field 1: the second field of every document)
	var names, descs flatkv.Encoder
	err = kvs.(*memkv.Store).Walk(func(k, v []byte) error {
		if (k[0] == 'd' || k[0] == 't') && binary.LittleEndian.Uint16(k[1:]) == 1 {
			return descs.Add(k, v)
		}
		return names.Add(k, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	var tabs []*flatkv.Table
	for _, enc := range []*flatkv.Encoder{&names, &descs} {
		tab, err := flatkv.Open(enc.Encode())
		if err != nil {
			t.Fatal(err)
		}
		tabs = append(tabs, tab)
	}
	x, err := Open(docs, tabs...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(docs, tabs[0], tabs[1], tabs[1]); err == nil {
		t.Fatal("Open accepted the rows of a field in two tables")
	}
	want, err = idx.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { want.Close() })
	return want, x.Reader()
}

func dictOf(t *testing.T, d index.FieldDict, err error) []string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []string
	for {
		e, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return out
		}
		out = append(out, fmt.Sprintf("%s:%d", e.Term, e.Count))
	}
}

// postings lists a term reader's documents; every third step is an
// Advance to a random document (which may be behind).
func postings(t *testing.T, tr index.TermFieldReader, err error, r *rand.Rand, docs int) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	out := fmt.Sprintf("count %d:", tr.Count())
	for i := 0; i < 3*docs; i++ {
		var d *index.TermFieldDoc
		var err error
		if r != nil && i%3 == 2 {
			id := format.DocID(r.Intn(docs + 2))
			out += fmt.Sprintf(" advance %x", id)
			d, err = tr.Advance(id, nil)
		} else {
			d, err = tr.Next(nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		if d == nil {
			return out
		}
		out += fmt.Sprintf(" %x/%d/%g", d.ID, d.Freq, d.Norm)
	}
	return out
}

func docIDsOf(t *testing.T, d index.DocIDReader, err error, advance []index.IndexInternalID) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var out []string
	for i := 0; i < 10000; i++ {
		var id index.IndexInternalID
		var err error
		if len(advance) > 0 && i%2 == 1 {
			id, err = d.Advance(advance[0])
			out = append(out, fmt.Sprintf("advance %x", advance[0]))
			advance = advance[1:]
		} else {
			id, err = d.Next()
		}
		if err != nil {
			t.Fatal(err)
		}
		if id == nil {
			break
		}
		out = append(out, fmt.Sprintf("%x", id))
	}
	return strings.Join(out, " ")
}

func TestAgainstUpsidedown(t *testing.T) {
	for _, docs := range []int{1, 40, 600} {
		t.Run(fmt.Sprint(docs), func(t *testing.T) {
			want, got := pair(t, docs)
			ctx := context.Background()
			dict := func(d index.FieldDict, err error) []string { return dictOf(t, d, err) }
			var rnd *rand.Rand // nil: postings without advances
			post := func(tr index.TermFieldReader, err error) string { return postings(t, tr, err, rnd, docs) }
			var advance []index.IndexInternalID
			ids := func(d index.DocIDReader, err error) string { return docIDsOf(t, d, err, advance) }
			if w, g := must(want.DocCount()), must(got.DocCount()); w != g {
				t.Fatalf("DocCount %d, upsidedown %d", g, w)
			}
			wf, gf := must(want.Fields()), must(got.Fields())
			slices.Sort(wf)
			slices.Sort(gf)
			if !slices.Equal(wf, gf) {
				t.Fatalf("Fields %v, upsidedown %v", gf, wf)
			}
			r := rand.New(rand.NewSource(1))
			for _, field := range []string{textan.FieldName, textan.FieldDesc, "nope", ""} {
				all := dict(want.FieldDict(field))
				if g := dict(got.FieldDict(field)); !slices.Equal(all, g) {
					t.Fatalf("FieldDict(%q) = %v, upsidedown %v", field, g, all)
				}
				var terms []string
				for _, e := range all {
					terms = append(terms, e[:strings.LastIndexByte(e, ':')])
				}
				probes := []string{"", "a", "zzz", "\xff", "meetin", "meetingx"}
				for _, term := range terms {
					probes = append(probes, term, term[:1], term[:min(2, len(term))], term+"a")
				}
				for _, p := range probes {
					if w, g := dict(want.FieldDictPrefix(field, []byte(p))), dict(got.FieldDictPrefix(field, []byte(p))); !slices.Equal(w, g) {
						t.Fatalf("FieldDictPrefix(%q, %q) = %v, upsidedown %v", field, p, g, w)
					}
					q := probes[r.Intn(len(probes))]
					if w, g := dict(want.FieldDictRange(field, []byte(p), []byte(q))), dict(got.FieldDictRange(field, []byte(p), []byte(q))); !slices.Equal(w, g) {
						t.Fatalf("FieldDictRange(%q, %q, %q) = %v, upsidedown %v", field, p, q, g, w)
					}
					if w, g := dict(want.FieldDictRange(field, []byte(p), nil)), dict(got.FieldDictRange(field, []byte(p), nil)); !slices.Equal(w, g) {
						t.Fatalf("FieldDictRange(%q, %q, nil) = %v, upsidedown %v", field, p, g, w)
					}
					seed := r.Int63()
					rnd = nil
					w := post(want.TermFieldReader(ctx, []byte(p), field, true, true, false))
					g := post(got.TermFieldReader(ctx, []byte(p), field, true, true, false))
					if w != g {
						t.Fatalf("TermFieldReader(%q, %q): %s\nupsidedown: %s", p, field, g, w)
					}
					rnd = rand.New(rand.NewSource(seed))
					w = post(want.TermFieldReader(ctx, []byte(p), field, true, true, false))
					rnd = rand.New(rand.NewSource(seed))
					g = post(got.TermFieldReader(ctx, []byte(p), field, true, true, false))
					if w != g {
						t.Fatalf("TermFieldReader(%q, %q) with advances: %s\nupsidedown: %s", p, field, g, w)
					}
				}
			}
			if w, g := ids(want.DocIDReaderAll()), ids(got.DocIDReaderAll()); w != g {
				t.Fatalf("DocIDReaderAll: %s\nupsidedown: %s", g, w)
			}
			var moves []index.IndexInternalID
			for i := 0; i < 20; i++ {
				moves = append(moves, format.DocID(r.Intn(docs+3)))
			}
			advance = moves
			if w, g := ids(want.DocIDReaderAll()), ids(got.DocIDReaderAll()); w != g {
				t.Fatalf("DocIDReaderAll with advances: %s\nupsidedown: %s", g, w)
			}
			for i := 0; i < 30; i++ {
				var only []string
				for j := r.Intn(8); j > 0; j-- {
					only = append(only, string(format.DocID(r.Intn(docs+3))))
				}
				advance = nil
				if w, g := ids(want.DocIDReaderOnly(only)), ids(got.DocIDReaderOnly(only)); w != g {
					t.Fatalf("DocIDReaderOnly(%x): %s\nupsidedown: %s", only, g, w)
				}
				advance = moves
				if w, g := ids(want.DocIDReaderOnly(only)), ids(got.DocIDReaderOnly(only)); w != g {
					t.Fatalf("DocIDReaderOnly(%x) with advances %x: %s\nupsidedown: %s", only, moves, g, w)
				}
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
