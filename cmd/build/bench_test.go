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
// the same pages on the same machine (.bench/hugo; aim at 0.66, for the
// noise) and under 500 MiB peak resident memory (the process's,
// /usr/bin/time -v; aim at 480; peak-MiB here is the runtime's share of it,
// which the memory limit bounds); docs/performance.md says how to measure
// both, in turns with the previous binary, and the numbers. cpu-s/op, the
// build's CPU time, compares better than its wall time on a loaded machine.
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
// beside the time, what depends less on the machine's load: the CPU time
// of a build (user and system, cpu-s/op), the collections per build and the
// bytes allocated.
func benchmarkBuild(b *testing.B, content fs.FS) {
	defer tuneGC()()
	out := filepath.Join(b.TempDir(), "public")
	var stats site.Stats
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak := watchPeak()
	cpu0, cpuOK := processCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		stats, err = site.Build(context.Background(), site.Config{Content: content, Out: out})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if cpu1, ok := processCPU(); ok && cpuOK {
		b.ReportMetric((cpu1-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	}
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
