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

// BenchmarkEvaluateAllManaged evaluates all 1,645 managed policies against
// the full catalog on GOMAXPROCS goroutines. "cold" builds a fresh Engine
// (outside the timer) for every round, as a site build does once, so the
// wildcard cache starts empty; "warm" reuses one Engine.
func BenchmarkEvaluateAllManaged(b *testing.B) {
	e, ps := shipped(b)
	docs := parseAll(b, ps)
	b.Run("cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			fresh := NewEngine(e.Catalog())
			b.StartTimer()
			evaluateAll(fresh, docs)
		}
		b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "policies/s")
	})
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			evaluateAll(e, docs)
		}
		b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "policies/s")
	})
}

func BenchmarkNewEngine(b *testing.B) {
	e, _ := shipped(b)
	for b.Loop() {
		NewEngine(e.Catalog())
	}
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

// analyzeAll runs Analyze on every managed policy's source on GOMAXPROCS
// goroutines, as the site does.
func analyzeAll(e *Engine, ps []*ManagedPolicy) []*Analysis {
	out := make([]*Analysis, len(ps))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(ps); i += workers {
				out[i] = e.Analyze(ps[i].Document, Options{Kind: Identity, AWSManaged: true})
			}
		}(w)
	}
	wg.Wait()
	return out
}

// parseEvaluateAll parses and evaluates every managed policy, without the
// checks: what the site did before Analyze.
func parseEvaluateAll(e *Engine, ps []*ManagedPolicy) []*Result {
	docs := make([]*Document, len(ps))
	for i, p := range ps {
		docs[i], _ = Parse(p.Document)
	}
	return evaluateAll(e, docs)
}

// BenchmarkAnalyzeAllManaged is what the checks cost: Analyze (parse, the
// kind's rules, evaluation, every check) on all managed policies, against
// parsing and evaluating them alone. "cold" builds a fresh Engine for
// every round, as a site build does once.
func BenchmarkAnalyzeAllManaged(b *testing.B) {
	e, ps := shipped(b)
	for _, bm := range []struct {
		name string
		run  func(*Engine)
	}{
		{"analyze", func(e *Engine) { analyzeAll(e, ps) }},
		{"parse+evaluate", func(e *Engine) { parseEvaluateAll(e, ps) }},
	} {
		b.Run(bm.name+"/cold", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				fresh := NewEngine(e.Catalog())
				b.StartTimer()
				bm.run(fresh)
			}
			b.ReportMetric(float64(len(ps))*float64(b.N)/b.Elapsed().Seconds(), "policies/s")
		})
		b.Run(bm.name+"/warm", func(b *testing.B) {
			for b.Loop() {
				bm.run(e)
			}
			b.ReportMetric(float64(len(ps))*float64(b.N)/b.Elapsed().Seconds(), "policies/s")
		})
	}
}
