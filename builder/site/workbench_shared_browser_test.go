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
	shared := 0
	for i, e := range keystrokes(big, 20) {
		if measureDrawn(t, ctx, e, "identity", false, i%2 == 0).shared {
			shared++
		}
	}
	// A keystroke answered later than the wait (16 ms) comes by message;
	// on a loaded machine some do, never all.
	if shared == 0 {
		t.Error("no keystroke of 20 was answered in its own task")
	}
	t.Logf("%d of 20 keystrokes answered in their own task", shared)

	// callNow's ways, each against the answer by message.
	// A Sid of 20 kB, which the answer repeats for every action the
	// statement allows: longer than the shared memory (2 MiB).
	long := `{"Version": "2012-10-17", "Statement": {"Sid": "` + strings.Repeat("Long", 5000) + `", "Effect": "Allow", "Action": "*", "Resource": "*"}}`
	got := run(t, ctx, chromedp.Evaluate[[]string](`(async (small, star) => {
		const P = window.iamrefPolicy, opts = JSON.stringify({kind: "identity", name: ""});
		const byMessage = async doc => JSON.stringify(await P.call("analysis", [doc, opts]));
		const out = [];
		// Answered within the wait: the answer itself, at once.
		let a = P.callNow("analysis", [small, opts], 10000);
		out.push(a === null || a === undefined ? "no answer: " + a : JSON.stringify(a) === await byMessage(small) ? "same" : "differs");
		// Not answered within the wait: null, then the promise gives it; a
		// second call while it is out is not made.
		a = P.callNow("analysis", [small + " ", opts], 0);
		const second = P.callNow("analysis", [small, opts], 10000);
		out.push(a === null ? "later" : "answered at once: " + a);
		out.push(second === undefined ? "refused" : "made: " + second);
		out.push(JSON.stringify(await P.callNow.later) === await byMessage(small + " ") ? "same" : "differs");
		// Too long for the shared memory: the message has it.
		a = P.callNow("analysis", [star, opts], 10000);
		out.push(a === null ? "later" : "answered at once: " + a);
		const s = await P.callNow.later;
		out.push(JSON.stringify(s) === await byMessage(star) ? "same" : "differs");
		out.push(s.report ? String(s.report.allowed.length) : JSON.stringify(s).slice(0, 300));
		// And the next call is answered at once again.
		a = P.callNow("analysis", [small, opts], 10000);
		out.push(a && a.report ? "answered" : "no answer: " + a);
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
	if n, err := strconv.Atoi(got[6]); err != nil || n == 0 {
		t.Errorf(`the answer too long for the shared memory allows %s, want every action ("Action": "*")`, got[6])
	}

	// Without the isolation headers (a host that does not send them):
	// no shared memory, every answer by message, the same drawing.
	plain := httptest.NewServer(withoutIsolation(withCSP(t, preview.FileServer(out))))
	defer plain.Close()
	run(t, ctx, chromedp.Navigate(plain.URL+"/analyze/"))
	if run(t, ctx, chromedp.Evaluate[bool](`window.crossOriginIsolated || window.iamrefPolicy.sharedAnswers || window.iamrefPolicy.callNow("analysis", ["{}", ""], 10) !== undefined`)) {
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
