package site

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// traceTo records Chromium's trace (the timeline's categories: tasks,
// style, layout, paint, scripts, the worker's too) while f runs, and
// writes it to file in the trace event format chrome://tracing and
// Perfetto read. For the notes, behind IAMREF_WORKBENCH_TRACE: not a test.
func traceTo(t *testing.T, ctx context.Context, file string, f func()) {
	t.Helper()
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	collected := chromedp.Events(lctx, tracing.DataCollected)
	complete := chromedp.Events(lctx, tracing.TracingComplete)
	type result struct {
		events []json.RawMessage
		err    error
	}
	events := make(chan result)
	go func() {
		var r result
		for ev, err := range collected {
			if err != nil {
				break
			}
			for _, v := range ev.Value {
				b, err := json.Marshal(v)
				if err != nil && r.err == nil {
					r.err = err
				}
				r.events = append(r.events, b)
			}
		}
		events <- r
	}()
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, tracing.Start, tracing.StartParams{
			TransferMode: tracing.StartTransferModeReportEvents,
			TraceConfig: &tracing.TraceConfig{
				RecordMode: tracing.TraceConfigRecordModeRecordUntilFull,
				IncludedCategories: []string{"devtools.timeline", "disabled-by-default-devtools.timeline",
					"disabled-by-default-devtools.timeline.frame", "v8.execute", "blink.user_timing", "toplevel", "cc", "viz", "gpu", "latencyInfo", "input", "benchmark"},
			},
		})
		return err
	}))
	f()
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, tracing.End, cdp.Empty{})
		return err
	}))
	for _, err := range complete {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	cancel()
	r := <-events
	if r.err != nil {
		t.Fatalf("an event of the trace: %v", r.err)
	}
	all := r.events
	out, err := json.Marshal(map[string]any{"traceEvents": all})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("trace: %d events in %s", len(all), file)
	lines, err := traceSummary(all)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range lines {
		t.Log(line)
	}
}

// traceEvent is what traceSummary reads of a trace event.
type traceEvent struct {
	Name string  `json:"name"`
	Cat  string  `json:"cat"`
	Ph   string  `json:"ph"`
	Ts   float64 `json:"ts"`  // µs
	Dur  float64 `json:"dur"` // µs, for complete ("X") events
	Pid  int     `json:"pid"`
	Tid  int     `json:"tid"`
	Args struct {
		Name string `json:"name"` // a thread's, in its metadata event
	} `json:"args"`
}

// traceSummary says, for the keystrokes of a trace (each from the page's
// "keystroke" mark to its "drawn" mark), how long the page's main thread
// and the engine's worker ran tasks, how long the main thread's frames
// took, and what the first frame after the keystroke (the box's own) and
// the last (the analysis's) spent their time on.
func traceSummary(raw []json.RawMessage) ([]string, error) {
	var evs []traceEvent
	threads := map[[2]int]string{}
	for i, r := range raw {
		var e traceEvent
		if err := json.Unmarshal(r, &e); err != nil {
			return nil, fmt.Errorf("the trace's event %d: %v", i, err)
		}
		if e.Ph == "M" && e.Name == "thread_name" {
			threads[[2]int{e.Pid, e.Tid}] = e.Args.Name
		}
		evs = append(evs, e)
	}
	slices.SortStableFunc(evs, func(a, b traceEvent) int { return cmp.Compare(a.Ts, b.Ts) })
	var wins []struct{ from, to float64 }
	var main [2]int
	from := -1.0
	for _, e := range evs {
		if !strings.HasPrefix(e.Cat, "blink.user_timing") {
			continue
		}
		switch e.Name {
		case "keystroke":
			from, main = e.Ts, [2]int{e.Pid, e.Tid}
		case "drawn":
			if from >= 0 {
				wins = append(wins, struct{ from, to float64 }{from, e.Ts})
				from = -1
			}
		}
	}
	if len(wins) == 0 {
		return nil, fmt.Errorf("no keystroke in the trace (no \"keystroke\" and \"drawn\" marks)")
	}
	var spans, mainBusy, workerBusy, frames []float64
	parts := []string{"Paint", "PrePaint", "Layerize", "Commit", "UpdateLayoutTree", "Layout", "IntersectionObserverController::computeIntersections"}
	// The first frame after a keystroke (the box's own) and the last (the
	// analysis's): their time by part, their whole under "".
	ends := [2]struct {
		name  string
		parts map[string]float64
	}{{"first (the box's own)", map[string]float64{}}, {"last (the analysis's)", map[string]float64{}}}
	counted := 0
	for _, w := range wins {
		spans = append(spans, (w.to-w.from)/1000)
		var mb, wb float64
		var fs []traceEvent
		for _, e := range evs {
			if e.Ph != "X" || e.Ts < w.from || e.Ts > w.to {
				continue
			}
			th := [2]int{e.Pid, e.Tid}
			if e.Name == "ThreadControllerImpl::RunTask" {
				if th == main {
					mb += e.Dur
				} else if strings.HasPrefix(threads[th], "DedicatedWorker") {
					wb += e.Dur
				}
			}
			if th == main && e.Name == "ProxyMain::BeginMainFrame" && e.Dur > 500 {
				fs = append(fs, e)
				frames = append(frames, e.Dur/1000)
			}
		}
		mainBusy, workerBusy = append(mainBusy, mb/1000), append(workerBusy, wb/1000)
		if len(fs) == 0 {
			continue
		}
		counted++
		for i, f := range [2]traceEvent{fs[0], fs[len(fs)-1]} {
			m := ends[i].parts
			m[""] += f.Dur / 1000
			for _, e := range evs {
				if e.Ph == "X" && e.Pid == f.Pid && e.Tid == f.Tid && e.Ts >= f.Ts && e.Ts+e.Dur <= f.Ts+f.Dur && slices.Contains(parts, e.Name) {
					m[e.Name] += e.Dur / 1000
				}
			}
		}
	}
	out := []string{fmt.Sprintf("trace: %d keystrokes, keystroke to drawn p50 %.1f ms, p95 %.1f ms (the trace's own cost included); per keystroke, the page's main thread ran tasks p50 %.1f ms, p95 %.1f ms, the worker p50 %.1f ms, p95 %.1f ms; %d frames of the main thread, p50 %.1f ms, p95 %.1f ms",
		len(wins), percentile(spans, 50), percentile(spans, 95), percentile(mainBusy, 50), percentile(mainBusy, 95), percentile(workerBusy, 50), percentile(workerBusy, 95), len(frames), percentile(frames, 50), percentile(frames, 95))}
	for _, end := range ends {
		m := end.parts
		line := fmt.Sprintf("trace: the %s frame, mean over %d: %.2f ms", end.name, counted, m[""]/float64(max(1, counted)))
		for _, p := range parts {
			line += fmt.Sprintf(", %s %.2f", strings.TrimPrefix(p, "IntersectionObserverController::"), m[p]/float64(max(1, counted)))
		}
		out = append(out, line)
	}
	return append(out, criticalPath(evs, wins, threads, main)...), nil
}

// criticalPath says where a keystroke's time goes on its way to the
// screen, p50 / p90 over the keystrokes of a trace: from the key to the
// worker's task (the post), the worker's task (the engine), the answer's
// wait for the page's main thread (busy with the box's own frame), the
// answer's task (parsing, drawing), the wait for the next frame (the
// display's period), and that frame.
func criticalPath(evs []traceEvent, wins []struct{ from, to float64 }, threads map[[2]int]string, main [2]int) []string {
	names := []string{"post", "worker", "wait for the main thread", "answer", "wait for the frame", "frame"}
	parts := make([][]float64, len(names))
	for _, w := range wins {
		var worker, answer, frame *traceEvent
		for i := range evs {
			e := &evs[i]
			if e.Ph != "X" || e.Ts < w.from || e.Ts > w.to {
				continue
			}
			th := [2]int{e.Pid, e.Tid}
			switch {
			case e.Name == "HandlePostMessage" && worker == nil && strings.HasPrefix(threads[th], "DedicatedWorker"):
				worker = e
			case e.Name == "HandlePostMessage" && th == main && worker != nil && e.Ts >= worker.Ts+worker.Dur:
				answer, frame = e, nil // the last answer of the window
			case e.Name == "ProxyMain::BeginMainFrame" && th == main && answer != nil && frame == nil && e.Ts >= answer.Ts+answer.Dur:
				frame = e
			}
		}
		if worker == nil || answer == nil || frame == nil {
			continue
		}
		for i, v := range []float64{worker.Ts - w.from, worker.Dur, answer.Ts - worker.Ts - worker.Dur, answer.Dur, frame.Ts - answer.Ts - answer.Dur, frame.Dur} {
			parts[i] = append(parts[i], v/1000)
		}
	}
	if len(parts[0]) == 0 {
		return nil
	}
	line := fmt.Sprintf("trace: the path of a keystroke, p50 / p90 over %d", len(parts[0]))
	for i, n := range names {
		line += fmt.Sprintf(", %s %.1f / %.1f ms", n, percentile(parts[i], 50), percentile(parts[i], 90))
	}
	return []string{line}
}
