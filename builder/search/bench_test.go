package search_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
	"github.com/iamref/iamref/builder/search/wasmbuild"
)

// maxBrotliTotal is the budget of wasm + index, brotli-compressed.
const maxBrotliTotal = 3 << 20

// TestSizeBudget measures the WebAssembly engine and the full index as the
// site ships them (the index's brotli at IndexBrotliQuality); together they
// must stay within 3 MiB of brotli. The engine comes from the module's
// .cache/wasm, as the site build's does: compiled and compressed once per
// change of its sources (about a minute), then read.
func TestSizeBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("may compile and compress the wasm engine (about a minute with a cold .cache/wasm)")
	}
	_, idx := fullIndex(t)
	br, gz, err := search.CompressIndex(idx.Names())
	if err != nil {
		t.Fatal(err)
	}
	dbr, dgz, err := search.CompressIndex(idx.Descriptions())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w, err := wasmbuild.Compile(context.Background(), "../..", filepath.Join("../..", ".cache", "wasm"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("engine from .cache/wasm in %v", time.Since(start).Round(time.Millisecond))
	t.Logf("index: %d documents, %d rows", idx.Docs(), idx.Rows())
	t.Logf("index, names part: raw %d B, gzip %d B, brotli %d B", len(idx.Names()), len(gz), len(br))
	t.Logf("index, descriptions part: raw %d B, gzip %d B, brotli %d B", len(idx.Descriptions()), len(dgz), len(dbr))
	t.Logf("wasm:  raw %d B, gzip %d B, brotli %d B", len(w.Wasm), len(w.WasmGzip), len(w.WasmBrotli))
	t.Logf("wasm + names, brotli (what the first results need): %d B", len(br)+len(w.WasmBrotli))
	total := len(br) + len(dbr) + len(w.WasmBrotli)
	t.Logf("wasm + index, brotli: %d B (budget %d B)", total, maxBrotliTotal)
	if total > maxBrotliTotal {
		t.Errorf("wasm + index = %d B of brotli, over the %d B budget", total, maxBrotliTotal)
	}
}

func BenchmarkIndexBuildFull(b *testing.B) {
	docs, idx := fullIndex(b)
	all := append(slices.Clone(idx.Names()), idx.Descriptions()...)
	br, gz, err := search.CompressIndex(all)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := search.Build(docs, search.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(all)), "raw-B")
	b.ReportMetric(float64(len(gz)), "gzip-B")
	b.ReportMetric(float64(len(br)), "brotli-B")
	b.ReportMetric(float64(len(docs)), "docs")
}

var benchQueries = []string{
	"chime:CreateMeeting", "create meeting", "createmeeting", "put object",
	"meeting", "ListMeetingReportData", "s3:*Object*", "chime:List*",
	"decrypt ciphertext", "assume rol", "access:write service:chime meeting",
	"kind:policy chime read only", "lamda invoke function", "PutObjcet",
	"temporary security credentials", "get", "list tags",
}

func BenchmarkQueryNative(b *testing.B) {
	_, idx := fullIndex(b)
	eng, err := query.OpenAll(idx.Names(), idx.Descriptions())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, q := range benchQueries {
			if r := eng.Search(q, 10); r.Error != "" {
				b.Fatal(r.Error)
			}
			n++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/query")
}

func BenchmarkOpen(b *testing.B) {
	_, idx := fullIndex(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := query.OpenAll(idx.Names(), idx.Descriptions()); err != nil {
			b.Fatal(err)
		}
	}
}
