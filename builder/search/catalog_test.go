package search_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
	"github.com/iamref/iamref/builder/search"
)

// contentDir is the repository's content/ folder, which ships the catalog.
const contentDir = "../../content"

type catalogService struct {
	ServiceName string `json:"service_name"`
	Prefix      string `json:"prefix"`
	Privileges  map[string]struct {
		Privilege     string `json:"privilege"`
		Description   string `json:"description"`
		AccessLevel   string `json:"access_level"`
		ResourceTypes map[string]struct {
			ResourceType string `json:"resource_type"`
		} `json:"resource_types"`
	} `json:"privileges"`
	Resources map[string]struct {
		Resource string `json:"resource"`
		ARN      string `json:"arn"`
	} `json:"resources"`
	Conditions map[string]struct {
		Condition   string `json:"condition"`
		Description string `json:"description"`
	} `json:"conditions"`
}

// catalogDocs turns content/catalog/*.json (Policy Sentry's schema, one
// service per file), content/policies/*.json and the removed actions and
// services of content/history into documents, the way a site could.
func catalogDocs(tb testing.TB) []search.Document {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(contentDir, "catalog", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) < 400 {
		tb.Fatalf("found %d catalog files in %s/catalog, want the whole catalog", len(files), contentDir)
	}
	var docs []search.Document
	for _, f := range files {
		if !catalog.IsServiceFile("catalog/" + filepath.Base(f)) {
			continue // the global condition keys, the categories
		}
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var m map[string]catalogService
		if err := json.Unmarshal(b, &m); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		for p, s := range m {
			docs = append(docs, search.Document{
				Kind: "service", ID: p, Title: s.ServiceName, URL: "/" + p + "/",
				Service: p, ServiceName: s.ServiceName,
			})
			for _, a := range s.Privileges {
				docs = append(docs, search.Document{
					Kind: "action", ID: p + ":" + a.Privilege, Title: a.Privilege,
					URL: "/" + p + "/" + strings.ToLower(a.Privilege) + "/", Service: p,
					ServiceName: s.ServiceName, AccessLevel: a.AccessLevel, Description: a.Description,
				})
			}
			takes := map[string][]string{} // resource type -> the actions that take it
			for _, a := range s.Privileges {
				for _, rt := range a.ResourceTypes {
					if name := strings.TrimSuffix(rt.ResourceType, "*"); name != "" {
						takes[name] = append(takes[name], p+":"+a.Privilege)
					}
				}
			}
			for _, r := range s.Resources {
				d := search.Document{
					Kind: "resource", ID: p + ":" + r.Resource, Title: r.Resource,
					URL: "/" + p + "/#resource-" + r.Resource, Service: p,
					ServiceName: s.ServiceName, Description: r.ARN,
				}
				if r.ARN != "" {
					d.ARNs = (&catalog.ResourceType{ARN: r.ARN}).ARNs()
					d.Actions = takes[r.Resource]
					sort.Strings(d.Actions)
				}
				docs = append(docs, d)
			}
			for _, c := range s.Conditions {
				docs = append(docs, search.Document{
					Kind: "condition", ID: c.Condition, Title: c.Condition,
					URL: "/" + p + "/#condition-" + strings.ToLower(c.Condition), Service: p,
					ServiceName: s.ServiceName, Description: c.Description,
				})
			}
		}
	}
	pols, err := filepath.Glob(filepath.Join(contentDir, "policies", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range pols {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var p struct{ PolicyName, Arn string }
		if err := json.Unmarshal(b, &p); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		docs = append(docs, search.Document{
			Kind: "policy", ID: p.PolicyName, Title: p.PolicyName,
			URL: "/policies/" + p.PolicyName + "/", Description: "AWS managed policy " + p.Arn,
		})
	}
	// the removed actions and services of the history, as the site adds
	// them (their tombstones)
	h, err := history.Load(os.DirFS(contentDir))
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range h.RemovedServices() {
		docs = append(docs, search.Document{Kind: search.RemovedService, ID: r.Service, Title: r.Record.Name, URL: "/" + r.Service + "/",
			Service: r.Service, ServiceName: r.Record.Name, Removed: r.Removed})
	}
	for _, r := range h.Removed() {
		docs = append(docs, search.Document{Kind: search.RemovedAction, ID: r.ID(), Title: r.Name, URL: "/" + r.Service + "/" + r.Name + "/",
			Service: r.Service, Description: r.Record.Description, Removed: r.Removed})
	}
	// map iteration above is random; the index must not care, but keep
	// the helper's output stable for readers of failures
	sort.Slice(docs, func(i, j int) bool { return docs[i].URL < docs[j].URL })
	return docs
}

var (
	docsOnce sync.Once
	fullDocs []search.Document

	fullOnce sync.Once
	fullIdx  *search.Index
	fullErr  error
)

// allDocs returns the documents of the whole catalog (catalogDocs), read
// once per test binary.
func allDocs(tb testing.TB) []search.Document {
	tb.Helper()
	docsOnce.Do(func() { fullDocs = catalogDocs(tb) })
	if fullDocs == nil {
		tb.Fatal("catalog documents not read")
	}
	return fullDocs
}

// fullIndex builds the index of the whole catalog once per test binary.
// Under the race detector with -short (.ci/run) the tests that need it
// are skipped: what they check (relevance, the parts' contents) runs in
// one goroutine and is checked by go test -short, while the index's
// concurrent build is raced on part of the catalog (TestBuildDeterministic).
func fullIndex(tb testing.TB) ([]search.Document, *search.Index) {
	tb.Helper()
	if raceEnabled && testing.Short() {
		tb.Skip("the index of the whole catalog: skipped by -race -short")
	}
	docs := allDocs(tb)
	fullOnce.Do(func() {
		fullIdx, fullErr = search.Build(docs, search.Options{})
	})
	if fullErr != nil {
		tb.Fatal(fullErr)
	}
	if fullIdx == nil {
		tb.Fatal("full index not built")
	}
	return docs, fullIdx
}
