package site

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
	"github.com/iamref/iamref/builder/linkcheck"
	"github.com/iamref/iamref/builder/output"
	"github.com/iamref/iamref/builder/preview"
	"github.com/iamref/iamref/builder/redirects"
	"github.com/iamref/iamref/internal/sitetest"
)

// hostServices are real services with the awkward cases: lower-case action
// names (cloudsearch:search), condition keys that differ only in case
// (ec2-instance-connect:MaxTunnelDuration and maxTunnelDuration).
var hostServices = []string{"chime", "s3", "cloudsearch", "ec2-instance-connect"}

// hostSite is the site of hostServices, with every managed policy, built
// once for the tests that only read it (buildHostSite) and removed by
// TestMain.
var hostSite struct {
	once sync.Once
	dir  string // the temporary directory that holds it
	out  string
	err  error
}

// buildHostSite builds the host site on first use and returns its
// directory, which tests must not change.
//
// Under the race detector with -short (.ci/run) the tests that need it are
// skipped: with every managed policy the build takes minutes there, and the
// small sites of the other tests run the same concurrent code.
func buildHostSite(t *testing.T) string {
	t.Helper()
	if raceEnabled && testing.Short() {
		t.Skip("the host site, with every managed policy: skipped by -race -short")
	}
	hostSite.once.Do(func() {
		hostSite.err = errors.New("building the host site failed (see the first test that asked for it)")
		dir, err := os.MkdirTemp("", "iamref-host-site-")
		if err != nil {
			hostSite.err = err
			return
		}
		hostSite.dir = dir
		out := filepath.Join(dir, "public")
		content := sitetest.OnlyServices(t, os.DirFS("../../content"), hostServices...)
		if _, err := Build(context.Background(), Config{Content: content, Out: out, BaseURL: "https://iamref.example"}); err != nil {
			hostSite.err = err
			return
		}
		hostSite.out, hostSite.err = out, nil
	})
	if hostSite.err != nil {
		t.Fatal(hostSite.err)
	}
	return hostSite.out
}

// siteFiles lists the files of a built site as site-absolute paths.
func siteFiles(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files["/"+filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestNetlifyConfig(t *testing.T) {
	t.Parallel()
	var cfg struct {
		Build struct {
			Command, Publish string
			Environment      map[string]string
		}
		Headers []struct {
			For    string
			Values map[string]string
		}
	}
	if _, err := toml.DecodeFile("../../netlify.toml", &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Build.Publish != "public" || !strings.Contains(cfg.Build.Command, "go run ./cmd/build") || !strings.Contains(cfg.Build.Command, "-base-url $URL") {
		t.Errorf("build = %+v", cfg.Build)
	}
	gomod, _ := os.ReadFile("../../go.mod")
	if v := cfg.Build.Environment["GO_VERSION"]; v == "" || !bytes.Contains(gomod, []byte("\ngo "+v+"\n")) {
		t.Errorf("GO_VERSION %q does not match go.mod", v)
	}
	headers := map[string]map[string]string{}
	for _, h := range cfg.Headers {
		headers[h.For] = h.Values
	}
	all := headers["/*"]
	csp := all["Content-Security-Policy"]
	for _, want := range []string{"default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP lacks %q: %s", want, csp)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "'unsafe-eval'") || strings.Contains(csp, "*") {
		t.Errorf("CSP allows too much: %s", csp)
	}
	// /analyze/ shares memory with its engine's worker: the page must be
	// cross-origin isolated (static/js/policy-engine.js).
	if all["Cross-Origin-Opener-Policy"] != "same-origin" || all["Cross-Origin-Embedder-Policy"] != "require-corp" {
		t.Errorf("/* is not cross-origin isolated: Cross-Origin-Opener-Policy %q, Cross-Origin-Embedder-Policy %q", all["Cross-Origin-Opener-Policy"], all["Cross-Origin-Embedder-Policy"])
	}
	if all["X-Content-Type-Options"] != "nosniff" || all["Referrer-Policy"] == "" {
		t.Errorf("/* headers = %v", all)
	}
	if headers["/*.wasm"]["Content-Type"] != "application/wasm" {
		t.Error("no application/wasm for *.wasm")
	}
	for _, p := range []string{"/static/*", "/search-*"} {
		if cc := headers[p]["Cache-Control"]; !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s Cache-Control = %q, want long and immutable", p, cc)
		}
	}
	for p, h := range headers {
		if _, ok := h["Content-Encoding"]; ok {
			t.Errorf("%s sets Content-Encoding; Netlify compresses itself", p)
		}
		if _, ok := h["Cache-Control"]; ok && p == "/*" {
			t.Error("/* sets Cache-Control: it would merge with the immutable rules")
		}
	}
}

// TestHostedSite checks what the host serves from a built site: every
// redirect lands on a page, aliases never shadow pages, the static assets
// are content-hashed, pages carry no inline code, and the sitemap, robots
// and meta tags are there.
func TestHostedSite(t *testing.T) {
	t.Parallel()
	out := buildHostSite(t)
	files := siteFiles(t, out)
	data, err := os.ReadFile(filepath.Join(out, "_redirects"))
	if err != nil {
		t.Fatal(err)
	}
	rules := redirects.Parse(data)
	if len(rules) == 0 {
		t.Fatal("no redirects")
	}
	isPage := func(p string) bool { return files["/"+output.FilePath(p)] || files["/"+output.FilePath(p+"/")] }
	for _, r := range rules {
		to := strings.ReplaceAll(r.To, ":splat", "")
		if !isPage(to) {
			t.Errorf("redirect %s → %s: no such page", r.From, r.To)
		}
		if !strings.Contains(r.From, "*") && isPage(r.From) {
			t.Errorf("redirect %s shadows a page", r.From)
		}
	}
	for _, re := range []string{`^/static/.+\.[0-9a-f]{10}\.[a-z]+$`} {
		for f := range files {
			if strings.HasPrefix(f, "/static/") && !regexp.MustCompile(re).MatchString(f) {
				t.Errorf("%s is not named by its content hash", f)
			}
		}
	}

	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	for from, want := range map[string]string{
		"/s3/putobject/":                  "/s3/PutObject/",
		"/s3/putobject":                   "/s3/PutObject/",
		"/CHIME/createmeeting/":           "/chime/CreateMeeting/",
		"/chime:CreateMeeting":            "/chime/CreateMeeting/",
		"/chime:createmeeting":            "/chime/CreateMeeting/",
		"/iam/chime":                      "/chime/",
		"/S3/PutObject/":                  "/s3/PutObject/",
		"/cloudsearch/search/":            "/cloudsearch/search/", // a lower-case action is its own page
		"/cloudsearch:search":             "/cloudsearch/search/",
		"/s3/resources/accesspoint/":      "/s3/resources/accesspoint/",
		"/conditions/s3_resourceaccount/": "/conditions/s3_ResourceAccount/",
		"/conditions/aws_sourceip/":       "/conditions/aws_SourceIp/",
		"/policies/administratoraccess/":  "/policies/AdministratorAccess/",
		"/policies/amazonchimereadonly":   "/policies/AmazonChimeReadOnly/",
	} {
		resp, err := srv.Client().Get(srv.URL + from)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := strings.TrimPrefix(resp.Request.URL.Path, ""); resp.StatusCode != 200 || got != want {
			t.Errorf("GET %s → %d %s, want 200 %s", from, resp.StatusCode, got, want)
		}
	}
	// The June catalog had ec2-instance-connect:MaxTunnelDuration and
	// maxTunnelDuration, which shared a lower-case form and so had no
	// alias (TestLowerAliasesAmbiguous); the September one has the second
	// only, whose lower-case form now redirects to it. (With the URL
	// manifest the first redirects to it too: TestPromisedURLs.)
	if !isPage("/conditions/ec2-instance-connect_maxTunnelDuration/") {
		t.Error("ec2-instance-connect:maxTunnelDuration has no page")
	}
	resp, err := srv.Client().Get(srv.URL + "/conditions/ec2-instance-connect_maxtunnelduration/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/conditions/ec2-instance-connect_maxTunnelDuration/" {
		t.Errorf("lower-case key: status %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}

	// Sitemap and robots.
	sitemap := sitetest.ReadFile(t, out, "sitemap.xml")
	for _, w := range []string{"<loc>https://iamref.example/</loc>", "<loc>https://iamref.example/s3/PutObject/</loc>", "<loc>https://iamref.example/cloudsearch/search/</loc>"} {
		if !strings.Contains(sitemap, w) {
			t.Errorf("sitemap lacks %s", w)
		}
	}
	if strings.Contains(sitemap, "404") {
		t.Error("sitemap lists the 404 page")
	}
	if n, pages := strings.Count(sitemap, "<loc>"), countPages(files); n != pages-1 { // all but 404.html
		t.Errorf("sitemap lists %d URLs, site has %d pages", n, pages)
	}
	if r := sitetest.ReadFile(t, out, "robots.txt"); !strings.Contains(r, "Sitemap: https://iamref.example/sitemap.xml") {
		t.Errorf("robots.txt = %q", r)
	}

	// Every page: description, OpenGraph, canonical, the snapshot in the
	// footer, and no inline script, style or event handler.
	snap := regexp.MustCompile(`snapshot of 20\d\d-\d\d-\d\d \(content <code>[0-9a-f]{12}</code>\)`)
	inline := regexp.MustCompile(`<script>|<script [^>]*>[^<]|<style|\sstyle="|\son[a-z]+="`)
	for f := range files {
		if !strings.HasSuffix(f, ".html") {
			continue
		}
		page := sitetest.ReadFile(t, out, f)
		for _, w := range []string{`<meta name="description" content="`, `<meta property="og:title" content="`, `<meta property="og:description" content="`, `<meta property="og:type"`} {
			if !strings.Contains(page, w) && !(f == "/404.html" && strings.Contains(w, "description")) {
				t.Errorf("%s lacks %s", f, w)
			}
		}
		if f != "/404.html" && !strings.Contains(page, `<link rel="canonical" href="https://iamref.example/`) {
			t.Errorf("%s has no canonical URL", f)
		}
		if !snap.MatchString(page) {
			t.Errorf("%s does not name the catalog snapshot", f)
		}
		if m := inline.FindString(page); m != "" {
			t.Errorf("%s has inline code %q (the CSP forbids it)", f, m)
		}
	}
}

func countPages(files map[string]bool) int {
	n := 0
	for f := range files {
		if strings.HasSuffix(f, ".html") {
			n++
		}
	}
	return n
}

func TestSitemapSplitAndNoBaseURL(t *testing.T) {
	defer func(n int) { sitemapLimit = n }(sitemapLimit)
	sitemapLimit = 2
	files := sitemaps("https://x.example", "2026-06-14", []string{"/", "/a/", "/b/", "/c/", "/d/"})
	if len(files) != 4 {
		t.Fatalf("got %d files, want an index and 3 sitemaps", len(files))
	}
	idx := string(files["/sitemap.xml"])
	for _, w := range []string{"<sitemapindex", "<loc>https://x.example/sitemap-1.xml</loc>", "<loc>https://x.example/sitemap-3.xml</loc>"} {
		if !strings.Contains(idx, w) {
			t.Errorf("index lacks %s:\n%s", w, idx)
		}
	}
	if s := string(files["/sitemap-3.xml"]); !strings.Contains(s, "<loc>https://x.example/d/</loc><lastmod>2026-06-14</lastmod>") || strings.Count(s, "<url>") != 1 {
		t.Errorf("sitemap-3.xml = %s", s)
	}
	if sitemaps("", "", []string{"/"}) != nil {
		t.Error("sitemap without a base URL")
	}
	if strings.Contains(string(robots("")), "Sitemap") {
		t.Error("robots.txt names a sitemap without a base URL")
	}
}

// TestBuildFailsOnBrokenLink breaks a template and expects the build to
// name the page and the link.
func TestBuildFailsOnBrokenLink(t *testing.T) {
	t.Parallel()
	tmpl := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("../../templates"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join("../../templates", p))
		tmpl[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tmpl["conditions.tmpl"].Data = bytes.Replace(tmpl["conditions.tmpl"].Data, []byte(`<h1 id="top">`), []byte(`<a href="{{.Rel "/nowhere/"}}">x</a><a href="#missing">y</a><h1 id="top">`), 1)
	out := filepath.Join(t.TempDir(), "public")
	_, err = Build(context.Background(), Config{Content: sitetest.TxtarFS(t, miniSite), Templates: tmpl, Out: out})
	var le *linkcheck.Error
	if !errors.As(err, &le) {
		t.Fatalf("build error = %v, want broken links", err)
	}
	for _, w := range []string{"/conditions/index.html → ../nowhere/ (no such file /nowhere/)", "/conditions/index.html → #missing (no id missing in this page)"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a build with broken links was published")
	}
}

func TestURLManifest(t *testing.T) {
	t.Parallel()
	content := sitetest.TxtarFS(t, miniSite)
	content[URLManifest] = &fstest.MapFile{Data: []byte("/\n/demo/\n/demo/CreateWidget/\n/demo/createwidget/\n/demo:CreateWidget\n/api/catalog/demo.json\n")}
	var progress bytes.Buffer
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Config{Content: content, Out: out, Progress: &progress}); err != nil {
		t.Fatalf("build with a satisfied manifest (redirects cover two URLs): %v", err)
	}
	if !strings.Contains(progress.String(), "new URLs are not in content/urls.txt") || !strings.Contains(progress.String(), "-update-urls") {
		t.Errorf("progress does not report new URLs:\n%s", progress.String())
	}
	content[URLManifest].Data = append(content[URLManifest].Data, "/demo/DeleteWidget/\n/gone/\n"...)
	_, err := Build(context.Background(), Config{Content: content, Out: out})
	var me *MissingURLsError
	if !errors.As(err, &me) || strings.Join(me.URLs, " ") != "/demo/DeleteWidget/ /gone/" {
		t.Fatalf("err = %v, want /demo/DeleteWidget/ and /gone/ missing", err)
	}

	// -update-urls adds new URLs and keeps old ones.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, URLManifest), []byte("/old/\n/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := UpdateURLManifest(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	got := sitetest.ReadFile(t, dir, URLManifest)
	if !strings.HasPrefix(got, "/\n") || !strings.Contains(got, "\n/api/catalog/demo.json\n") || !strings.Contains(got, "/old/\n") || !strings.Contains(got, "/demo/describe/\n") || strings.Contains(got, "static") || strings.Contains(got, "404") {
		t.Errorf("manifest =\n%s", got)
	}
	if lines := strings.Count(got, "\n"); n != lines-2 {
		t.Errorf("added %d, manifest has %d lines (2 were there)", n, lines)
	}
}

// TestCommittedManifest checks content/urls.txt: sorted, unique, and every
// URL of the sample services in it is still produced.
func TestCommittedManifest(t *testing.T) {
	t.Parallel()
	urls, ok, err := readURLManifest(os.DirFS("../../content"))
	if err != nil || !ok {
		t.Fatalf("content/urls.txt: %v", err)
	}
	if !sort.StringsAreSorted(urls) {
		t.Error("content/urls.txt is not sorted")
	}
	for i := 1; i < len(urls); i++ {
		if urls[i] == urls[i-1] {
			t.Errorf("%s listed twice", urls[i])
		}
	}
	out := buildHostSite(t)
	files := siteFiles(t, out)
	var list []string
	for f := range files {
		list = append(list, f)
	}
	produced := map[string]bool{}
	for _, u := range publishedURLs(list) {
		produced[u] = true
	}
	n := 0
	for _, u := range urls {
		if strings.Contains(u, "/changes/") {
			// A service's history pages need the whole catalog history,
			// which a build of a few services cannot load; the full build
			// holds them to the manifest.
			continue
		}
		for _, s := range hostServices {
			if strings.HasPrefix(u, "/"+s+"/") || u == "/api/catalog/"+s+".json" {
				n++
				if !produced[u] {
					t.Errorf("%s is in content/urls.txt but not built", u)
				}
			}
		}
	}
	if n < 500 {
		t.Errorf("only %d URLs of %v in the manifest", n, hostServices)
	}
}

// TestServeRedirectStatus checks the preview server answers an alias with a
// permanent redirect to the canonical path.
func TestServeRedirectStatus(t *testing.T) {
	t.Parallel()
	out, _ := buildSite(t, sitetest.TxtarFS(t, miniSite))
	srv := httptest.NewServer(preview.FileServer(out))
	defer srv.Close()
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(srv.URL + "/demo:createwidget")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/demo/CreateWidget/" {
		t.Errorf("GET /demo:createwidget = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}
