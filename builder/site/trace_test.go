package site

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestTraceSummary reads a made-up trace of two keystrokes: the main
// thread's and the worker's tasks, the frames, and the path of each
// keystroke (post, worker, the wait for the main thread, the answer, the
// wait for the frame, the frame) are what its events say.
func TestTraceSummary(t *testing.T) {
	const main, worker = 1, 2
	var raw []json.RawMessage
	add := func(format string, args ...any) {
		raw = append(raw, json.RawMessage(fmt.Sprintf(format, args...)))
	}
	add(`{"name":"thread_name","ph":"M","pid":1,"tid":%d,"args":{"name":"CrRendererMain"}}`, main)
	add(`{"name":"thread_name","ph":"M","pid":1,"tid":%d,"args":{"name":"DedicatedWorker thread"}}`, worker)
	x := func(name string, tid int, ts, dur float64) {
		add(`{"name":%q,"cat":"devtools.timeline","ph":"X","pid":1,"tid":%d,"ts":%g,"dur":%g}`, name, tid, ts, dur)
	}
	mark := func(name string, ts float64) {
		add(`{"name":%q,"cat":"blink.user_timing","ph":"I","pid":1,"tid":%d,"ts":%g}`, name, main, ts)
	}
	// Two keystrokes, 100 ms apart, the second's parts twice the first's.
	for k, at := range []float64{1000, 101000} {
		f := float64(k + 1)
		mark("keystroke", at)
		x("ThreadControllerImpl::RunTask", main, at, 1000*f)        // the key
		x("ThreadControllerImpl::RunTask", main, at+2000*f, 3000*f) // the box's frame
		x("ProxyMain::BeginMainFrame", main, at+2000*f, 3000*f)
		x("Paint", main, at+2500*f, 500*f)
		x("ThreadControllerImpl::RunTask", worker, at+1500*f, 4000*f)
		x("HandlePostMessage", worker, at+1500*f, 4000*f)
		x("ThreadControllerImpl::RunTask", main, at+6000*f, 2500*f) // the answer
		x("HandlePostMessage", main, at+6000*f, 2500*f)
		x("ThreadControllerImpl::RunTask", main, at+12000*f, 1500*f) // the analysis's frame
		x("ProxyMain::BeginMainFrame", main, at+12000*f, 1500*f)
		mark("drawn", at+14000*f)
	}
	lines, err := traceSummary(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"trace: 2 keystrokes, keystroke to drawn p50 14.0 ms, p95 28.0 ms",
		"the page's main thread ran tasks p50 8.0 ms, p95 16.0 ms, the worker p50 4.0 ms, p95 8.0 ms; 4 frames of the main thread, p50 3.0 ms, p95 6.0 ms",
		"trace: the first (the box's own) frame, mean over 2: 4.50 ms, Paint 0.75, PrePaint 0.00",
		"trace: the last (the analysis's) frame, mean over 2: 2.25 ms",
		"trace: the path of a keystroke, p50 / p90 over 2, post 1.5 / 3.0 ms, worker 4.0 / 8.0 ms, wait for the main thread 0.5 / 1.0 ms, answer 2.5 / 5.0 ms, wait for the frame 3.5 / 7.0 ms, frame 1.5 / 3.0 ms",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the summary lacks %q; it is:\n%s", want, got)
		}
	}
	if _, err := traceSummary([]json.RawMessage{json.RawMessage(`{"name":"keystroke"`)}); err == nil {
		t.Error("an undecodable event: no error")
	}
}
