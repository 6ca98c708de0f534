package search_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
	"github.com/iamref/iamref/builder/search/wasmbuild"
)

// maxBrotliTotal is the budget of wasm + index, brotli-compressed.
const maxBrotliTotal = 3 << 20

// TestSizeBudget builds the WebAssembly engine and the full index and
// reports their sizes; together they must stay within 3 MiB of brotli.
func TestSizeBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and compresses the wasm engine (about a minute)")
	}
	_, idx := fullIndex(t)
	br, gz, err := search.Compress(idx.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	w, err := wasmbuild.Build(context.Background(), "../..", filepath.Join(tmp, "cache"), filepath.Join(tmp, "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("index: %d documents, %d rows; raw %d B, gzip %d B, brotli %d B", idx.Docs(), idx.Rows(), len(idx.Bytes()), len(gz), len(br))
	t.Logf("wasm:  raw %d B, gzip %d B, brotli %d B", w.WasmSize, w.GzipSize, w.BrotliSize)
	total := len(br) + w.BrotliSize
	t.Logf("wasm + index, brotli: %d B (budget %d B)", total, maxBrotliTotal)
	if total > maxBrotliTotal {
		t.Errorf("wasm + index = %d B of brotli, over the %d B budget", total, maxBrotliTotal)
	}
	start := time.Now()
	w2, err := wasmbuild.Build(context.Background(), "../..", filepath.Join(tmp, "cache"), filepath.Join(tmp, "out"))
	if err != nil {
		t.Fatal(err)
	}
	if w2 != w {
		t.Errorf("cached rebuild gave %+v, first build %+v", w2, w)
	}
	t.Logf("cached wasm rebuild: %v", time.Since(start))
}

func BenchmarkIndexBuildFull(b *testing.B) {
	docs, idx := fullIndex(b)
	br, gz, err := search.Compress(idx.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := search.Build(docs, search.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(idx.Bytes())), "raw-B")
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
	eng, err := query.Open(idx.Bytes())
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
		if _, err := query.Open(idx.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}
