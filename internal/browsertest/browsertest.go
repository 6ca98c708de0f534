// Package browsertest starts a headless Chromium for tests, through chromedp.
//
// The browser is Debian's chromium (/usr/bin/chromium, or the path in the
// CHROMIUM environment variable). Without it the test is skipped, except
// when CI is set: in CI a missing browser fails the test. go test -short
// skips every browser test.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Path returns the browser to run, or "" when there is none.
func Path() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// New starts a headless browser with a fresh profile and returns a
// context of one tab in it. Everything is torn down when the test ends.
// Call it before the test's slow setup: under -short it skips the test.
func New(t testing.TB) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("a browser test: skipped by -short")
	}
	path := Path()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no chromium found (set CHROMIUM or install Debian's chromium); CI requires the browser tests")
		}
		t.Skip("no chromium found: set CHROMIUM or apt-get install chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	// A headless tab never has the window focus, so focus events would not
	// fire; emulate a focused page, as a user's would be.
	focus := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
	if err := chromedp.Do(ctx, focus); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("starting %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return ctx
}
