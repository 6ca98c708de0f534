package policyreport

import (
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/timingdoc"
)

// BenchmarkKeystroke is what /analyze/ does for a keystroke in a 10 kB
// policy: the analysis and its report, the document one byte different
// each time (the last action of a statement misspelt and mended, in turn).
func BenchmarkKeystroke(b *testing.B) {
	c, e, docs := keystrokeBench(b)
	n := 0
	for b.Loop() {
		a := e.Analyze(docs[n%2], policy.Options{Kind: policy.Identity, Incremental: true})
		Encode(Subject{Kind: Document}, a, c.Snapshot)
		n++
	}
}

// BenchmarkKeystrokeWorker is the same keystrokes as the browser's
// engine answers them (cmd/policywasm's __iamrefPolicyAnalysis): the
// answer with the known names, written into the buffer of the one before.
func BenchmarkKeystrokeWorker(b *testing.B) {
	c, e, docs := keystrokeBench(b)
	var out []byte
	n := 0
	for b.Loop() {
		a := e.Analyze(docs[n%2], policy.Options{Kind: policy.Identity, Incremental: true})
		out = AppendAnalysis(out[:0], Subject{Kind: Document}, a, c)
		n++
	}
}

// BenchmarkKeystrokeEncoder is the browser engine's answers through an
// Encoder, as cmd/policywasm writes them, over keystrokes that leave the
// allowed list as it was: a line broken and joined again, in turns
// (BenchmarkKeystrokeLines is the same without the Encoder).
func BenchmarkKeystrokeEncoder(b *testing.B) { benchmarkLines(b, true) }

// BenchmarkKeystrokeLines is BenchmarkKeystrokeEncoder's keystrokes
// answered by AppendAnalysis, each allowed list encoded afresh.
func BenchmarkKeystrokeLines(b *testing.B) { benchmarkLines(b, false) }

func benchmarkLines(b *testing.B, encoder bool) {
	c, e, docs := keystrokeBench(b)
	doc := string(docs[0])
	i := strings.Index(doc, `"Effect": "Allow",`) + len(`"Effect": "Allow",`)
	lines := [][]byte{docs[0], []byte(doc[:i] + "\n" + doc[i:])}
	var enc Encoder
	var out []byte
	n := 0
	for b.Loop() {
		a := e.Analyze(lines[n%2], policy.Options{Kind: policy.Identity, Incremental: true})
		if encoder {
			out = enc.AppendAnalysis(out[:0], Subject{Kind: Document}, a, c)
		} else {
			out = AppendAnalysis(out[:0], Subject{Kind: Document}, a, c)
		}
		n++
	}
}

// keystrokeBench is the keystroke benchmarks' catalog, engine and two
// documents: the timing policy and the same with one action misspelt.
func keystrokeBench(b *testing.B) (*catalog.Catalog, *policy.Engine, [][]byte) {
	c, _ := shipped(b)
	doc := timingdoc.Document(timingdoc.IDs(c, "s3", "chime", "iam", "kms", "sts"))
	i := strings.Index(doc, `", "`)
	b.ReportAllocs()
	return c, policy.NewEngine(c), [][]byte{[]byte(doc), []byte(doc[:i-1] + doc[i:])}
}
