package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/internal/browsertest"
	"github.com/iamref/iamref/internal/sitetest"
)

// TestPreviewBackForward browses more than six pages of the preview server
// and back and forth: each navigation must finish at once, which it did not
// while the pages in the back/forward cache held their reload streams open
// (Chromium's six connections per host used up, the next page waited a
// minute). A page shown again from the cache still reloads when a rebuild
// changes it, whether the edit came while it was shown or while it was
// hidden.
func TestPreviewBackForward(t *testing.T) {
	ctx := browsertest.New(t)
	dir := sitetest.WriteDir(t, sitetest.TxtarFS(t, sessionSite))
	out := filepath.Join(t.TempDir(), "public")
	s := NewSession(Config{Content: os.DirFS(dir), Out: out, Dev: true})
	build := func(ctx context.Context, changed []string) (preview.Built, error) {
		var ch Changes
		for _, f := range changed {
			r, _ := filepath.Rel(dir, f)
			ch.Content = append(ch.Content, filepath.ToSlash(r))
		}
		r, err := s.Build(ctx, ch)
		return preview.Built{Summary: r.String(), Files: r.Changed, All: r.All, Again: r.Again}, err
	}
	sctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- preview.Serve(sctx, preview.Config{Dir: out, Addr: "127.0.0.1:0", Build: build, Watch: []string{dir}, Ready: func(a string) { ready <- a }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		t.Fatal(err)
	}
	// quick runs a step that must not wait for a connection: well under
	// the minute the stall lasted.
	quick := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, stop := context.WithTimeout(ctx, 20*time.Second)
		defer stop()
		start := time.Now()
		if _, err := chromedp.Run(c, a); err != nil {
			t.Fatalf("%s: %v after %s", what, err, time.Since(start).Round(time.Millisecond))
		}
	}
	// travel goes back or forward in the history and waits for the page
	// at want: a page restored from the cache fires no load event, which
	// chromedp's NavigateBack waits for.
	travel := func(how, want string) {
		t.Helper()
		run(t, ctx, chromedp.Evaluate[bool](how+`, true`))
		start := time.Now()
		for {
			at := run(t, ctx, chromedp.Evaluate[string](`document.readyState == "complete" ? location.pathname : ""`))
			if at == want {
				return
			}
			if time.Since(start) > 20*time.Second {
				t.Fatalf("%s to %s: at %q after %s", how, want, at, time.Since(start).Round(time.Millisecond))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	text := func() string {
		return run(t, ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	}
	waitText := func(want string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(text(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("the page never showed %q", want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	pages := []string{"/", "/demo/", "/demo/CreateWidget/", "/demo/DeleteWidget/", "/demo/DescribeWidget/", "/demo/ListWidgets/", "/demo/TagWidget/",
		"/other/", "/other/GetThing/", "/other/PutThing/", "/lone/", "/lone/Ping/", "/demo/guides/intro/", "/other/guides/setup/"}
	for _, p := range pages {
		quick("open "+p, chromedp.Navigate(base+p))
		run(t, ctx, chromedp.Evaluate[bool](`window.iamrefMark = true`))
	}
	restored := 0
	for i := len(pages) - 2; i >= len(pages)-11; i-- {
		travel("history.back()", pages[i])
		if run(t, ctx, chromedp.Evaluate[bool](`window.iamrefMark === true`)) {
			restored++
		}
	}
	for i := len(pages) - 10; i < len(pages)-6; i++ {
		travel("history.forward()", pages[i])
	}
	t.Logf("%d of 10 pages came back from the back/forward cache", restored)
	for _, p := range []string{"/examples/", "/policies/", "/conditions/", "/access-levels/"} {
		quick("open "+p, chromedp.Navigate(base+p))
	}

	// An edit while the guide is shown, after it came back from the cache.
	quick("open the guide", chromedp.Navigate(base+"/demo/guides/intro/"))
	quick("open another page", chromedp.Navigate(base+"/other/"))
	travel("history.back()", "/demo/guides/intro/")
	guide := filepath.Join(dir, "guides", "demo", "intro.md")
	edit := func(old, new string) {
		t.Helper()
		data, err := os.ReadFile(guide)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(guide, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("Start from the read-only example.", "Start from the first edit.")
	waitText("Start from the first edit.")

	// An edit while the guide is hidden in the cache: shown again, it
	// reloads at once.
	run(t, ctx, chromedp.Evaluate[bool](`window.iamrefMark = true`))
	quick("open another page", chromedp.Navigate(base+"/other/"))
	// Last-Modified counts whole seconds: the copy shown must be older by
	// one at least.
	time.Sleep(1100 * time.Millisecond)
	edit("Start from the first edit.", "Start from the second edit.")
	// The rebuild is seen within 0.4 s and takes a moment on the small site.
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(filepath.Join(out, "demo", "guides", "intro", "index.html"))
		if strings.Contains(string(data), "second edit") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the guide was not rebuilt")
		}
		time.Sleep(100 * time.Millisecond)
	}
	travel("history.back()", "/demo/guides/intro/")
	waitText("Start from the second edit.")
}
