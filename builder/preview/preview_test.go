package preview

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"
)

// TestServeRebuildsAndReloads runs the preview server on a content
// directory, changes the content and expects a rebuilt page, a reload
// event for the open page that changed and none for the one that did not,
// the changed files passed to the build, and a reload at once for a page
// that comes back (from the back/forward cache) after it changed.
func TestServeRebuildsAndReloads(t *testing.T) {
	// A stand-in for the site's build: the page says what the content's
	// one file says, and carries the reload script; /other/ never changes.
	content := t.TempDir()
	file := filepath.Join(content, "describe.txt")
	if err := os.WriteFile(file, []byte("Grants permission to describe"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	calls := make(chan []string, 10)
	build := func(_ context.Context, changed []string) (Built, error) {
		calls <- changed
		data, err := os.ReadFile(file)
		if err != nil {
			return Built{}, err
		}
		for _, p := range []string{"demo/describe/index.html", "other/index.html"} {
			if err := os.MkdirAll(filepath.Join(out, filepath.Dir(p)), 0o755); err != nil {
				return Built{}, err
			}
		}
		if err := os.WriteFile(filepath.Join(out, "other", "index.html"), []byte("other"), 0o644); err != nil {
			return Built{}, err
		}
		page := filepath.Join(out, "demo", "describe", "index.html")
		return Built{Summary: "1 page", Files: []string{"/demo/describe/index.html"}}, os.WriteFile(page, append(data, `<script src="reload.js"></script>`...), 0o644)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, Config{
			Dir: out, Build: build, Addr: "127.0.0.1:0", Watch: []string{content, ""},
			Ready: func(addr string) { ready <- addr },
		})
	}()
	var base string
	select {
	case addr := <-ready:
		base = "http://" + addr
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server not ready after 30 s")
	}
	if first := <-calls; first != nil {
		t.Errorf("first build got changes %q, want nil", first)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(p string) string {
		t.Helper()
		resp, err := client.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", p, cc)
		}
		return string(b)
	}
	page := get("/demo/describe/")
	if !strings.Contains(page, "Grants permission to describe") || !strings.Contains(page, "reload.") {
		t.Fatalf("page before the change lacks its description or the reload script:\n%s", page)
	}

	// Listen for reload events as open pages do.
	listen := func(query string) <-chan string {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/_iamref/events?"+query, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Fatalf("events Content-Type = %q", ct)
		}
		lines := make(chan string, 100)
		go func() {
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		return lines
	}
	wait := func(lines <-chan string, want string, d time.Duration) {
		t.Helper()
		timeout := time.After(d)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("event stream closed before %q", want)
				}
				if l == want {
					return
				}
			case <-timeout:
				t.Fatalf("no %q within %s", want, d)
			}
		}
	}
	demo, other := listen("page=/demo/describe/"), listen("page=/other/")
	wait(demo, ": connected", 10*time.Second)
	wait(other, ": connected", 10*time.Second)

	if err := os.WriteFile(file, []byte("Grants permission to describe every widget"), 0o644); err != nil {
		t.Fatal(err)
	}
	wait(demo, "event: reload", 30*time.Second)
	if changed := <-calls; len(changed) != 1 || changed[0] != file {
		t.Errorf("rebuild got changes %q, want [%s]", changed, file)
	}
	if page := get("/demo/describe/"); !strings.Contains(page, "Grants permission to describe every widget") {
		t.Error("page not rebuilt after the content changed")
	}
	// A page shown again says when its copy was modified: an older copy
	// reloads at once, a current one does not.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(out, "other", "index.html"), old, old); err != nil {
		t.Fatal(err)
	}
	wait(listen(fmt.Sprintf("page=/demo/describe/&modified=%d", old.UnixMilli())), "event: reload", 10*time.Second)
	again := listen(fmt.Sprintf("page=/other/&modified=%d", old.UnixMilli()))
	wait(again, ": connected", 10*time.Second)
	for _, lines := range []<-chan string{other, again} {
		quiet := time.After(500 * time.Millisecond)
	drain:
		for {
			select {
			case l := <-lines:
				if l == "event: reload" {
					t.Error("a page that did not change was told to reload")
				}
			case <-quiet:
				break drain
			}
		}
	}

	stopServe(t, cancel, done)
}

func TestEncodingQ(t *testing.T) {
	for _, tt := range []struct {
		accept   []string
		br, gzip float64
	}{
		{nil, 0, 0},
		{[]string{"gzip, deflate, br"}, 1, 1},
		{[]string{"br;q=0, gzip"}, 0, 1},
		{[]string{"gzip;q=0.5", "br;q=0.8"}, 0.8, 0.5},
		{[]string{"*"}, 1, 1},
		{[]string{"*;q=0.3, gzip;q=0"}, 0.3, 0},
		{[]string{"x-gzip"}, 0, 1},
		{[]string{"brotli, xgzip"}, 0, 0}, // no substrings
		{[]string{"xbr, gzip;q=0.1"}, 0, 0.1},
		{[]string{"br;q=0"}, 0, 0},
		{[]string{"BR ; Q=0.9"}, 0.9, 0},
		{[]string{"br;q=2, gzip;q=x"}, 0, 0}, // not weights: ignored
	} {
		if br, gz := encodingQ(tt.accept, "br"), encodingQ(tt.accept, "gzip"); br != tt.br || gz != tt.gzip {
			t.Errorf("%q: br %v gzip %v, want %v %v", tt.accept, br, gz, tt.br, tt.gzip)
		}
	}
}

// TestFileServer: directories redirect to their cleaned path, never to
// another host; the precompressed copy served is the one accepted.
func TestFileServer(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"chime/index.html": "chime", "404.html": "not found", "app.js": "plain", "app.js.br": "brotli", "app.js.gz": "gzip",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(FileServer(dir))
	defer srv.Close()
	// As sent: no Accept-Encoding of the transport's own, nothing decompressed.
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	get := func(p, accept string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+p, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	for p, want := range map[string]string{"/chime": "/chime/", "/%2Fchime": "/chime/", "//chime": "/chime/", "/./chime": "/chime/"} {
		resp, _ := get(p, "")
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("GET %s = %d, Location %q; want 301 to %s", p, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	if resp, body := get("/nowhere/", ""); resp.StatusCode != 404 || body != "not found" {
		t.Errorf("GET /nowhere/ = %d %q", resp.StatusCode, body)
	}
	for accept, want := range map[string]string{"": "plain", "gzip, br": "brotli", "br;q=0, gzip": "gzip", "gzip;q=1, br;q=0.5": "gzip", "br;q=0, gzip;q=0": "plain", "identity": "plain"} {
		resp, body := get("/app.js", accept)
		if body != want {
			t.Errorf("Accept-Encoding %q: got %q (Content-Encoding %q), want %q", accept, body, resp.Header.Get("Content-Encoding"), want)
		}
		if resp.Header.Get("Vary") != "Accept-Encoding" || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
			t.Errorf("Accept-Encoding %q: headers %v", accept, resp.Header)
		}
	}
}

// TestFileServerHost: only GET and HEAD are answered (POST, PUT, DELETE and
// TRACE got the page), every response carries the production headers, and
// no path redirects to another host; for FileServer and for the whole
// preview server (whose mux redirects unclean paths itself).
func TestFileServerHost(t *testing.T) {
	for name, h := range map[string]func(dir string) http.Handler{
		"FileServer": FileServer,
		"Serve":      func(dir string) http.Handler { return handler(dir, newReloader(dir)) },
	} {
		t.Run(name, func(t *testing.T) { testHost(t, h) })
	}
}

func testHost(t *testing.T, h func(dir string) http.Handler) {
	dir := t.TempDir()
	for name, data := range map[string]string{"chime/index.html": "chime", "404.html": "not found", "_redirects": "/old /chime/\n"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(h(dir))
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	do := func(method, p string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+p, nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "TRACE", "PATCH", "OPTIONS"} {
		resp, body := do(m, "/chime/")
		for k, v := range SiteHeaders {
			if resp.Header.Get(k) != v {
				t.Errorf("%s /chime/: %s = %q, want %q", m, k, resp.Header.Get(k), v)
			}
		}
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" || strings.Contains(body, "chime") {
			t.Errorf("%s /chime/ = %d, Allow %q, %q; want 405", m, resp.StatusCode, resp.Header.Get("Allow"), body)
		}
	}
	if resp, body := do("HEAD", "/chime/"); resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD /chime/ = %d %q", resp.StatusCode, body)
	}
	for _, p := range []string{"/chime/", "/nowhere/", "/chime", "/old"} {
		resp, _ := do("GET", p)
		for k, v := range SiteHeaders {
			if resp.Header.Get(k) != v {
				t.Errorf("GET %s: %s = %q, want %q", p, k, resp.Header.Get(k), v)
			}
		}
		if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "//") || strings.Contains(loc, "://") || strings.HasPrefix(loc, "/\\") {
			t.Errorf("GET %s redirects to another host: %s", p, loc)
		}
	}
	// Paths that a browser would read as another host, however spelt.
	for _, p := range []string{"/%2Fchime", "//chime", "/%2F%2Fchime", "/%5Cchime", "/%2F%5Cevil.example", "//evil.example/", "/./%2Fchime/..", "/%2Fchime/", "///chime"} {
		resp, _ := do("GET", p)
		for k, v := range SiteHeaders {
			if resp.Header.Get(k) != v {
				t.Errorf("GET %s: %s = %q, want %q", p, k, resp.Header.Get(k), v)
			}
		}
		if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.Contains(loc, "://") {
			t.Errorf("GET %s: Location %q", p, loc)
		}
	}
}

// TestSiteHeadersAreNetlifys: the preview's headers are those netlify.toml
// sends with every page.
func TestSiteHeadersAreNetlifys(t *testing.T) {
	var cfg struct {
		Headers []struct {
			For    string
			Values map[string]string
		}
	}
	if _, err := toml.DecodeFile("../../netlify.toml", &cfg); err != nil {
		t.Fatal(err)
	}
	for _, r := range cfg.Headers {
		if r.For == "/*" {
			if diff := cmp.Diff(r.Values, SiteHeaders); diff != "" {
				t.Errorf("SiteHeaders differ from netlify.toml's headers for /* (-netlify +preview):\n%s", diff)
			}
			return
		}
	}
	t.Fatal("netlify.toml has no headers for /*")
}

// TestSnapshotTreeIgnoresEditorFiles: a change to the content is seen; a
// change to an editor's swap file, lock or backup, which the build does
// not read, is not (vim rewrites its swap file as one types).
func TestSnapshotTreeIgnoresEditorFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("catalog/chime.json", "{}")
	before := snapshotTree([]string{dir})
	for _, name := range []string{"catalog/.chime.json.swp", "catalog/chime.json~", "catalog/#chime.json#", ".DS_Store", ".git/index"} {
		write(name, "junk")
	}
	if ch := changedFiles(before, snapshotTree([]string{dir})); len(ch) > 0 {
		t.Errorf("editor files changed the snapshot: %q", ch)
	}
	write("catalog/chime.json", "{ }")
	want := []string{filepath.Join(dir, "catalog", "chime.json")}
	if ch := changedFiles(before, snapshotTree([]string{dir})); !slices.Equal(ch, want) {
		t.Errorf("a change to the content: changed %q, want %q", ch, want)
	}
}

// TestServeChangeInterruptsFollowUp: a change saved while the follow-up a
// build asked for (Built.Again: the search index) runs cancels it; the
// change is built next, and the follow-up asked for again after it.
func TestServeChangeInterruptsFollowUp(t *testing.T) {
	content := t.TempDir()
	file := filepath.Join(content, "intro.md")
	if err := os.WriteFile(file, []byte("# Intro"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	calls := make(chan string, 10)
	release := make(chan struct{}) // lets the second follow-up finish
	followUps := 0
	build := func(ctx context.Context, changed []string) (Built, error) {
		switch {
		case changed == nil:
			calls <- "first"
			return Built{Summary: "first"}, nil
		case len(changed) > 0:
			calls <- "change"
			return Built{Summary: "pages", Again: true}, nil
		}
		followUps++
		if followUps == 1 {
			calls <- "follow-up"
			<-ctx.Done() // never finishes on its own
			calls <- "follow-up interrupted"
			return Built{Summary: "index, interrupted", Again: true}, nil
		}
		calls <- "follow-up again"
		select {
		case <-release:
			return Built{Summary: "index"}, nil
		case <-ctx.Done():
			return Built{Summary: "index, interrupted", Again: true}, nil
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, Config{Dir: out, Build: build, Addr: "127.0.0.1:0", Watch: []string{content}})
	}()
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-calls:
			if got != want {
				t.Fatalf("build call %q, want %q", got, want)
			}
		case err := <-done:
			t.Fatalf("Serve returned %v before %q", err, want)
		case <-time.After(30 * time.Second):
			t.Fatalf("no %q within 30 s", want)
		}
	}
	expect("first")
	if err := os.WriteFile(file, []byte("# Intro, edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect("change")
	expect("follow-up")
	if err := os.WriteFile(file, []byte("# Intro, edited twice"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect("follow-up interrupted")
	expect("change")
	expect("follow-up again")
	close(release)
	stopServe(t, cancel, done)
	select {
	case got := <-calls:
		t.Errorf("an extra build call %q", got)
	default:
	}
}

// stopServe cancels Serve's context and expects it to return nil soon.
func stopServe(t *testing.T, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Serve did not stop within 10 s of cancel")
	}
}
