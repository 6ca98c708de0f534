package policy

import (
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
)

var (
	fixtureOnce     sync.Once
	fixtureCatalog  *catalog.Catalog
	fixtureEngine   *Engine
	fixturePolicies []*ManagedPolicy
	fixtureErr      error
)

// shipped loads the catalog and managed policies from content/ once.
func shipped(tb testing.TB) (*Engine, []*ManagedPolicy) {
	tb.Helper()
	fixtureOnce.Do(func() {
		content := os.DirFS("../../content")
		fixtureCatalog, fixtureErr = catalog.Load(content)
		if fixtureErr != nil {
			return
		}
		fixtureEngine = NewEngine(fixtureCatalog)
		fixturePolicies, fixtureErr = LoadManaged(content)
	})
	if fixtureErr != nil {
		tb.Fatal(fixtureErr)
	}
	return fixtureEngine, fixturePolicies
}

func parseAll(tb testing.TB, ps []*ManagedPolicy) []*Document {
	docs := make([]*Document, len(ps))
	for i, p := range ps {
		docs[i], _ = Parse(p.Document)
	}
	return docs
}

// evaluateAll evaluates every document on GOMAXPROCS goroutines.
func evaluateAll(e *Engine, docs []*Document) []*Result {
	out := make([]*Result, len(docs))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				out[i] = e.Evaluate(docs[i])
			}
		}(w)
	}
	wg.Wait()
	return out
}

func BenchmarkEvaluateAllManaged(b *testing.B) {
	e, ps := shipped(b)
	docs := parseAll(b, ps)
	b.ResetTimer()
	for b.Loop() {
		evaluateAll(e, docs)
	}
	b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "policies/s")
}

func BenchmarkParse(b *testing.B) {
	_, ps := shipped(b)
	size := 0
	for _, p := range ps {
		size += len(p.Document)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, p := range ps {
			Parse(p.Document)
		}
	}
	b.ReportMetric(float64(len(ps))*float64(b.N)/b.Elapsed().Seconds(), "policies/s")
}
