package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFullSite builds the whole shipped content, every service, policy and
// snapshot, as go run ./cmd/build does (without the search engine, which
// the search tests build): the build's own checks must pass on the real
// data (every internal link and #fragment resolves, no URL of
// content/urls.txt disappears), and the manifest must list every URL the
// build publishes, so a page added without recording its URL fails here
// rather than on the next catalog update.
func TestFullSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the full catalog")
	}
	out := filepath.Join(t.TempDir(), "public")
	stats, err := Build(context.Background(), Config{Content: os.DirFS("../../content"), Out: out})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full site: %s", stats)
	if stats.Pages < 28000 {
		t.Errorf("%d pages, want every action, policy and history page (over 28,000)", stats.Pages)
	}
	manifest, ok, err := readURLManifest(os.DirFS("../../content"))
	if err != nil || !ok {
		t.Fatalf("content/urls.txt: %v", err)
	}
	listed := map[string]bool{}
	for _, u := range manifest {
		listed[u] = true
	}
	files := siteFiles(t, out)
	var list []string
	for f := range files {
		list = append(list, f)
	}
	var missing []string
	for _, u := range publishedURLs(list) {
		if !listed[u] {
			missing = append(missing, u)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d published URLs are not in content/urls.txt (first: %s); run go run ./cmd/build -update-urls", len(missing), strings.Join(missing[:min(5, len(missing))], " "))
	}
	for _, f := range []string{
		"/index.html", "/404.html", "/s3/PutObject/index.html", "/chime/CreateMeeting/index.html",
		"/policies/AdministratorAccess/index.html", "/ec2/matrix/index.html", "/api/catalog/s3.json",
		"/changes/index.html", "/changes/feed.xml", "/quality/index.html", "/api/quality.json",
		"/account/GetChallengeQuestions/index.html", // removed in 2025-05: a tombstone keeps its URL
	} {
		if !files[f] {
			t.Errorf("the full site has no %s", f)
		}
	}
}
