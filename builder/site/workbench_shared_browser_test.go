package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/preview"
)

// testSharedAnswers checks the answer in the keystroke's own frame
// (static/js/policy-engine.js's callNow): under the site's headers the
// page is cross-origin isolated and typed keystrokes are answered in
// their own task, from the memory the page shares with the worker; each
// of callNow's ways (answered in the wait, too long for the memory, not
// answered within the wait, a call still out) gives the answer the
// message does. Served without the isolation headers, the page analyses
// as before, by message.
func testSharedAnswers(t *testing.T, ctx context.Context, base, out string, cat *catalog.Catalog) {
	big := timingDocument(cat)
	run(t, ctx, chromedp.Navigate(base+"/analyze/"))
	if !run(t, ctx, chromedp.Evaluate[bool](`window.crossOriginIsolated && window.iamrefPolicy.sharedAnswers`)) {
		t.Fatal("under the site's headers the page is not cross-origin isolated, or shares no memory with its worker")
	}
	measureDrawn(t, ctx, big, "identity", false, false)
	// A keystroke answered later than the wait (16 ms) comes by message,
	// and the next one does not wait: on a loaded machine many do, never
	// all. Up to 60 keystrokes, until 5 are answered in their own task.
	shared, typed := 0, 0
	for i, e := range keystrokes(big, 60) {
		typed++
		if measureDrawn(t, ctx, e, "identity", false, i%2 == 0).shared {
			shared++
		}
		if shared == 5 {
			break
		}
	}
	if shared == 0 {
		t.Errorf("no keystroke of %d was answered in its own task", typed)
	}
	t.Logf("%d of %d keystrokes answered in their own task", shared, typed)

	// callNow's ways, each against the answer by message.
	// A Sid of 1.5 MB, which the answer writes in the statements and with
	// the action the statement allows: longer than the shared memory
	// (2 MiB), on any catalog.
	long := `{"Version": "2012-10-17", "Statement": {"Sid": "` + strings.Repeat("Long", 375000) + `", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`
	got := run(t, ctx, chromedp.Evaluate[[]string](`(async (small, long) => {
		const P = window.iamrefPolicy, opts = JSON.stringify({kind: "identity", name: ""});
		const byMessage = async doc => JSON.stringify(await P.call("analysis", [doc, opts]));
		const out = [];
		// Answered within the wait: the answer itself, at once.
		let a = P.callNow("analysis", [small, opts], 10000);
		out.push(a && a.answer ? (JSON.stringify(a.answer) === await byMessage(small) ? "same" : "differs") : "no answer: " + JSON.stringify(a));
		// Not answered within the wait: a promise of it; a second call
		// while it is out is not made.
		a = P.callNow("analysis", [small + " ", opts], 0);
		const second = P.callNow("analysis", [small, opts], 10000);
		out.push(a && a.later && !a.answer ? "later" : "answered at once: " + JSON.stringify(a));
		out.push(second === null ? "refused" : "made: " + JSON.stringify(second));
		out.push(JSON.stringify(await a.later) === await byMessage(small + " ") ? "same" : "differs");
		// Too long for the shared memory: the message has it.
		a = P.callNow("analysis", [long, opts], 10000);
		out.push(a && a.later && !a.answer ? "later" : "answered at once: " + JSON.stringify(a).slice(0, 200));
		const s = await a.later;
		out.push(JSON.stringify(s) === await byMessage(long) ? "same" : "differs");
		out.push(s.report ? String(JSON.stringify(s).length) : JSON.stringify(s).slice(0, 300));
		// And the next call is answered at once again.
		a = P.callNow("analysis", [small, opts], 10000);
		out.push(a && a.answer && a.answer.report ? "answered" : "no answer: " + JSON.stringify(a));
		return out;
	})(`+jsString(big)+`, `+jsString(long)+`)`, chromedp.EvalAwaitPromise))
	want := []string{"same", "later", "refused", "same", "later", "same", "", "answered"}
	if len(got) != len(want) {
		t.Fatalf("callNow's ways = %q", got)
	}
	for i, w := range want {
		if w != "" && got[i] != w {
			t.Errorf("callNow's way %d = %q, want %q (all: %q)", i+1, got[i], w, got)
		}
	}
	if n, err := strconv.Atoi(got[6]); err != nil || n <= 2<<20 {
		t.Errorf("the answer too long for the shared memory: %s, want a report of more than 2 MiB", got[6])
	}

	// Without the isolation headers (a host that does not send them):
	// no shared memory, every answer by message, the same drawing.
	plain := httptest.NewServer(withoutIsolation(withCSP(t, preview.FileServer(out))))
	defer plain.Close()
	run(t, ctx, chromedp.Navigate(plain.URL+"/analyze/"))
	if run(t, ctx, chromedp.Evaluate[bool](`window.crossOriginIsolated || window.iamrefPolicy.sharedAnswers || window.iamrefPolicy.callNow("analysis", ["{}", ""], 10) !== null`)) {
		t.Fatal("without the isolation headers the page still shares memory with its worker")
	}
	measureDrawn(t, ctx, big, "identity", false, false)
	for i, e := range keystrokes(big, 6) {
		if measureDrawn(t, ctx, e, "identity", false, i%2 == 0).shared {
			t.Errorf("keystroke %d answered from shared memory on a page that is not isolated", i+1)
		}
	}
}

// withoutIsolation serves h's responses without the cross-origin
// isolation headers.
func withoutIsolation(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(stripIsolation{w}, r)
	})
}

type stripIsolation struct{ http.ResponseWriter }

func (s stripIsolation) WriteHeader(code int) {
	for k := range s.Header() {
		if strings.HasPrefix(k, "Cross-Origin-") {
			s.Header().Del(k)
		}
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s stripIsolation) Write(b []byte) (int, error) {
	if _, ok := s.Header()["Cross-Origin-Opener-Policy"]; ok {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}
