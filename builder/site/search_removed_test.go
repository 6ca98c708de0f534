package site

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
	"github.com/iamref/iamref/internal/browsertest"
)

// TestSearchTombstones builds the history site (historySnapshots: demo's
// OldThing and getPolicy and the service gone were removed) with search:
// the removed actions and services are in the index as their own kinds,
// linked to their tombstone pages, after the live ones; in the browser,
// typing a removed action's name finds its tombstone, marked removed with
// the date.
func TestSearchTombstones(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	cfg := Config{Content: historyContent(t, historySnapshots()), Out: out, BaseURL: "https://iamref.example", Search: true, ModuleRoot: root}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	m, err := search.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	names, err := os.ReadFile(filepath.Join(out, m.Index))
	if err != nil {
		t.Fatal(err)
	}
	descs, err := os.ReadFile(filepath.Join(out, m.Descriptions))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := query.OpenAll(names, descs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q, id, kind, url, removed string
		place                     int // among the hits
	}{
		{"demo:OldThing", "demo:OldThing", search.RemovedAction, "/demo/OldThing/", "2025-06-01", 0},
		{"OldThing", "demo:OldThing", search.RemovedAction, "/demo/OldThing/", "2025-06-01", 0},
		{"old thing", "demo:OldThing", search.RemovedAction, "/demo/OldThing/", "2025-06-01", 0},
		{"gone", "gone", search.RemovedService, "/gone/", "2026-06-14", 0},
		{"gone:Ping", "gone:Ping", search.RemovedAction, "/gone/Ping/", "2026-06-14", 0},
		// the live GetPolicy first, then the removed getPolicy
		{"demo:getpolicy", "demo:GetPolicy", "action", "/demo/GetPolicy/", "", 0},
		{"demo:getpolicy", "demo:getPolicy", search.RemovedAction, "/demo/getPolicy/", "2026-06-14", 1},
	} {
		r := eng.Search(tc.q, 5)
		if len(r.Hits) <= tc.place {
			t.Errorf("%q: %d hits", tc.q, len(r.Hits))
			continue
		}
		h := r.Hits[tc.place]
		if h.ID != tc.id || h.Kind != tc.kind || h.URL != tc.url || h.Removed != tc.removed {
			t.Errorf("%q: hit %d is %+v; want %s (%s) at %s, removed %q", tc.q, tc.place, h, tc.id, tc.kind, tc.url, tc.removed)
			continue
		}
		if _, err := os.Stat(filepath.Join(out, tc.url, "index.html")); err != nil {
			t.Errorf("%q: %s has no page: %v", tc.q, tc.url, err)
		}
	}
	if testing.Short() {
		return
	}

	ctx := browsertest.New(t)
	srv := httptest.NewServer(withCSP(t, preview.FileServer(out)))
	defer srv.Close()
	console := collectConsole(ctx)
	run(t, ctx, chromedp.Navigate(srv.URL+"/demo/"))
	focusSearch(t, ctx)
	run(t, ctx, chromedp.KeyEvent("OldThing"))
	waitFirstHit(t, ctx, "demo:OldThing")
	row := run(t, ctx, chromedp.Evaluate[string](`(() => { const r = document.querySelector("#search-results .search-hit"); return r.className + "|" + r.querySelector(".search-head").textContent + "|" + r.querySelector("a").getAttribute("href") + "|" + r.querySelectorAll("button").length; })()`))
	if parts := strings.Split(row, "|"); len(parts) != 4 || !strings.Contains(parts[0], "search-kind-removed-action") ||
		!strings.Contains(parts[1], "removed action") || !strings.Contains(parts[1], "removed on 2025-06-01") || !strings.HasSuffix(parts[2], "/demo/OldThing/") || parts[3] != "0" {
		t.Errorf("the tombstone's row reads %q: want its kind, the date, a link to /demo/OldThing/ and no Add to policy", row)
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitPath(t, ctx, srv.URL+"/demo/OldThing/")
	if title := run(t, ctx, chromedp.Evaluate[string](`document.title`)); !strings.Contains(title, "removed action") {
		t.Errorf("Enter opened %q, want the tombstone", title)
	}
	if errs := console.errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}
