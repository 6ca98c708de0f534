package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/iamref/iamref/builder/site"
	"github.com/iamref/iamref/internal/sitetest"
)

// BenchmarkBuildFull builds the whole shipped site (every AWS service) into a
// temporary directory. Budget (issue 2): less wall time than Hugo for the same
// pages on the same machine (about 6 s for 23,234 pages on 2 cores) and under
// 500 MiB peak memory; docs/performance.md says how to measure both.
func BenchmarkBuildFull(b *testing.B) {
	benchmarkBuild(b, os.DirFS("../../content"))
}

// BenchmarkBuildChime builds the site of one service, Amazon Chime.
func BenchmarkBuildChime(b *testing.B) {
	benchmarkBuild(b, sitetest.OnlyServices(b, os.DirFS("../../content"), "chime"))
}

// benchmarkBuild builds with the collector settings of main, without the
// search (the search's own benchmarks are in builder/search), and reports,
// beside the time, what does not depend on the machine's load: the
// collections per build and the bytes allocated.
func benchmarkBuild(b *testing.B, content fs.FS) {
	defer tuneGC()()
	out := filepath.Join(b.TempDir(), "public")
	var stats site.Stats
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		stats, err = site.Build(context.Background(), site.Config{Content: content, Out: out})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	n := float64(b.N)
	b.ReportMetric(float64(stats.Pages), "pages")
	b.ReportMetric(float64(stats.Bytes)/1e6, "MB")
	b.ReportMetric(float64(after.NumGC-before.NumGC)/n, "gc/op")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/1e6/n, "alloc-MB/op")
}
