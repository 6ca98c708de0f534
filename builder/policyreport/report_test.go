package policyreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/timingdoc"
)

// grantRefs and allowedDocs are the allowed list as encoding/json would
// write it from the documented structs: allowedList must match them.
func grantRefs(refs []policy.GrantRef) []grantRefDoc {
	out := make([]grantRefDoc, len(refs))
	for i, r := range refs {
		out[i] = grantRefDoc{Statement: r.Statement + 1, Sid: r.Sid, Pattern: r.Pattern, NotAction: r.NotAction}
	}
	return out
}

func allowedDocs(allowed []policy.Grant) []allowedDoc {
	out := make([]allowedDoc, len(allowed))
	for i := range allowed {
		g := &allowed[i]
		out[i] = allowedDoc{Action: g.Action.ID(), AccessLevel: string(g.Action.AccessLevel), GrantedBy: grantRefs(g.GrantedBy),
			Conditional: g.Conditional, ResourceScoped: g.ResourceScoped, PartlyDenied: g.PartlyDenied}
		if len(g.DeniedBy) > 0 {
			out[i].DeniedBy = grantRefs(g.DeniedBy)
		}
	}
	return out
}

func TestAppendAllowed(t *testing.T) {
	svc := &catalog.Service{Prefix: "demo"}
	odd := &catalog.Service{Prefix: "we<ird>&"}
	act := func(s *catalog.Service, name string, level catalog.AccessLevel) *catalog.Action {
		return &catalog.Action{Service: s, Name: name, AccessLevel: level}
	}
	star := policy.GrantRef{Statement: 0, Pattern: "*"}
	cases := map[string][]policy.Grant{
		"empty": nil,
		"one":   {{Action: act(svc, "GetWidget", "Read"), GrantedBy: []policy.GrantRef{star}}},
		"shared refs, flags, denials": {
			{Action: act(svc, "A", "Write"), GrantedBy: []policy.GrantRef{star, {Statement: 2, Sid: "S2", Pattern: "demo:*"}}, Conditional: true},
			{Action: act(svc, "B", "List"), GrantedBy: []policy.GrantRef{star}, ResourceScoped: true, PartlyDenied: true, DeniedBy: []policy.GrantRef{{Statement: 3, Sid: "NoB", Pattern: "demo:B"}}},
			{Action: act(svc, "C", "Tagging"), GrantedBy: []policy.GrantRef{{Statement: 1, NotAction: true}}},
		},
		"no grant refs": {{Action: act(svc, "D", "Read")}},
		"strings that need escaping": {
			{Action: act(odd, "Quote\"Back\\slash", "Permissions management"), GrantedBy: []policy.GrantRef{{Statement: 4, Sid: "tab\there", Pattern: "we<ird>&:*\u2028"}}},
			{Action: act(svc, "Ctl\x01\x7fé\xff", ""), GrantedBy: []policy.GrantRef{{Sid: "\u00e9\u2029", Pattern: "\x00"}}},
		},
	}
	for name, allowed := range cases {
		want := jsonValue(allowedDocs(allowed))
		list := newAllowedList(allowed)
		size := list.size()
		got := list.append([]byte("["))
		got = append(got, ']')
		if len(got)-2 > size {
			t.Errorf("%s: wrote %d bytes, more than the size %d", name, len(got)-2, size)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
		if !json.Valid(got) {
			t.Errorf("%s: invalid JSON %s", name, got)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "chime:CreateMeeting", "a\"b\\c", "<&>", "\u2028", "\xff", "\x00\x1f\x7f", "é",
		"sixteen bytes ok", "twelve bytes\"and then a quote", "eight by\x7f", "seven b\\ and more after it", "a long run of plain text then é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := jsonValue(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
		// After what the buffer holds already, which a string that needs
		// encoding/json must leave as it was.
		if got := appendJSONString([]byte(`["x",`), s); !bytes.Equal(got, append([]byte(`["x",`), want...)) {
			t.Errorf("appendJSONString(`[\"x\",`, %q) = %s, want [\"x\",%s", s, got, want)
		}
	})
}

// TestPlain8 holds plain8 to the byte table: every byte value at every
// place among plain ones, and random words.
func TestPlain8(t *testing.T) {
	want := func(w [8]byte) bool {
		for _, c := range w {
			if jsonByte[c] != plainByte {
				return false
			}
		}
		return true
	}
	check := func(w [8]byte) {
		if got := plain8(load8(string(w[:]), 0)); got != want(w) {
			t.Errorf("plain8(%q) = %v, want %v", w[:], got, !got)
		}
	}
	for c := range 256 {
		for at := range 8 {
			w := [8]byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
			w[at] = byte(c)
			check(w)
			w[(at+3)%8] = 0x7f
			check(w)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		var w [8]byte
		for i := range w {
			// Mostly near the edges: 0x1f/0x20, '"', '\\', 0x7e/0x7f/0x80.
			w[i] = []byte{0x1f, 0x20, 0x21, '"', '#', '[', '\\', ']', 0x7e, 0x7f, 0x80, 0xff, 0x00, 'a'}[rng.IntN(14)]
			if rng.IntN(3) == 0 {
				w[i] = byte(rng.IntN(256))
			}
		}
		check(w)
	}
}

func smallCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	src := `{"s3": {"service_name": "Amazon S3", "prefix": "s3", "privileges": {
	  "GetObject": {"privilege": "GetObject", "description": "d", "access_level": "Read",
	    "resource_types": {"object": {"resource_type": "object", "required": true, "condition_keys": [], "dependent_actions": []}}},
	  "PutObject": {"privilege": "PutObject", "description": "d", "access_level": "Write",
	    "resource_types": {"object": {"resource_type": "object", "required": true, "condition_keys": [], "dependent_actions": []}}}},
	  "resources": {"object": {"resource": "object", "arn": "arn:${Partition}:s3:::${BucketName}/${ObjectName}", "condition_keys": []}},
	  "conditions": {}}}`
	c, err := catalog.Load(fstest.MapFS{
		"catalog/s3.json":       {Data: []byte(src)},
		"catalog/snapshot.yaml": {Data: []byte("date: 2026-06-14\nsource: test\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEncode: the report of a small document, field by field, decoded
// back: the shape docs/api.md documents.
func TestEncode(t *testing.T) {
	c := smallCatalog(t)
	e := policy.NewEngine(c)
	src := `{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:GetObjekt", "s3:Nothing*"], "Resource": "*"},
  {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
]}`
	a := e.Analyze([]byte(src), policy.Options{})
	out := Encode(Subject{Kind: Document, Name: "p.json"}, a, c.Snapshot)
	if !bytes.HasSuffix(out, []byte("}\n")) || bytes.Count(out, []byte("\n")) != 1 {
		t.Fatalf("not one line of JSON: %q", out)
	}
	var got struct {
		Schema, Kind, Name, URL, ARN, Version string
		DocumentVersion                       string `json:"document_version"`
		Snapshot                              struct{ Date, Hash string }
		Allowed                               []struct {
			Action, AccessLevel string
			GrantedBy           []struct {
				Statement    int
				Sid, Pattern string
			} `json:"granted_by"`
			PartlyDenied bool                      `json:"partly_denied"`
			DeniedBy     []struct{ Statement int } `json:"denied_by"`
		}
		Unknown []struct {
			Pattern     string
			Wildcard    bool
			Line, Col   int
			Suggestions []string
		}
		Findings   []struct{ Code, Severity string }
		Statements []struct {
			Statement int
			Sid       string
			Valid     bool
		}
		PolicyType string `json:"policy_type"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Schema != Schema || got.Kind != Document || got.Name != "p.json" || got.DocumentVersion != "2012-10-17" || got.Snapshot.Date != "2026-06-14" || got.Snapshot.Hash != c.Snapshot.Hash {
		t.Errorf("head: %+v", got)
	}
	if len(got.Allowed) != 1 || got.Allowed[0].Action != "s3:GetObject" || got.Allowed[0].GrantedBy[0].Statement != 1 ||
		got.Allowed[0].GrantedBy[0].Pattern != "s3:Get*" || !got.Allowed[0].PartlyDenied || got.Allowed[0].DeniedBy[0].Statement != 2 {
		t.Errorf("allowed: %+v", got.Allowed)
	}
	if len(got.Unknown) != 2 || got.Unknown[0].Pattern != "s3:GetObjekt" || got.Unknown[0].Wildcard || !got.Unknown[1].Wildcard ||
		got.Unknown[0].Line != 2 || !slices.Contains(got.Unknown[0].Suggestions, "s3:GetObject") {
		t.Errorf("unknown: %+v", got.Unknown)
	}
	var codes []string
	for _, f := range got.Findings {
		codes = append(codes, f.Code)
	}
	if !slices.Contains(codes, "UNKNOWN_ACTION") || !slices.Contains(codes, "WILDCARD_MATCHES_NOTHING") {
		t.Errorf("findings: %v", codes)
	}
	if len(got.Statements) != 2 || got.Statements[0].Sid != "Read" || !got.Statements[1].Valid || got.PolicyType != "identity" {
		t.Errorf("statements %+v, type %q", got.Statements, got.PolicyType)
	}
	if strings.Contains(string(out), `"title"`) || strings.Contains(string(out), `"created"`) || strings.Contains(string(out), `"updated"`) {
		t.Errorf("empty title or dates written: %s", out)
	}
	// A syntax error: no statements, one finding, valid JSON still.
	bad := Encode(Subject{Kind: Document, Name: "-"}, e.Analyze([]byte(`{"Statement": [`), policy.Options{}), c.Snapshot)
	if !json.Valid(bad) || !bytes.Contains(bad, []byte(`"code":"JSON_SYNTAX"`)) {
		t.Errorf("syntax error report: %s", bad)
	}
}

var (
	shippedOnce sync.Once
	shippedCat  *catalog.Catalog
	shippedPols []*policy.ManagedPolicy
	shippedErr  error
)

func shipped(tb testing.TB) (*catalog.Catalog, []*policy.ManagedPolicy) {
	tb.Helper()
	shippedOnce.Do(func() {
		content := os.DirFS("../../content")
		if shippedCat, shippedErr = catalog.Load(content); shippedErr == nil {
			shippedPols, shippedErr = policy.LoadManaged(content)
		}
	})
	if shippedErr != nil {
		tb.Fatal(shippedErr)
	}
	return shippedCat, shippedPols
}

// BenchmarkEncode writes the reports of all managed policies, and for
// comparison their allowed lists through encoding/json.
func BenchmarkEncode(b *testing.B) {
	c, ps := shipped(b)
	e := policy.NewEngine(c)
	as := make([]*policy.Analysis, len(ps))
	for i, p := range ps {
		as[i] = e.Analyze(p.Document, policy.Options{Kind: policy.Identity, AWSManaged: true})
	}
	b.Run("reports", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for i, p := range ps {
				n += len(Encode(Subject{Kind: Managed, Name: p.Name}, as[i], c.Snapshot))
			}
			b.ReportMetric(float64(n)/1e6, "MB")
		}
	})
	b.Run("allowed-encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, a := range as {
				encodeJSON(allowedDocs(a.Result.Allowed))
			}
		}
	})
}

// referenceEncode is the report as encoding/json writes the documented
// structs: Encode must give its bytes.
func referenceEncode(s Subject, a *policy.Analysis, snap catalog.Snapshot) []byte {
	d := headDoc(s, a, snap)
	d.Allowed = allowedDocs(a.Result.Allowed)
	unknown := func(u policy.UnknownAction, wildcard bool) unknownDoc {
		return unknownDoc{Pattern: u.Pattern, Wildcard: wildcard, Statement: u.Statement + 1, Sid: u.Sid, Effect: string(u.Effect),
			NotAction: u.NotAction, Line: u.Line, Col: u.Col, Suggestions: nonNil(u.Suggestions)}
	}
	for _, u := range a.Result.Unknown {
		d.Unknown = append(d.Unknown, unknown(u, false))
	}
	for _, u := range a.Result.Unmatched {
		d.Unknown = append(d.Unknown, unknown(u, true))
	}
	for _, f := range a.Result.Findings {
		d.Findings = append(d.Findings, findingDoc{Code: string(f.Code), Severity: string(f.Severity), Line: f.Line, Col: f.Col, Message: f.Message, Suggestions: nonNil(f.Suggestions)})
	}
	for _, st := range a.Document.Statements {
		d.Statements = append(d.Statements, statementDoc{Statement: st.Index + 1, Sid: st.Sid, Effect: string(st.Effect), Line: st.Line, Valid: st.Valid})
	}
	return encodeJSON(d)
}

// TestEncodeLists holds Encode's lists, written without reflection, to
// encoding/json: on every managed policy, the /analyze/ timing document,
// and documents whose names, Sids, patterns and messages need escaping.
func TestEncodeLists(t *testing.T) {
	c, ps := shipped(t)
	e := policy.NewEngine(c)
	docs := []string{
		timingdoc.Document(timingdoc.IDs(c, "s3", "chime", "iam", "kms", "sts")),
		`{"Version": "2012-10-17", "Statement": [{"Sid": "q\"b\\s\u00e9\u2028", "Effect": "Allow", "Action": ["s3:Get\"Objekt", "s3:\\*", "s3:G\u00e9t*", "s3:GetObject"], "Resource": ["arn:aws:s3:::b\"/*", "arn:aws:s3:::\u2029"], "Condition": {"StringEquals": {"aws:Tag\"Key": "<&>"}}}]}`,
		"{\"Statement\": [\x01",
		`{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotAction": "iam:*", "Principal": "*", "Resource": "*"}}`,
	}
	for i, p := range ps {
		if i%5 == 0 {
			docs = append(docs, string(p.Document))
		}
	}
	for i, d := range docs {
		for _, kind := range []policy.Kind{"", policy.Identity} {
			a := e.Analyze([]byte(d), policy.Options{Kind: kind})
			s := Subject{Kind: Document, Name: fmt.Sprint("doc ", i)}
			if got, want := Encode(s, a, c.Snapshot), referenceEncode(s, a, c.Snapshot); !bytes.Equal(got, want) {
				n := 0
				for n < min(len(got), len(want)) && got[n] == want[n] {
					n++
				}
				t.Fatalf("document %d, kind %q: Encode differs from encoding/json at byte %d:\n got …%s…\nwant …%s…", i, kind, n, got[max(0, n-80):min(len(got), n+80)], want[max(0, n-80):min(len(want), n+80)])
			}
		}
	}
}
