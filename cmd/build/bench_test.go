package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/iamref/iamref/builder/site"
	"github.com/iamref/iamref/internal/sitetest"
)

// BenchmarkBuildFull builds the whole shipped site (every AWS service) into a
// temporary directory. Budget (issue 17): at most 0.7× Hugo's wall time for
// the same pages on the same machine (.bench/hugo) and under 500 MiB peak
// resident memory (the process's, /usr/bin/time -v; peak-MiB here is the
// runtime's share of it, which the memory limit bounds); docs/performance.md
// says how to measure both.
func BenchmarkBuildFull(b *testing.B) {
	benchmarkBuild(b, os.DirFS("../../content"))
}

// BenchmarkBuildChime builds the site of Amazon Chime, with S3 (whose
// example policies the content has) and every managed policy.
func BenchmarkBuildChime(b *testing.B) {
	benchmarkBuild(b, sitetest.OnlyServices(b, os.DirFS("../../content"), "chime", "s3"))
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
	peak := watchPeak()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		stats, err = site.Build(context.Background(), site.Config{Content: content, Out: out})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak())/(1<<20), "peak-MiB")
	runtime.ReadMemStats(&after)
	n := float64(b.N)
	b.ReportMetric(float64(stats.Pages), "pages")
	b.ReportMetric(float64(stats.Bytes)/1e6, "MB")
	b.ReportMetric(float64(after.NumGC-before.NumGC)/n, "gc/op")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/1e6/n, "alloc-MB/op")
}

// watchPeak samples the memory the runtime holds from the system (all of
// it but what it returned) every 10 ms until the returned function is
// called, which returns the most it held.
func watchPeak() (stop func() uint64) {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			peak = max(peak, samples[0].Value.Uint64()-samples[1].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}
