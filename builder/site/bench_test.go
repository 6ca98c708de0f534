package site

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
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

// BenchmarkRenderWorkers renders every page of the full site on every core,
// without writing, in turns with each render worker's own copy of the
// templates (as Build does) and with one copy shared by all, and reports
// the wall and CPU time of each: what the per-worker clones give. Run it
// with cmd/build's collector settings:
//
//	GOGC=400 GOMEMLIMIT=450MiB go test ./builder/site -run XXX -bench RenderWorkers -benchtime 5x
func BenchmarkRenderWorkers(b *testing.B) {
	bld, _, err := prepare(context.Background(), Config{Content: os.DirFS("../../content")})
	if err != nil {
		b.Fatal(err)
	}
	workers := len(bld.tmpl.workers)
	if workers < 2 {
		b.Skip("one core: nothing is shared")
	}
	render := func(shared bool) {
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := range workers {
			set := w
			if shared {
				set = 0
			}
			wg.Go(func() {
				var buf bytes.Buffer
				for {
					i := int(next.Add(1) - 1)
					if i >= len(bld.jobs) {
						return
					}
					if j := bld.jobs[i]; j.kind != noKind {
						buf.Reset()
						if err := bld.tmpl.execute(&buf, set, j.kind, j.page); err != nil {
							b.Error(err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
	}
	render(false) // the chrome and the fragments, rendered once for both
	var wall, cpu [2]time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var round [2][2]time.Duration
		for _, shared := range []bool{i%2 == 1, i%2 == 0} { // which goes first alternates
			t, c := time.Now(), processCPU()
			render(shared)
			n := 0
			if shared {
				n = 1
			}
			round[n] = [2]time.Duration{time.Since(t), processCPU() - c}
			wall[n] += round[n][0]
			cpu[n] += round[n][1]
		}
		b.Logf("round %d: own %.2f s wall, %.2f CPU-s; shared %.2f s wall, %.2f CPU-s", i+1,
			round[0][0].Seconds(), round[0][1].Seconds(), round[1][0].Seconds(), round[1][1].Seconds())
	}
	n := float64(b.N)
	b.ReportMetric(float64(wall[0].Milliseconds())/n, "own-wall-ms")
	b.ReportMetric(float64(cpu[0].Milliseconds())/n, "own-cpu-ms")
	b.ReportMetric(float64(wall[1].Milliseconds())/n, "shared-wall-ms")
	b.ReportMetric(float64(cpu[1].Milliseconds())/n, "shared-cpu-ms")
}
