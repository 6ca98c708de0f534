package search_test

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"

	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/internal/arnfmt/arnfmttest"
	"github.com/iamref/iamref/builder/search/query"
)

func fullEngine(t *testing.T) ([]search.Document, *query.Engine) {
	t.Helper()
	docs, idx := fullIndex(t)
	eng, err := query.OpenAll(idx.Names(), idx.Descriptions())
	if err != nil {
		t.Fatal(err)
	}
	return docs, eng
}

func TestARNLookup(t *testing.T) {
	_, eng := fullEngine(t)
	for _, tc := range []struct {
		arn     string
		types   []string // the first types, in order
		not     []string // types that must not match
		actions []string // among the actions
	}{
		{"arn:aws:s3:::my-bucket/photos/cat.jpg", []string{"s3:object", "s3:bucket"}, nil, []string{"s3:GetObject", "s3:PutObject"}},
		{"arn:aws:s3:::my-bucket", []string{"s3:bucket"}, []string{"s3:object"}, []string{"s3:ListBucket"}},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", []string{"s3:object", "s3:bucket"}, nil, []string{"s3:GetObject"}},
		{"arn:aws:chime:us-east-1:123456789012:meeting/abc", []string{"chime:meeting"}, nil, []string{"chime:CreateAttendee"}},
		{"arn:aws:iam::123456789012:role/service-role/my-role", []string{"iam:role"}, []string{"iam:user"}, []string{"iam:PassRole"}},
	} {
		r := eng.Search(tc.arn, 1000)
		if r.ARN == nil || r.ARN.Pending {
			t.Errorf("%s: %+v, want an ARN answer", tc.arn, r.ARN)
			continue
		}
		var types []string
		for _, ty := range r.ARN.Types {
			types = append(types, ty.ID)
		}
		if len(types) < len(tc.types) || !slices.Equal(types[:len(tc.types)], tc.types) {
			t.Errorf("%s: types %v, want %v first", tc.arn, types, tc.types)
		}
		for _, n := range tc.not {
			if slices.Contains(types, n) {
				t.Errorf("%s matches %s", tc.arn, n)
			}
		}
		// the hits: the types, then the actions of the first
		for i, h := range r.Hits {
			if i < len(types) && (h.ID != types[i] || h.Kind != "resource") || i >= len(types) && h.Kind != "action" {
				t.Errorf("%s: hit %d is %s (%s)", tc.arn, i, h.ID, h.Kind)
				break
			}
		}
		got := ids(r.Hits[len(types):])
		t.Logf("%s: types %v, %d actions", tc.arn, types, r.ARN.Actions)
		for _, a := range tc.actions {
			if !slices.Contains(got, a) {
				t.Errorf("%s: the actions %v lack %s", tc.arn, got, a)
			}
		}
		if r.ARN.Actions != len(got) || r.Total != len(types)+len(got) || r.ARN.Actions != r.ARN.Types[0].Actions && len(types) == 1 {
			t.Errorf("%s: counts %d actions, total %d; %d types and %d actions shown", tc.arn, r.ARN.Actions, r.Total, len(types), len(got))
		}
	}
	// Being typed: no type yet, and no failure.
	for _, q := range []string{"arn:", "arn:aws", "arn:aws:s3", "arn:aws:s3:::"} {
		if r := eng.Search(q, 10); r.ARN == nil || len(r.ARN.Types) != 0 || len(r.Hits) != 0 || r.Error != "" {
			t.Errorf("%q: %+v", q, r)
		}
	}
	// Not an ARN lookup: words, and ARN-looking text with spaces.
	for _, q := range []string{"arn", "s3 bucket", "arn:aws:s3::: my-bucket"} {
		if r := eng.Search(q, 10); r.ARN != nil {
			t.Errorf("%q is answered as an ARN", q)
		}
	}
	// Without the descriptions part, which holds the formats: pending.
	_, idx := fullIndex(t)
	names, err := query.Open(idx.Names())
	if err != nil {
		t.Fatal(err)
	}
	if r := names.Search("arn:aws:s3:::my-bucket", 10); r.ARN == nil || !r.ARN.Pending || len(r.Hits) != 0 {
		t.Errorf("from the names part alone: %+v", r)
	}
}

func ids(hs []query.Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

// TestARNLookupAgainstBruteForce: for ARNs made from every format of the
// catalog, the engine's resource types are exactly those with a format
// whose regular expression matches, and its actions exactly those of the
// most specific ones (by the count of text outside variables, then of
// variables).
func TestARNLookupAgainstBruteForce(t *testing.T) {
	docs, eng := fullEngine(t)
	type format struct {
		doc       *search.Document
		text      string
		re        *regexp.Regexp
		lit, vars int
	}
	var formats []format
	vars := arnfmttest.Vars
	for i := range docs {
		for _, f := range docs[i].ARNs {
			locs := vars.FindAllStringIndex(f, -1)
			lit := len(f)
			for _, l := range locs {
				lit -= l[1] - l[0]
			}
			formats = append(formats, format{doc: &docs[i], text: f, re: arnfmttest.Regexp(f), lit: lit, vars: len(locs)})
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	value := func() string {
		const letters = "ab9-_./:"
		b := make([]byte, 1+r.IntN(4))
		for i := range b {
			b[i] = letters[r.IntN(len(letters)-2*min(1, r.IntN(4)))]
		}
		return string(b)
	}
	matchedSome := 0
	const n = 400
	for range n {
		f := formats[r.IntN(len(formats))]
		arn := vars.ReplaceAllStringFunc(f.text, func(string) string { return value() })
		// brute force: every format
		type hit struct{ lit, vars int }
		best := map[string]hit{}
		for _, g := range formats {
			if !g.re.MatchString(arn) {
				continue
			}
			h, ok := best[g.doc.ID]
			if !ok || g.lit > h.lit || g.lit == h.lit && g.vars > h.vars {
				best[g.doc.ID] = hit{g.lit, g.vars}
			}
		}
		var wantTypes []string
		top := hit{-1, -1}
		for id, h := range best {
			wantTypes = append(wantTypes, id)
			if h.lit > top.lit || h.lit == top.lit && h.vars > top.vars {
				top = h
			}
		}
		var wantActions []string
		for i := range docs {
			if h, ok := best[docs[i].ID]; ok && docs[i].Kind == "resource" && h == top {
				wantActions = append(wantActions, docs[i].Actions...)
			}
		}
		slices.Sort(wantTypes)
		slices.Sort(wantActions)
		wantActions = slices.Compact(wantActions)

		res := eng.Search(arn, 1000)
		if res.ARN == nil {
			t.Fatalf("%s: not answered as an ARN", arn)
		}
		var gotTypes []string
		for i, ty := range res.ARN.Types {
			gotTypes = append(gotTypes, ty.ID)
			h := best[ty.ID]
			if i > 0 {
				p := best[res.ARN.Types[i-1].ID]
				if h.lit > p.lit || h.lit == p.lit && h.vars > p.vars {
					t.Errorf("%s: %s ranks after the less specific %s", arn, ty.ID, res.ARN.Types[i-1].ID)
				}
			}
			if ty.Best != (h == top) {
				t.Errorf("%s: %s marked best %v", arn, ty.ID, ty.Best)
			}
		}
		slices.Sort(gotTypes)
		gotActions := ids(res.Hits[min(len(res.Hits), len(res.ARN.Types)):])
		slices.Sort(gotActions)
		if !slices.Equal(gotTypes, wantTypes) || !slices.Equal(gotActions, wantActions) {
			t.Errorf("%s: types %v, actions %d; the brute force says %v, %d", arn, gotTypes, len(gotActions), wantTypes, len(wantActions))
		}
		if len(wantTypes) > 0 {
			matchedSome++
		}
	}
	t.Logf("%d formats; %d of %d ARNs made from them match one", len(formats), matchedSome, n)
	if matchedSome < n/2 {
		t.Errorf("only %d of %d sampled ARNs match a format", matchedSome, n)
	}
}
