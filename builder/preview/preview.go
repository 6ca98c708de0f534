// Package preview serves a built site the way the production host does,
// rebuilds it when its sources change and tells the open pages to reload:
// go run ./cmd/build -serve localhost:8080.
package preview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamref/iamref/builder/output"
	"github.com/iamref/iamref/builder/redirects"
)

// Config configures the preview server.
type Config struct {
	Dir  string // the built site, which Build replaces or updates
	Addr string // such as localhost:8080
	// Build builds the site into Dir. changed lists the files of the
	// watched directories that changed since the last call, as found
	// under Watch (filepath.Join of a Watch entry and the file's path in
	// it): nil on the first call, empty (not nil) when the last call asked
	// to be called again. The pages it makes should load /_iamref/events,
	// the reload events (static/js/reload.js).
	Build func(ctx context.Context, changed []string) (Built, error)
	Watch []string // directories whose changes trigger a rebuild; "" is skipped
	Log   io.Writer
	Ready func(addr string) // called once the listener is up (tests)
}

// Built says what a Build did.
type Built struct {
	Summary string
	// Files are the files of Dir it wrote or removed, site-absolute
	// (/s3/index.html): the open pages among them reload. All says every
	// page may have changed.
	Files []string
	All   bool
	// Again asks the server to call Build again at once, with no changes:
	// the pages are written and the rest (the search index) follows. The
	// server cancels that call's ctx when a file changes meanwhile; the
	// call should then return soon, with Again set if the rest is still
	// to do, and the server builds the change first.
	Again bool
}

// Serve builds the site, serves it, rebuilds when a watched directory
// changes and tells the open pages that changed to reload. It returns when
// ctx is done.
func Serve(ctx context.Context, sc Config) error {
	if sc.Log == nil {
		sc.Log = io.Discard
	}
	// Watched before the first build: an edit while it runs is the
	// first rebuild's.
	w := newWatcher(sc.Watch, sc.Log)
	defer w.close()
	built, err := sc.Build(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(sc.Log, "built %s\n", built.Summary)
	ln, err := net.Listen("tcp", sc.Addr)
	if err != nil {
		return err
	}
	rl := newReloader(sc.Dir)
	srv := &http.Server{Handler: handler(sc.Dir, rl), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(sc.Log, "serving %s on http://%s/\n", sc.Dir, ln.Addr())
	if sc.Ready != nil {
		sc.Ready(ln.Addr().String())
	}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		rl.closeAll()
		_ = srv.Shutdown(shut)
	}()
	rebuilt := make(chan struct{})
	go func() {
		defer close(rebuilt)
		changed, ok := w.next(ctx)
		for ok {
			changed, ok = rebuild(ctx, sc, w, rl, changed)
		}
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-rebuilt // stopped with ctx, after the rebuild it was running
	return nil
}

// rebuild builds the changes and what they ask to follow (Built.Again),
// and returns the next changes. A change that comes while the follow-up
// runs interrupts it (its ctx is cancelled): that change is built first,
// and the follow-up asked for again after it.
func rebuild(ctx context.Context, sc Config, w *watcher, rl *reloader, changed []string) (next []string, ok bool) {
	start := time.Now()
	built, err := sc.Build(ctx, changed)
	for {
		if err != nil {
			fmt.Fprintf(sc.Log, "rebuild failed (still serving the previous site):\n%v\n", err)
			return w.next(ctx)
		}
		n := rl.broadcast(built.Files, built.All)
		fmt.Fprintf(sc.Log, "rebuilt %s; %d open pages reloaded (%s)\n", built.Summary, n, time.Since(start).Round(time.Millisecond))
		if !built.Again || ctx.Err() != nil {
			return w.next(ctx)
		}
		// The follow-up, while watching: the first change cancels it.
		type change struct {
			files []string
			ok    bool
		}
		actx, cancel := context.WithCancel(ctx)
		got := make(chan change, 1)
		go func() {
			files, ok := w.next(actx)
			if ok {
				cancel()
			}
			got <- change{files, ok}
		}()
		start = time.Now()
		built, err = sc.Build(actx, []string{})
		cancel()
		if c := <-got; c.ok {
			if err != nil {
				fmt.Fprintf(sc.Log, "rebuild failed (still serving the previous site):\n%v\n", err)
			} else {
				n := rl.broadcast(built.Files, built.All)
				fmt.Fprintf(sc.Log, "rebuilt %s; %d open pages reloaded (%s); a change came meanwhile\n", built.Summary, n, time.Since(start).Round(time.Millisecond))
			}
			return c.files, true
		}
	}
}

// reloader tells the open pages to reload after a rebuild that changed
// them. Each page's stream names the page (?page=/s3/) and when the copy
// it shows was last modified (?modified=, milliseconds since 1970, from
// document.lastModified, the Last-Modified the server sent): a page the
// back/forward cache restores, whose stream was closed meanwhile
// (static/js/reload.js), or one shown again from the HTTP cache, reloads at
// once when its file is newer. Files are written only when their bytes
// change (output.Update), so a newer file is a changed page.
type reloader struct {
	dir     string
	mu      sync.Mutex
	clients map[*client]bool
}

type client struct {
	page string // the page's path (/s3/); "" when not named
	ch   chan struct{}
}

func newReloader(dir string) *reloader {
	return &reloader{dir: dir, clients: map[*client]bool{}}
}

// pageFile is the file a page path (/s3/) is served from: its own, when
// it exists or has just changed, else 404.html.
func (r *reloader) pageFile(page string, changed map[string]bool) string {
	p := path.Clean("/" + page)
	if strings.HasSuffix(page, "/") && p != "/" {
		p += "/"
	}
	f := "/" + output.FilePath(p)
	if changed[f] {
		return f
	}
	if st, err := os.Stat(filepath.Join(r.dir, filepath.FromSlash(f))); err == nil && !st.IsDir() {
		return f
	}
	return "/404.html"
}

func (r *reloader) events(w http.ResponseWriter, req *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := &client{page: req.URL.Query().Get("page"), ch: make(chan struct{}, 1)}
	stale := false
	if ms, err := strconv.ParseInt(req.URL.Query().Get("modified"), 10, 64); err == nil && c.page != "" {
		// Last-Modified is in whole seconds.
		f := r.pageFile(c.page, nil)
		st, err := os.Stat(filepath.Join(r.dir, filepath.FromSlash(f)))
		stale = err == nil && st.ModTime().Unix() > ms/1000
	}
	r.mu.Lock()
	r.clients[c] = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.clients, c)
		r.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, ": connected\n\n")
	if stale {
		fmt.Fprint(w, "event: reload\ndata: rebuilt\n\n")
	}
	fl.Flush()
	for {
		select {
		case <-req.Context().Done():
			return
		case _, open := <-c.ch:
			if !open {
				return
			}
			fmt.Fprint(w, "event: reload\ndata: rebuilt\n\n")
			fl.Flush()
		}
	}
}

// broadcast tells the open pages among files (every page if all) to
// reload and returns how many it told. A stream that named no page is
// told after every rebuild.
func (r *reloader) broadcast(files []string, all bool) int {
	if len(files) == 0 && !all {
		return 0
	}
	changed := make(map[string]bool, len(files))
	for _, f := range files {
		changed[f] = true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for c := range r.clients {
		if c.page != "" && !all && !changed[r.pageFile(c.page, changed)] {
			continue
		}
		select {
		case c.ch <- struct{}{}:
		default:
		}
		n++
	}
	return n
}

func (r *reloader) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c := range r.clients {
		close(c.ch)
		delete(r.clients, c)
	}
}

// handler is the preview's whole server: the reload events and the site,
// GET and HEAD only, every response with SiteHeaders and Cache-Control:
// no-cache (also the redirects the mux makes to a cleaned path).
func handler(dir string, rl *reloader) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/_iamref/events", rl.events)
	mux.Handle("/", FileServer(dir))
	// Every response is checked again on every use: the preview names some
	// files by fixed names (the search index) whose bytes change.
	noCache := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		mux.ServeHTTP(w, r)
	})
	return readOnly(noCache)
}

// SiteHeaders are the headers the production host sends with every
// response (netlify.toml's [[headers]] for "/*"; a test holds the two
// equal): the preview sends them too, so that a page the
// Content-Security-Policy would break in production breaks in preview.
var SiteHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "strict-origin-when-cross-origin",
	"X-Frame-Options":         "DENY",
	// Cross-origin isolation: /analyze/'s page shares memory with its
	// engine's worker (static/js/policy-engine.js).
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Embedder-Policy": "require-corp",
}

// readOnly answers only GET and HEAD, as a static host does: any other
// method is 405 Method Not Allowed (POST, PUT, DELETE and TRACE got the
// page). Every response, a 405 too, carries SiteHeaders.
func readOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range SiteHeaders {
			w.Header().Set(k, v)
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "405 method not allowed: the site is static (GET and HEAD only)", http.StatusMethodNotAllowed)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// FileServer serves a built site the way the production host does:
// directory paths serve index.html, missing paths serve 404.html with status
// 404, and a precompressed .br or .gz copy is served with the right
// Content-Encoding when the client accepts it. WebAssembly is served as
// application/wasm. Every response carries SiteHeaders, and methods other
// than GET and HEAD are refused. The directory is looked up on every
// request, so a rebuild that swaps it is picked up at once.
func FileServer(dir string) http.Handler {
	return readOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
			p += "/"
		}
		file := filepath.Join(dir, filepath.FromSlash(output.FilePath(p)))
		st, err := os.Stat(file)
		if err == nil && st.IsDir() {
			// To the cleaned path, never the path as asked: /%2Fchime
			// asks for //chime, which a browser would take for a host.
			http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
			return
		}
		if err != nil {
			if target, ok := redirectFor(dir, p); ok {
				http.Redirect(w, r, target, http.StatusMovedPermanently)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			if data, err := os.ReadFile(filepath.Join(dir, "404.html")); err == nil {
				_, _ = w.Write(data)
			}
			return
		}
		ctype := mime.TypeByExtension(path.Ext(file))
		switch path.Ext(file) {
		case ".wasm":
			ctype = "application/wasm"
		case ".html":
			ctype = "text/html; charset=utf-8"
		case ".xml":
			if strings.HasSuffix(file, "opensearch.xml") {
				ctype = "application/opensearchdescription+xml"
			}
		}
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Add("Vary", "Accept-Encoding")
		// The precompressed copy the client accepts most, brotli on a tie.
		accept := r.Header.Values("Accept-Encoding")
		best, bestQ, bestExt := "", 0.0, ""
		for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if q := encodingQ(accept, enc.name); q > bestQ {
				if _, err := os.Stat(file + enc.ext); err == nil {
					best, bestQ, bestExt = enc.name, q, enc.ext
				}
			}
		}
		if best != "" {
			w.Header().Set("Content-Encoding", best)
			file += bestExt
		}
		f, err := os.Open(file)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		st, _ = f.Stat()
		http.ServeContent(w, r, "", st.ModTime(), f)
	}))
}

// encodingQ is the weight the Accept-Encoding headers give the content
// coding name (RFC 9110, section 12.5.3): its own q, else that of "*";
// 0, not acceptable, when neither is listed or q=0 says no. An element
// without q weighs 1; one with a q that is no number from 0 to 1 is
// ignored. x-gzip is gzip.
func encodingQ(headers []string, name string) float64 {
	own, star := -1.0, -1.0
	for _, h := range headers {
		for _, elem := range strings.Split(h, ",") {
			coding, params, _ := strings.Cut(elem, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding == "x-gzip" {
				coding = "gzip"
			}
			q, ok := 1.0, true
			for _, param := range strings.Split(params, ";") {
				k, v, found := strings.Cut(param, "=")
				if !found || !strings.EqualFold(strings.TrimSpace(k), "q") {
					continue
				}
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				q, ok = f, err == nil && f >= 0 && f <= 1
			}
			switch {
			case !ok:
			case coding == name:
				own = q
			case coding == "*":
				star = q
			}
		}
	}
	switch {
	case own >= 0:
		return own
	case star >= 0:
		return star
	}
	return 0
}

// redirectFor looks a missing path up in the site's _redirects file, with
// Netlify's matching rules (package redirects).
func redirectFor(dir, p string) (string, bool) {
	t := redirectsOf(dir)
	if t == nil {
		return "", false
	}
	r, ok := t.Match(p)
	return r.To, ok
}

// redirectCache keeps the parsed _redirects of a served directory until the
// file changes.
var redirectCache struct {
	sync.Mutex
	byDir map[string]cachedRedirects
}

type cachedRedirects struct {
	mod   time.Time
	size  int64
	table *redirects.Table
}

func redirectsOf(dir string) *redirects.Table {
	file := filepath.Join(dir, "_redirects")
	st, err := os.Stat(file)
	if err != nil {
		return nil
	}
	redirectCache.Lock()
	defer redirectCache.Unlock()
	if redirectCache.byDir == nil {
		redirectCache.byDir = map[string]cachedRedirects{}
	}
	if c, ok := redirectCache.byDir[dir]; ok && c.mod.Equal(st.ModTime()) && c.size == st.Size() {
		return c.table
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	t := redirects.NewTable(redirects.Parse(data))
	redirectCache.byDir[dir] = cachedRedirects{mod: st.ModTime(), size: st.Size(), table: t}
	return t
}
