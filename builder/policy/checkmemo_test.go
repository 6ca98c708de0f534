package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// withoutMemos is an engine over e's index with every memo empty: what a
// fresh engine gives.
func withoutMemos(e *Engine) *Engine {
	f := &Engine{cat: e.cat, x: e.x, keys: newKeyIndex(e.cat)}
	f.scratch.New = func() any { return newScratch(len(f.x.actions)) }
	return f
}

// edit is one random keystroke in src: a character typed, deleted or
// doubled, a line broken, or the Version changed.
func edit(rng *rand.Rand, src string) string {
	if len(src) == 0 {
		return "{"
	}
	i := rng.IntN(len(src) + 1)
	switch rng.IntN(7) {
	case 0:
		return src[:i] + "\n" + src[i:]
	case 1:
		return src[:i] + string("aZ*?:/\",{}[]é "[rng.IntN(15)]) + src[i:]
	case 2, 3:
		if i == len(src) {
			i--
		}
		return src[:i] + src[i+1:]
	case 4:
		j := min(len(src), i+1+rng.IntN(40))
		return src[:i] + src[i:j] + src[i:] // a run pasted twice
	case 5:
		if strings.Contains(src, Version2012) {
			return strings.Replace(src, Version2012, Version2008, 1)
		}
		return strings.Replace(src, Version2008, Version2012, 1)
	default:
		// Before a statement: every statement after it moves.
		if k := strings.Index(src[i:], `{"`); k >= 0 {
			return src[:i+k] + "\n  " + src[i+k:]
		}
		return src + " "
	}
}

// TestCheckMemo holds re-analysis with the per-statement memos of checks,
// parses and what statements match (Options.Incremental) to analysis
// from scratch: over random keystroke sequences in the example policies
// and managed policies, on two goroutines sharing the engine (run it with
// -race), every analysis equals the one an engine without memos gives.
// It runs twice: with the engine's bound on a remembered match, and with
// none, so that a NotAction's (every action but a few) is remembered too.
func TestCheckMemo(t *testing.T) {
	for _, unbounded := range []bool{false, true} {
		t.Run(fmt.Sprint("unbounded=", unbounded), func(t *testing.T) { testCheckMemo(t, unbounded) })
	}
}

func testCheckMemo(t *testing.T, unbounded bool) {
	e, ps := shipped(t)
	var docs []string
	paths, _ := filepath.Glob("../../content/examples/*.json")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	// The rules' examples show every finding; compacted, each on one line,
	// their findings stand on their statements' first lines.
	for _, r := range Rules {
		if r.Example != "" {
			var b bytes.Buffer
			if json.Compact(&b, []byte(r.Example)) == nil {
				docs = append(docs, r.Example, b.String())
			}
		}
	}
	step := 23
	if testing.Short() {
		step = 97
	}
	for i := 0; i < len(ps); i += step {
		docs = append(docs, string(ps[i].Document))
	}
	warm := withoutMemos(e) // its memos fill as the sequences run
	if unbounded {
		warm.coverPairs = len(e.x.actions) + 1
	}
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(14, uint64(w)))
			for d := w; d < len(docs); d += 2 {
				src, good := docs[d], docs[d]
				for k := range 12 {
					kind := Kinds[rng.IntN(len(Kinds))]
					if k%4 == 0 {
						kind = ""
					}
					got := warm.Analyze([]byte(src), Options{Kind: kind, Incremental: true})
					want := withoutMemos(e).Analyze([]byte(src), Options{Kind: kind})
					if !reflect.DeepEqual(got, want) {
						t.Errorf("document %d after %d keystrokes (kind %q): the analysis with memos differs from a fresh one:\n got %v\nwant %v\n%s", d, k, kind, got.Findings(), want.Findings(), src)
						return
					}
					// A keystroke that breaks the JSON is mended at the next.
					if slices.ContainsFunc(got.Findings(), func(f Finding) bool { return f.Code == CodeJSONSyntax }) {
						src = good
					}
					good = src
					src = edit(rng, src)
				}
			}
		})
	}
	wg.Wait()
	n, np, nc := warm.checks.entries(), warm.parses.entries(), warm.coverBytes.Load()/8
	if n == 0 || np == 0 || nc == 0 {
		t.Errorf("the memos remembered %d statements' checks, %d parses and %d matched actions: not all are tested", n, np, nc)
	}
	t.Logf("%d documents, 12 analyses each; %d statements' checks, %d parses and %d matched actions remembered", len(docs), n, np, nc)
}

// TestParseMemoMoves replays remembered statements moved down and to the
// right, those whose findings name lines among them (a duplicate key,
// action, condition operator or condition key): every analysis equals a
// fresh one.
func TestParseMemoMoves(t *testing.T) {
	e, _ := shipped(t)
	warm := withoutMemos(e)
	for _, stmt := range []string{
		`{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}`,
		`{"Effect": "Allow",
  "Action": "s3:GetObject",
  "Effect": "Allow", "Resource": "*"}`,
		`{"Effect": "Allow", "Action": ["s3:GetObject",
  "s3:getobject"], "Resource": "*"}`,
		`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {
  "Bool": {"aws:SecureTransport": "true"},
  "Bool": {"aws:MultiFactorAuthPresent": "true"}}}`,
		`{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {
  "aws:PrincipalTag/team": "a",
  "aws:principaltag/Team": "b"}}}`,
		`{"Sid": "é1", "Effect": "Deny", "NotAction": ["iam:*",
  "sts:*"], "NotResource": ["arn:aws:s3:::x",
  "arn:aws:s3:::y"], "Principal": {"AWS": ["arn:aws:iam::123456789012:root",
  "*"]}, "Condition": {"StringLike": {"s3:prefix": ["a/*", "b/*"]}}}`,
	} {
		doc := `{"Version": "2012-10-17", "Statement": [` + stmt + "]}"
		for _, moved := range []string{doc, "\n\n" + doc, "  " + doc, "\n" + strings.Replace(doc, `[{`, "[\n   {", 1), "é" + doc} {
			for _, kind := range []Kind{Identity, Resource} {
				got := warm.Analyze([]byte(moved), Options{Kind: kind, Incremental: true})
				want := withoutMemos(e).Analyze([]byte(moved), Options{Kind: kind})
				if !reflect.DeepEqual(got, want) {
					t.Errorf("kind %s, the analysis with memos differs from a fresh one:\n got %v\nwant %v\n%s", kind, got.Findings(), want.Findings(), moved)
				}
			}
		}
	}
	if warm.parses.entries() == 0 {
		t.Error("no parse was remembered")
	}
}

// TestParseMemoSkips analyses documents whose statements the memo holds
// where the skip cannot replay them: a statement moved to another index,
// one remembered bytes standing as a Principal, as Version, under an
// unknown element. Every analysis equals a fresh one.
func TestParseMemoSkips(t *testing.T) {
	e, _ := shipped(t)
	warm := withoutMemos(e)
	a := `{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`
	b := `{"Sid": "B", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}`
	p := `{"AWS": "*"}`
	for _, doc := range []string{
		`{"Version": "2012-10-17", "Statement": [` + a + `, ` + b + `]}`,
		`{"Version": "2012-10-17", "Statement": [` + b + `, ` + a + `]}`,
		`{"Version": "2012-10-17", "Statement": [` + b + `, ` + b + `, ` + a + `]}`,
		`{"Version": "2012-10-17", "Statement": [` + b + `]}`,
		`{"Version": "2012-10-17", "Statement": ` + a + `}`,
		`{"Version": "2012-10-17", "Statement": [` + p + `]}`,
		`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": ` + p + `, "Action": "s3:*", "Resource": "*"}}`,
		`{"Version": ` + a + `, "Statement": ` + a + `}`,
		`{"Version": "2012-10-17", "Statement": [` + a + `], "Other": [` + a + `, {"x": ` + a + `}]}`,
		`{"Version": "2012-10-17", "Statement": [` + a + `], "Statement": [` + b + `, ` + a + `]}`,
		`{"Version": "2012-10-17", "Statement": [` + a + `, ` + b + `,]}`,
		`[` + a + `]`,
	} {
		for _, kind := range []Kind{Identity, Resource} {
			got := warm.Analyze([]byte(doc), Options{Kind: kind, Incremental: true})
			want := withoutMemos(e).Analyze([]byte(doc), Options{Kind: kind})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("kind %s, the analysis with memos differs from a fresh one:\n got %v\nwant %v\n%s", kind, got.Findings(), want.Findings(), doc)
			}
		}
	}
}

// TestRenewMemos: when a memo of Options.Incremental is full (the parses,
// the checks or the matched sets), the next incremental analysis starts
// them all afresh and remembers its document again, so that the keystroke
// after it is replayed from the memos, not parsed and checked anew; the
// analyses stay those of an engine without memos, and memos that are not
// full are kept.
func TestRenewMemos(t *testing.T) {
	e, ps := shipped(t)
	var doc []byte
	for _, p := range ps {
		if p.Name == "AmazonS3ReadOnlyAccess" {
			doc = p.Document
		}
	}
	if doc == nil {
		t.Fatal("no AmazonS3ReadOnlyAccess")
	}
	typed := bytes.Replace(doc, []byte(`"s3:Get*"`), []byte(`"s3:Get*", "s3:Lis*"`), 1)
	if bytes.Equal(typed, doc) {
		t.Fatal("the keystroke typed nothing")
	}
	opts := Options{Kind: Identity, Incremental: true}
	for _, c := range []struct {
		name string
		fill func(w *Engine)
	}{
		{"parses", func(w *Engine) { w.parses.size.n = maxMemoEntries }},
		{"parse bytes", func(w *Engine) { w.parses.size.bytes = maxMemoBytes }},
		{"checks", func(w *Engine) { w.checks.size.n = maxMemoEntries }},
		{"check bytes", func(w *Engine) { w.checks.size.bytes = maxMemoBytes }},
		{"matched sets", func(w *Engine) { w.coverBytes.Store(maxCoverBytes + 1) }},
	} {
		w := withoutMemos(e)
		w.Analyze(doc, opts)
		np, nc := w.parses.entries(), w.checks.entries()
		if np == 0 || nc == 0 {
			t.Fatalf("%s: the memos hold %d parses and %d checks of the document", c.name, np, nc)
		}
		w.Analyze(doc, opts) // not full: kept
		if w.renewals.Load() != 0 || w.parses.entries() != np {
			t.Fatalf("%s: memos that are not full were started afresh", c.name)
		}
		c.fill(w)
		got := w.Analyze(typed, opts)
		if w.renewals.Load() != 1 {
			t.Errorf("%s: full, the memos were renewed %d times, want once", c.name, w.renewals.Load())
		}
		if w.parses.entries() != np || w.checks.entries() != nc {
			t.Errorf("%s: after the renewal the memos hold %d parses and %d checks, want the document's %d and %d",
				c.name, w.parses.entries(), w.checks.entries(), np, nc)
		}
		if want := withoutMemos(e).Analyze(typed, Options{Kind: Identity}); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the analysis that renewed the memos differs from a fresh one", c.name)
		}
		// The keystroke after it is replayed but for the statement it
		// changed back, which is remembered anew.
		got = w.Analyze(doc, opts)
		if w.parses.entries() != np+1 || w.renewals.Load() != 1 {
			t.Errorf("%s: the keystroke after the renewal: %d parses remembered (%d renewals)", c.name, w.parses.entries(), w.renewals.Load())
		}
		if want := withoutMemos(e).Analyze(doc, Options{Kind: Identity}); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the analysis after the renewal differs from a fresh one", c.name)
		}
	}
}
