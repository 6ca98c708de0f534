package site

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRenderKinds renders every page of the full site once per
// iteration, on one thread and without writing it, and reports the CPU time
// of that thread each page kind takes (ms; the thread's own CPU time, so
// other load on the machine barely moves it) and its bytes (MB): where
// rendering time goes.
func BenchmarkRenderKinds(b *testing.B) {
	bld, _, err := prepare(context.Background(), Config{Content: os.DirFS("../../content")})
	if err != nil {
		b.Fatal(err)
	}
	only := os.Getenv("IAMREF_BENCH_KIND") // one page kind, for profiling it
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := map[string]time.Duration{}
	size := map[string]int{}
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, j := range bld.jobs {
			if j.kind == noKind || (only != "" && string(j.kind) != only) {
				continue
			}
			buf.Reset()
			t := threadCPU()
			if err := bld.tmpl.execute(&buf, 0, j.kind, j.page); err != nil {
				b.Fatal(err)
			}
			cpu[string(j.kind)] += threadCPU() - t
			size[string(j.kind)] += buf.Len()
		}
	}
	var total time.Duration
	for k, d := range cpu {
		total += d
		b.ReportMetric(float64(d.Milliseconds())/float64(b.N), k+"-ms")
		b.ReportMetric(float64(size[k])/1e6/float64(b.N), k+"-MB")
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "total-ms")
}

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
