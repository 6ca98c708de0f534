package search_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
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
	names, err := query.Open(idx.Names())
	if err != nil {
		t.Fatal(err)
	}
	eng, err := names.WithDescriptions(idx.Descriptions())
	if err != nil {
		t.Fatal(err)
	}
	cases := readRelevance(t)
	found := func(eng *query.Engine, c relevanceCase) ([]string, bool) {
		var got []string
		for _, h := range eng.Search(c.query, 3).Hits {
			got = append(got, h.ID)
		}
		for _, id := range c.want {
			if !slices.Contains(got, id) {
				return got, false
			}
		}
		return got, true
	}
	hits, first := 0, 0
	for _, c := range cases {
		if got, ok := found(eng, c); ok {
			hits++
		} else {
			t.Logf("relevance.txt:%d: %q: want %v in top 3, got %v", c.line, c.query, c.want, got)
		}
		if _, ok := found(names, c); ok {
			first++
		}
	}
	pct := 100 * float64(hits) / float64(len(cases))
	t.Logf("relevance: %d of %d queries (%.1f%%) have their ids in the top 3", hits, len(cases), pct)
	// What a browser shows before the descriptions part has arrived.
	t.Logf("relevance from the names part alone: %d of %d", first, len(cases))
	if pct < 95 {
		t.Errorf("relevance %.1f%%, want at least 95%%", pct)
	}
}

// TestCompressedCopies checks that the .br and .gz copies a site serves
// decode to the index's parts, and that the parts open to results.
func TestCompressedCopies(t *testing.T) {
	_, idx := fullIndex(t)
	for _, part := range [][]byte{idx.Names(), idx.Descriptions()} {
		br, gz, err := search.CompressIndex(part)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		for name, r := range map[string]io.Reader{"brotli": brotli.NewReader(bytes.NewReader(br)), "gzip": zr} {
			b, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(b, part) {
				t.Fatalf("%s copy: %d bytes, %v; want the part's %d", name, len(b), err, len(part))
			}
		}
	}
	if name := search.HashName("search-", ".idx", idx.Names()); !strings.HasPrefix(name, "search-") || len(name) != len("search-123456789abc.idx") {
		t.Errorf("index name %q, want search-<12 hex digits>.idx", name)
	}
	eng, err := query.OpenAll(idx.Names(), idx.Descriptions())
	if err != nil {
		t.Fatal(err)
	}
	if eng.Docs() != idx.Docs() || !eng.Complete() {
		t.Errorf("opened index has %d documents (complete %v), built %d", eng.Docs(), eng.Complete(), idx.Docs())
	}
	for _, c := range readRelevance(t) {
		if r := eng.Search(c.query, 10); len(r.Hits) == 0 {
			t.Errorf("%q: no results", c.query)
		}
	}
}

// TestParts checks what each part holds: the names part answers names
// and ids without descriptions; the descriptions part adds their words and
// text, and only to the names of its own index.
func TestParts(t *testing.T) {
	docs, idx := fullIndex(t)
	names, err := query.Open(idx.Names())
	if err != nil {
		t.Fatal(err)
	}
	if names.Complete() {
		t.Error("the names part alone is complete")
	}
	const q = "decrypt ciphertext" // words of descriptions only
	if r := names.Search("kms:Decrypt", 1); len(r.Hits) != 1 || r.Hits[0].ID != "kms:Decrypt" || len(r.Hits[0].Snippet) != 0 {
		t.Errorf("names part: kms:Decrypt gave %+v", r.Hits)
	}
	all, err := names.WithDescriptions(idx.Descriptions())
	if err != nil {
		t.Fatal(err)
	}
	r := all.Search(q, 3)
	if len(r.Hits) == 0 || r.Hits[0].ID != "kms:Decrypt" || len(r.Hits[0].Snippet) == 0 {
		t.Errorf("both parts: %q gave %+v", q, r.Hits)
	}
	if names.Complete() || !all.Complete() {
		t.Error("WithDescriptions changed the engine it was called on, or did not complete the new one")
	}
	if _, err := all.WithDescriptions(idx.Descriptions()); err == nil {
		t.Error("descriptions added twice")
	}
	other, err := search.Build(subset(docs, 100), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := names.WithDescriptions(other.Descriptions()); !errors.Is(err, query.ErrOtherIndex) {
		t.Errorf("descriptions of another index: %v, want ErrOtherIndex", err)
	}
	if _, err := query.Open(idx.Descriptions()); err == nil {
		t.Error("Open accepted the descriptions part")
	}
	if _, err := names.WithDescriptions(idx.Names()); err == nil {
		t.Error("WithDescriptions accepted the names part")
	}
}

func TestBuildDeterministic(t *testing.T) {
	docs := allDocs(t)
	sub := subset(docs, 3000)
	x1, err := search.Build(sub, search.Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	rand.New(rand.NewSource(1)).Shuffle(len(sub), func(i, j int) { sub[i], sub[j] = sub[j], sub[i] })
	x2, err := search.Build(sub, search.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x1.Names(), x2.Names()) || !bytes.Equal(x1.Descriptions(), x2.Descriptions()) {
		t.Fatal("the same documents in another order gave different index bytes")
	}
}

// subset is the first n documents, the resource types' actions among
// them only (Build refuses an action that is no document).
func subset(docs []search.Document, n int) []search.Document {
	sub := slices.Clone(docs[:n])
	in := map[string]bool{}
	for _, d := range sub {
		if d.Kind == "action" {
			in[d.ID] = true
		}
	}
	for i := range sub {
		sub[i].Actions = slices.DeleteFunc(slices.Clone(sub[i].Actions), func(a string) bool { return !in[a] })
	}
	return sub
}

func TestBuildErrors(t *testing.T) {
	if _, err := search.Build(nil, search.Options{}); err == nil {
		t.Error("Build(nil) succeeded")
	}
	action := search.Document{Kind: "action", ID: "s3:GetObject", Service: "s3"}
	for _, d := range []search.Document{
		{Kind: "resource", ID: "s3:object", Service: "s3", ARNs: []string{"arn:${Partition}:s3:::${BucketName}/${ObjectName}"}, Actions: []string{"s3:NoSuch"}},
		{Kind: "resource", ID: "s3:object", Service: "s3", Actions: []string{"s3:GetObject"}},
	} {
		if _, err := search.Build([]search.Document{action, d}, search.Options{}); err == nil {
			t.Errorf("Build accepted %+v", d)
		}
	}
}

func TestOpenRejectsCorruptIndex(t *testing.T) {
	docs := allDocs(t)
	x, err := search.Build(subset(docs, 200), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, d := x.Names(), x.Descriptions()
	names, err := query.Open(b)
	if err != nil {
		t.Fatalf("Open(good index) = %v", err)
	}
	if _, err := names.WithDescriptions(d); err != nil {
		t.Fatalf("WithDescriptions(good part) = %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("IAMREFSX"), b[:len(b)/2], append(slices.Clone(b), 0)} {
		if _, err := query.Open(bad); err == nil {
			t.Errorf("Open accepted %d corrupt bytes", len(bad))
		}
	}
	for _, bad := range [][]byte{nil, d[:len(d)/2], d[:len(d)-1], append(slices.Clone(d), 0)} {
		if _, err := names.WithDescriptions(bad); err == nil {
			t.Errorf("WithDescriptions accepted %d corrupt bytes", len(bad))
		}
	}
}
