package site

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// withoutHistory hides content/history, as in content that has none.
type withoutHistory struct{ fs.FS }

func (w withoutHistory) Open(name string) (fs.File, error) {
	if name == "history" || strings.HasPrefix(name, "history/") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return w.FS.Open(name)
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkHistoryPages measures what the history and quality pages add to
// the full build: assembling them (loading content/history included: the
// build assembled with the history against the build without), and
// rendering them and the action pages' history sections (CPU time of the
// rendering thread).
//
//	go test ./builder/site -run XXX -bench HistoryPages -benchtime 3x
func BenchmarkHistoryPages(b *testing.B) {
	content := os.DirFS("../../content")
	var wall, cpu, render, actions, actionsWithout time.Duration
	var pages, files, bytesOut int
	var buf bytes.Buffer
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		t, c := time.Now(), processCPU()
		without, _, err := prepare(context.Background(), Config{Content: withoutHistory{content}})
		if err != nil {
			b.Fatal(err)
		}
		wall -= time.Since(t)
		cpu -= processCPU() - c
		b.StartTimer()
		t, c = time.Now(), processCPU()
		bld, _, err := prepare(context.Background(), Config{Content: content})
		wall += time.Since(t)
		cpu += processCPU() - c
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		old := map[string]bool{}
		for _, j := range without.jobs {
			old[j.path] = true
		}
		pages, files, bytesOut = 0, 0, 0
		for _, j := range bld.jobs {
			if old[j.path] {
				continue
			}
			c := threadCPU()
			if j.kind == noKind {
				files++
				bytesOut += len(j.data)
				continue
			}
			buf.Reset()
			if err := bld.tmpl.execute(&buf, 0, j.kind, j.page); err != nil {
				b.Fatal(err)
			}
			render += threadCPU() - c
			pages++
			bytesOut += buf.Len()
		}
		for _, j := range bld.jobs {
			p, ok := j.page.(*ActionPage)
			if !ok {
				continue
			}
			buf.Reset()
			c := threadCPU()
			_ = bld.tmpl.execute(&buf, 0, j.kind, p)
			actions += threadCPU() - c
			with := buf.Len()
			h := p.History
			p.History = nil
			buf.Reset()
			c = threadCPU()
			_ = bld.tmpl.execute(&buf, 0, j.kind, p)
			actionsWithout += threadCPU() - c
			p.History = h
			bytesOut += with - buf.Len()
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(wall.Milliseconds())/n, "assemble-wall-ms")
	b.ReportMetric(float64(cpu.Milliseconds())/n, "assemble-cpu-ms")
	b.ReportMetric(float64(render.Milliseconds())/n, "render-new-pages-cpu-ms")
	b.ReportMetric(float64((actions-actionsWithout).Milliseconds())/n, "action-history-cpu-ms")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(files), "feeds")
	b.ReportMetric(float64(bytesOut)/1e6, "MB")
}
