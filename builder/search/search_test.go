package search_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
)

type relevanceCase struct {
	line  int
	query string
	want  []string
}

func readRelevance(t *testing.T) []relevanceCase {
	f, err := os.Open("testdata/relevance.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []relevanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, ids, ok := strings.Cut(line, "=>")
		if !ok || strings.TrimSpace(q) == "" || len(strings.Fields(ids)) == 0 || len(strings.Fields(ids)) > 3 {
			t.Fatalf("relevance.txt:%d: want QUERY => 1 to 3 IDS, got %q", n, line)
		}
		cases = append(cases, relevanceCase{n, strings.TrimSpace(q), strings.Fields(ids)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("relevance.txt has %d queries, want at least 40", len(cases))
	}
	return cases
}

func TestRelevance(t *testing.T) {
	_, idx := fullIndex(t)
	eng, err := query.Open(idx.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	cases := readRelevance(t)
	hits := 0
	for _, c := range cases {
		res := eng.Search(c.query, 3)
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		ok := true
		for _, id := range c.want {
			if !slices.Contains(got, id) {
				ok = false
			}
		}
		if ok {
			hits++
		} else {
			t.Logf("relevance.txt:%d: %q: want %v in top 3, got %v", c.line, c.query, c.want, got)
		}
	}
	pct := 100 * float64(hits) / float64(len(cases))
	t.Logf("relevance: %d of %d queries (%.1f%%) have their ids in the top 3", hits, len(cases), pct)
	if pct < 95 {
		t.Errorf("relevance %.1f%%, want at least 95%%", pct)
	}
}

// TestCompressedCopies checks that the .br and .gz copies a site serves
// decode to the index, and that the index opens to the same results.
func TestCompressedCopies(t *testing.T) {
	_, idx := fullIndex(t)
	br, gz, err := search.CompressIndex(idx.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]io.Reader{"brotli": brotli.NewReader(bytes.NewReader(br)), "gzip": zr} {
		b, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(b, idx.Bytes()) {
			t.Fatalf("%s copy: %d bytes, %v; want the index's %d", name, len(b), err, len(idx.Bytes()))
		}
	}
	if name := search.HashName("search-", ".idx", idx.Bytes()); !strings.HasPrefix(name, "search-") || len(name) != len("search-123456789abc.idx") {
		t.Errorf("index name %q, want search-<12 hex digits>.idx", name)
	}
	eng, err := query.Open(idx.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if eng.Docs() != idx.Docs() {
		t.Errorf("opened index has %d documents, built %d", eng.Docs(), idx.Docs())
	}
	for _, c := range readRelevance(t) {
		if r := eng.Search(c.query, 10); len(r.Hits) == 0 {
			t.Errorf("%q: no results", c.query)
		}
	}
}

func TestBuildDeterministic(t *testing.T) {
	docs, _ := fullIndex(t)
	sub := slices.Clone(docs[:3000])
	x1, err := search.Build(sub, search.Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	rand.New(rand.NewSource(1)).Shuffle(len(sub), func(i, j int) { sub[i], sub[j] = sub[j], sub[i] })
	x2, err := search.Build(sub, search.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x1.Bytes(), x2.Bytes()) {
		t.Fatal("the same documents in another order gave different index bytes")
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := search.Build(nil, search.Options{}); err == nil {
		t.Error("Build(nil) succeeded")
	}
}

func TestOpenRejectsCorruptIndex(t *testing.T) {
	docs, _ := fullIndex(t)
	x, err := search.Build(docs[:200], search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := x.Bytes()
	if _, err := query.Open(b); err != nil {
		t.Fatalf("Open(good index) = %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("IAMREFSX"), b[:len(b)/2], append(slices.Clone(b), 0)} {
		if _, err := query.Open(bad); err == nil {
			t.Errorf("Open accepted %d corrupt bytes", len(bad))
		}
	}
}
