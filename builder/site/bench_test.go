package site

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// BenchmarkBuildFull builds the whole shipped site (every AWS service) into a
// temporary directory. Budget (issue 2): less wall time than Hugo for the same
// pages on the same machine (about 6 s for 23,234 pages on 2 cores) and under
// 500 MiB peak memory; the README says how to measure both.
func BenchmarkBuildFull(b *testing.B) {
	benchmarkBuild(b, os.DirFS("../../content"))
}

// BenchmarkBuildChime builds the site of one service, Amazon Chime.
func BenchmarkBuildChime(b *testing.B) {
	benchmarkBuild(b, onlyServices(b, os.DirFS("../../content"), "chime"))
}

// benchmarkBuild builds with cmd/build's collector settings and reports,
// beside the time, what does not depend on the machine's load: the
// collections per build and the bytes allocated.
func benchmarkBuild(b *testing.B, content fs.FS) {
	defer debug.SetGCPercent(debug.SetGCPercent(GCPercent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(MemoryLimit))
	out := filepath.Join(b.TempDir(), "public")
	var stats Stats
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		stats, err = Build(context.Background(), Config{Content: content, Out: out})
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

// onlyServices copies the content that belongs to the given service
// prefixes (and everything that is not per service) into a MapFS.
func onlyServices(tb testing.TB, content fs.FS, prefixes ...string) fstest.MapFS {
	keep := map[string]bool{}
	for _, p := range prefixes {
		keep[p] = true
	}
	m := fstest.MapFS{}
	err := fs.WalkDir(content, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if p == URLManifest || strings.HasPrefix(p, "history/") {
			return nil // the manifest and the history describe every service; a subset would fail them
		}
		dir, name := filepath.Split(p)
		switch dir {
		case "catalog/", "services/":
			base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".yaml")
			if (strings.HasSuffix(name, ".json") || dir == "services/") && !keep[base] && p != "catalog/global-condition-keys.json" {
				return nil
			}
		}
		if strings.HasPrefix(p, "guides/") && !keep[strings.Split(p, "/")[1]] {
			return nil
		}
		data, err := fs.ReadFile(content, p)
		if err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

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
			if j.kind == "" || (only != "" && j.kind != only) {
				continue
			}
			buf.Reset()
			t := threadCPU()
			if err := bld.tmpl.execute(&buf, j.kind, j.page); err != nil {
				b.Fatal(err)
			}
			cpu[j.kind] += threadCPU() - t
			size[j.kind] += buf.Len()
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
