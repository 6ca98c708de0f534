package catalogpack

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/policyreport"
	"github.com/iamref/iamref/internal/parallel"
)

var (
	shippedOnce sync.Once
	shippedCat  *catalog.Catalog
	shippedErr  error
)

func shipped(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	shippedOnce.Do(func() { shippedCat, shippedErr = catalog.Load(os.DirFS("../../content")) })
	if shippedErr != nil {
		tb.Fatal(shippedErr)
	}
	return shippedCat
}

// document is a policy document to analyze on both catalogs.
type document struct {
	name string
	src  []byte
	opts policy.Options
}

// documents are the managed policies (as the site checks them) and the
// examples (kind guessed).
func documents(tb testing.TB) []document {
	content := os.DirFS("../../content")
	ps, err := policy.LoadManaged(content)
	if err != nil {
		tb.Fatal(err)
	}
	var out []document
	for _, p := range ps {
		out = append(out, document{p.Name, p.Document, policy.Options{Kind: policy.Identity, AWSManaged: true}})
	}
	exs, _ := fs.Glob(content, "examples/*.json")
	sort.Strings(exs)
	for _, f := range exs {
		src, err := fs.ReadFile(content, f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, document{path.Base(f), src, policy.Options{}})
	}
	if len(ps) < 1000 || len(exs) == 0 {
		tb.Fatalf("%d managed policies and %d examples: the content is not the shipped one", len(ps), len(exs))
	}
	return out
}

// TestRoundTrip: the decoded catalog gives the same analysis as the
// loaded one, report for report, on every managed policy and example; and
// encoding it again gives the same bytes.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("analyzes every managed policy twice")
	}
	c := shipped(t)
	enc := Encode(c)
	start := time.Now()
	d, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("%d bytes (%d brotli), decoded in %s", len(enc), brotliSize(t, enc), took)
	if again := Encode(d); !bytes.Equal(again, enc) {
		t.Fatalf("re-encoding the decoded catalog gives %d other bytes", len(again))
	}
	if d.ActionCount() != c.ActionCount() || len(d.Services) != len(c.Services) || len(d.ConditionKeys()) != len(c.ConditionKeys()) {
		t.Errorf("decoded %d services, %d actions, %d keys; loaded %d, %d, %d",
			len(d.Services), d.ActionCount(), len(d.ConditionKeys()), len(c.Services), c.ActionCount(), len(c.ConditionKeys()))
	}
	docs := documents(t)
	el, ed := policy.NewEngine(c), policy.NewEngine(d)
	diffs := make([]string, len(docs))
	parallel.Each(len(docs), func(i int) {
		doc := docs[i]
		s := policyreport.Subject{Kind: policyreport.Document, Name: doc.name}
		want := policyreport.Encode(s, el.Analyze(doc.src, doc.opts), c.Snapshot)
		got := policyreport.Encode(s, ed.Analyze(doc.src, doc.opts), d.Snapshot)
		if !bytes.Equal(got, want) {
			diffs[i] = doc.name
		}
	})
	n := 0
	for _, name := range diffs {
		if name != "" {
			n++
			if n <= 10 {
				t.Errorf("%s: the report differs on the decoded catalog", name)
			}
		}
	}
	if n > 0 {
		t.Errorf("%d of %d reports differ", n, len(docs))
	}
}

// brotliSize is the size of b compressed as the site ships it (brotli 11).
func brotliSize(tb testing.TB, b []byte) int {
	var buf bytes.Buffer
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: 11, LGWin: 24})
	if _, err := w.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Len()
}

// TestLinks: what the engine does not read but the writer does (resource
// types of rows, dependent actions, key usages, risks) is linked on the
// decoded catalog as on the loaded one.
func TestLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the shipped catalog")
	}
	c := shipped(t)
	d, err := Decode(Encode(c))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range c.Services {
		ds := d.Services[i]
		if ds.Prefix != s.Prefix || ds.Name != s.Name || len(ds.Actions) != len(s.Actions) || len(ds.ResourceTypes) != len(s.ResourceTypes) {
			t.Fatalf("service %s decoded as %s", s.Prefix, ds.Prefix)
		}
		for j, a := range s.Actions {
			da := ds.Actions[j]
			if da.ID() != a.ID() || da.AccessLevel != a.AccessLevel || da.EffectiveLevel() != a.EffectiveLevel() ||
				strings.Join(da.DependentActions(), ",") != strings.Join(a.DependentActions(), ",") ||
				strings.Join(da.ConditionKeys(), ",") != strings.Join(a.ConditionKeys(), ",") ||
				len(da.DependedOnBy()) != len(a.DependedOnBy()) || len(da.Risks) != len(a.Risks) || len(da.ResourceTypes) != len(a.ResourceTypes) {
				t.Fatalf("%s decoded differently", a.ID())
			}
			for k, r := range a.ResourceTypes {
				dr := da.ResourceTypes[k]
				if dr.Name != r.Name || dr.Required != r.Required || (dr.Type == nil) != (r.Type == nil) || (r.Type != nil && dr.Type.ARN != r.Type.ARN) {
					t.Fatalf("%s: row %q decoded differently", a.ID(), r.Name)
				}
			}
		}
		for j, rt := range s.ResourceTypes {
			if drt := ds.ResourceTypes[j]; drt.Name != rt.Name || drt.ARN != rt.ARN || len(drt.Actions) != len(rt.Actions) || len(drt.ConditionKeys) != len(rt.ConditionKeys) {
				t.Fatalf("%s:%s decoded differently", s.Prefix, rt.Name)
			}
		}
	}
	for i, k := range c.ConditionKeys() {
		dk := d.ConditionKeys()[i]
		if dk.Name != k.Name || len(dk.Actions) != len(k.Actions) || len(dk.ResourceTypes) != len(k.ResourceTypes) || (dk.Global == nil) != (k.Global == nil) {
			t.Fatalf("key %s decoded differently", k.Name)
		}
	}
	for _, cat := range catalog.RiskCategories {
		if len(d.SensitiveActions(cat)) != len(c.SensitiveActions(cat)) {
			t.Errorf("%s: %d sensitive actions decoded, %d loaded", cat, len(d.SensitiveActions(cat)), len(c.SensitiveActions(cat)))
		}
	}
	if len(d.EscalationPaths()) != len(c.EscalationPaths()) || len(d.GlobalConditionKeys()) != len(c.GlobalConditionKeys()) || d.Snapshot != c.Snapshot {
		t.Errorf("paths, global keys or snapshot differ")
	}
}

// small is a catalog of a few actions with every feature of the format.
func small(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	c, err := catalog.New(catalog.Contents{
		Snapshot: catalog.Snapshot{Date: "2026-06-14", Source: "test", Hash: "0123456789ab"},
		Services: []*catalog.Service{{
			Prefix: "demo", Name: "Demo",
			ResourceTypes: []*catalog.ResourceType{{Name: "widget", ARN: "arn:${Partition}:demo:${Region}:${Account}:widget/${WidgetId}", ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}}},
			ConditionKeys: []*catalog.ConditionKey{{Name: "demo:Color", Type: "String"}},
			Actions: []*catalog.Action{
				{Name: "GetWidget", AccessLevel: catalog.Read, ResourceTypes: []*catalog.ActionResource{{Name: "widget", Required: true, ConditionKeys: []string{"demo:Color"}, DependentActions: []string{"demo:ListWidgets"}}}},
				{Name: "ListWidgets", AccessLevel: catalog.List, ResourceTypes: []*catalog.ActionResource{{Name: ""}}},
				{Name: "TagWidget", AccessLevel: catalog.Write, Override: &catalog.AccessLevelOverride{Level: catalog.Tagging, Source: catalog.OverrideSource}},
			},
		}},
		GlobalKeys:      []*catalog.GlobalConditionKey{{Name: "aws:SourceIp", Type: "IPAddress", Category: "network", Description: "d"}},
		GlobalKeySource: catalog.GlobalKeySource{Package: "p", Version: "1"},
		Sensitive:       map[catalog.RiskCategory][]string{catalog.PrivEsc: {"demo:TagWidget", "demo:GetWidget"}},
		EscalationPaths: []*catalog.EscalationPath{{ID: "demo-001", Name: "demo:TagWidget", Category: "self-escalation", Required: []string{"demo:TagWidget", "demo:Gone"}, URL: "https://example.com"}},
		RiskSources:     []catalog.RiskSource{{File: catalog.SensitiveActionsFile, Name: "n", URL: "u", Licence: "CC0-1.0"}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestSmall(t *testing.T) {
	c := small(t)
	enc := Encode(c)
	d, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(Encode(d), enc) {
		t.Error("not stable")
	}
	a := d.Action("demo:TagWidget")
	if a == nil || a.Override == nil || a.EffectiveLevel() != catalog.Tagging || len(a.Risks) != 1 {
		t.Errorf("TagWidget: %+v", a)
	}
	if g := d.Action("demo:GetWidget"); g.ResourceTypes[0].Type == nil || !g.ResourceTypes[0].Required || len(d.Action("demo:ListWidgets").DependedOnBy()) != 1 {
		t.Error("rows not linked")
	}
	if p := d.EscalationPaths()[0]; len(p.RequiredActions) != 2 || p.RequiredActions[0] == nil || p.RequiredActions[1] != nil {
		t.Errorf("path actions %v", p.RequiredActions)
	}
	if got := d.SensitiveActions(catalog.PrivEsc); len(got) != 2 || got[0].Name != "GetWidget" {
		t.Errorf("sensitive %v", got)
	}
}

// TestDecodeErrors: damaged input is an error naming the problem.
func TestDecodeErrors(t *testing.T) {
	enc := Encode(small(t))
	cases := map[string][]byte{
		"empty":         nil,
		"no magic":      []byte("{}"),
		"version 1":     append([]byte(Magic), 1),
		"version 3":     append([]byte(Magic), 3),
		"cut":           enc[:len(enc)-3],
		"trailing":      append(append([]byte(nil), enc...), 0),
		"only a header": append([]byte(Magic), Version),
	}
	for name, b := range cases {
		if _, err := Decode(b); err == nil {
			t.Errorf("%s: decoded", name)
		} else if !strings.HasPrefix(name, "version ") && !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v does not wrap ErrFormat", name, err)
		}
	}
	for i := len(Magic); i < len(enc); i++ {
		if _, err := Decode(enc[:i]); err == nil {
			t.Errorf("decoded the first %d of %d bytes", i, len(enc))
		}
	}
}

func FuzzDecode(f *testing.F) {
	enc := Encode(small(f))
	f.Add(enc)
	f.Add(enc[:len(enc)/2])
	f.Add([]byte(Magic + "\x01\x01\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Decode(b)
		if err != nil {
			return
		}
		// What decodes encodes to something that decodes to the same.
		again := Encode(c)
		c2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded catalog does not decode: %v", err)
		}
		if !bytes.Equal(Encode(c2), again) {
			t.Fatal("encoding is not stable")
		}
		policy.NewEngine(c).Analyze([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`), policy.Options{})
	})
}

// BenchmarkDecode decodes the shipped catalog, and builds the engine on
// it: what the browser does before its first analysis.
func BenchmarkDecode(b *testing.B) {
	enc := Encode(shipped(b))
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(enc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(enc))/1e6, "MB")
	})
	b.Run("decode+engine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := Decode(enc)
			if err != nil {
				b.Fatal(err)
			}
			policy.NewEngine(c)
		}
	})
}
