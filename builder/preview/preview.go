// Package preview serves a built site the way the production host does,
// rebuilds it when its sources change and tells the open pages to reload:
// go run ./cmd/build -serve localhost:8080.
package preview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	Dir  string // the built site, which Build replaces
	Addr string // such as localhost:8080
	// Build builds the site into Dir and summarises what it built. The
	// pages it makes should load /_iamref/events, the reload events.
	Build func(ctx context.Context) (string, error)
	Watch []string // directories whose changes trigger a rebuild; "" is skipped
	Log   io.Writer
	Ready func(addr string) // called once the listener is up (tests)
}

// Serve builds the site, serves it, rebuilds when a watched directory
// changes and tells open pages to reload. It returns when ctx is done.
func Serve(ctx context.Context, sc Config) error {
	if sc.Log == nil {
		sc.Log = io.Discard
	}
	stats, err := sc.Build(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(sc.Log, "built %s\n", stats)
	ln, err := net.Listen("tcp", sc.Addr)
	if err != nil {
		return err
	}
	rl := &reloader{clients: map[chan struct{}]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/_iamref/events", rl.events)
	mux.Handle("/", FileServer(sc.Dir))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
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
	go func() {
		last := snapshotTree(sc.Watch)
		t := time.NewTicker(400 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			now := snapshotTree(sc.Watch)
			if now == last {
				continue
			}
			last = now
			stats, err := sc.Build(ctx)
			if err != nil {
				fmt.Fprintf(sc.Log, "rebuild failed (still serving the previous site):\n%v\n", err)
				continue
			}
			fmt.Fprintf(sc.Log, "rebuilt %s\n", stats)
			rl.broadcast()
		}
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// snapshotTree summarises names, sizes and times of every file in dirs.
func snapshotTree(dirs []string) string {
	var b strings.Builder
	for _, d := range dirs {
		if d == "" {
			continue
		}
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return nil
			}
			if info, err := e.Info(); err == nil {
				fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return b.String()
}

// reloader sends a server-sent event to every open page after a rebuild.
type reloader struct {
	mu      sync.Mutex
	clients map[chan struct{}]bool
}

func (r *reloader) events(w http.ResponseWriter, req *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch := make(chan struct{}, 1)
	r.mu.Lock()
	r.clients[ch] = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.clients, ch)
		r.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, ": connected\n\n")
	fl.Flush()
	for {
		select {
		case <-req.Context().Done():
			return
		case _, open := <-ch:
			if !open {
				return
			}
			fmt.Fprint(w, "event: reload\ndata: rebuilt\n\n")
			fl.Flush()
		}
	}
}

func (r *reloader) broadcast() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for ch := range r.clients {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (r *reloader) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for ch := range r.clients {
		close(ch)
		delete(r.clients, ch)
	}
}

// FileServer serves a built site the way the production host does:
// directory paths serve index.html, missing paths serve 404.html with status
// 404, and a precompressed .br or .gz copy is served with the right
// Content-Encoding when the client accepts it. WebAssembly is served as
// application/wasm. The directory is looked up on every request, so a
// rebuild that swaps it is picked up at once.
func FileServer(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		w.Header().Set("X-Content-Type-Options", "nosniff")
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
	})
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
