package policy

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/catalog"
)

// refRegexp is the brute-force matcher: one regular expression per pattern,
// built independently of iampattern.
func refRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?is)^`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

type genStatement struct {
	Sid       string
	Deny      bool
	NotAction bool
	Patterns  []string
	Cond      bool
	AllRes    bool // Resource "*"; otherwise a narrower Resource or NotResource
	NotRes    bool
}

func (s genStatement) json() map[string]any {
	m := map[string]any{"Effect": "Allow"}
	if s.Deny {
		m["Effect"] = "Deny"
	}
	if s.Sid != "" {
		m["Sid"] = s.Sid
	}
	var pats any = s.Patterns
	if len(s.Patterns) == 1 && s.Sid == "" { // exercise the string form too
		pats = s.Patterns[0]
	}
	if s.NotAction {
		m["NotAction"] = pats
	} else {
		m["Action"] = pats
	}
	switch {
	case s.AllRes:
		m["Resource"] = "*"
	case s.NotRes:
		m["NotResource"] = "arn:aws:s3:::secret/*"
	default:
		m["Resource"] = []string{"arn:aws:s3:::b/*", "arn:aws:s3:::c"}
	}
	if s.Cond {
		m["Condition"] = map[string]any{"StringEquals": map[string]any{"aws:RequestedRegion": "eu-west-1"}}
	}
	return m
}

// grammar is IAM's action grammar, written apart from actionProblem: "*",
// or a prefix without wildcards, one colon and a name.
var grammar = regexp.MustCompile(`^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?_.-]+)$`)

// bruteForce evaluates the generated statements over every action with
// one regexp per pattern, following the rules in the package doc.
// Statements IAM rejects (a pattern outside the grammar, an empty list)
// take no part. It returns the grants and the number of actions an Allow
// covers that an exact Deny removes.
func bruteForce(actions []*catalog.Action, sts []genStatement) ([]Grant, int) {
	res := map[string]*regexp.Regexp{}
	for _, s := range sts {
		for _, p := range s.Patterns {
			res[p] = refRegexp(p)
		}
	}
	covers := func(s genStatement, a *catalog.Action) []GrantRef {
		var refs []GrantRef
		hit := false
		for _, p := range s.Patterns {
			if res[p].MatchString(a.ID()) {
				hit = true
				if !s.NotAction {
					ref := GrantRef{Sid: s.Sid, Pattern: p}
					dup := false
					for _, r := range refs {
						dup = dup || r == ref
					}
					if !dup {
						refs = append(refs, ref)
					}
				}
			}
		}
		if s.NotAction && !hit {
			refs = append(refs, GrantRef{Sid: s.Sid, NotAction: true})
		}
		return refs
	}
	var out []Grant
	deniedCount := 0
	for _, a := range actions {
		g := Grant{Action: a, Conditional: true, ResourceScoped: true}
		denied := false
		for i, s := range sts {
			if len(s.Patterns) == 0 || slices.ContainsFunc(s.Patterns, func(p string) bool { return !grammar.MatchString(p) }) {
				continue
			}
			refs := covers(s, a)
			for k := range refs {
				refs[k].Statement = i
			}
			switch {
			case len(refs) == 0:
			case !s.Deny:
				g.GrantedBy = append(g.GrantedBy, refs...)
				g.Conditional = g.Conditional && s.Cond
				g.ResourceScoped = g.ResourceScoped && !s.AllRes
			case !s.Cond && s.AllRes:
				denied = true
			default:
				g.PartlyDenied = true
				g.DeniedBy = append(g.DeniedBy, refs...)
			}
		}
		if !denied && len(g.GrantedBy) > 0 {
			out = append(out, g)
		}
		if denied && len(g.GrantedBy) > 0 {
			deniedCount++
		}
	}
	return out, deniedCount
}

// randomCatalog has a few prefixes that share beginnings and names made of
// few letters in mixed case, so that random wildcards hit often. No two
// names differ only in case: the catalog refuses those, as IAM takes them
// for one action.
func randomCatalog(t testing.TB, rng *rand.Rand) *catalog.Catalog {
	prefixes := []string{"ab", "abc", "b", "ba", "c-d"}
	services := map[string][]string{}
	for _, p := range prefixes {
		seen := map[string]bool{}
		for n := 3 + rng.IntN(12); len(seen) < n; {
			name := randomWord(rng, "aAbBc", 1+rng.IntN(5))
			if !seen[strings.ToLower(name)] {
				seen[strings.ToLower(name)] = true
				services[p] = append(services[p], name)
			}
		}
	}
	return synthCatalog(t, services, nil)
}

func randomWord(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// randomPattern starts from a catalog id (or an unknown one) and sprinkles
// wildcards and case changes over it.
func randomPattern(rng *rand.Rand, actions []*catalog.Action) string {
	if rng.IntN(25) == 0 {
		return "*"
	}
	var id []byte
	if rng.IntN(6) == 0 {
		id = []byte(randomWord(rng, "abc", 1+rng.IntN(3)) + ":" + randomWord(rng, "aAbBcd", 1+rng.IntN(5)))
	} else {
		id = []byte(actions[rng.IntN(len(actions))].ID())
	}
	var out []byte
	for i := 0; i < len(id); i++ {
		switch r := rng.IntN(12); {
		case r == 0:
			out = append(out, '*')
			i += rng.IntN(3) // swallow a few characters
		case r == 1:
			out = append(out, '?')
		case r == 2 && 'a' <= id[i] && id[i] <= 'z':
			out = append(out, id[i]-'a'+'A')
		case r == 3 && 'A' <= id[i] && id[i] <= 'Z':
			out = append(out, id[i]-'A'+'a')
		default:
			out = append(out, id[i])
		}
	}
	if rng.IntN(8) == 0 {
		out = append(out, '*')
	}
	return string(out)
}

func TestEvaluateMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	const catalogs, perCatalog = 20, 120 // 2,400 random policies
	for ci := 0; ci < catalogs; ci++ {
		c := randomCatalog(t, rng)
		e := NewEngine(c)
		var actions []*catalog.Action
		for _, s := range c.Services {
			actions = append(actions, s.Actions...)
		}
		for pi := 0; pi < perCatalog; pi++ {
			sts := make([]genStatement, 1+rng.IntN(6))
			for i := range sts {
				s := genStatement{
					Deny:      rng.IntN(3) == 0,
					NotAction: rng.IntN(4) == 0,
					Cond:      rng.IntN(3) == 0,
					AllRes:    rng.IntN(3) > 0,
				}
				s.NotRes = !s.AllRes && rng.IntN(2) == 0
				if rng.IntN(2) == 0 {
					s.Sid = fmt.Sprintf("S%d", i)
				}
				for n := rng.IntN(4); n >= 0; n-- {
					s.Patterns = append(s.Patterns, randomPattern(rng, actions))
				}
				if !s.NotAction && rng.IntN(30) == 0 {
					s.Patterns = []string{} // an empty list grants and denies nothing
				}
				sts[i] = s
			}
			var list []any
			for _, s := range sts {
				list = append(list, s.json())
			}
			src, err := json.MarshalIndent(map[string]any{"Version": "2012-10-17", "Statement": list}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			doc, findings := Parse(src)
			for _, f := range findings {
				// A wildcard may stand in the prefix or swallow the colon:
				// IAM rejects such a pattern, and the statement grants
				// nothing. No other error is expected.
				if f.Severity == Error && f.Code != CodeInvalidAction && f.Code != CodeEmptyAction {
					t.Fatalf("generated policy has an error: %s\n%s", f, src)
				}
			}
			r := e.Evaluate(doc)
			got := r.Allowed
			want, denied := bruteForce(actions, sts)
			if r.Denied != denied {
				t.Fatalf("catalog %d policy %d: Denied = %d, want %d\n%s", ci, pi, r.Denied, denied, src)
			}
			if len(got) == 0 && len(want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("catalog %d policy %d:\n%s\ngot  %s\nwant %s", ci, pi, src, grantsString(got), grantsString(want))
			}
		}
	}
}

func grantsString(gs []Grant) string {
	var b strings.Builder
	for _, g := range gs {
		fmt.Fprintf(&b, "\n  %s by=%v cond=%v scoped=%v partly=%v deniedBy=%v", g.Action.ID(), g.GrantedBy, g.Conditional, g.ResourceScoped, g.PartlyDenied, g.DeniedBy)
	}
	return b.String()
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "iam:PassRole"], "Resource": "*"}]}`))
	f.Add([]byte(`{"Statement": {"Effect": "Deny", "NotAction": "*", "NotResource": ["a"], "Condition": {"Bool": {"k": [true, 1]}}, "Principal": {"AWS": "*"}}}`))
	f.Add([]byte("{\n \"Statement\": [\n  {\"Action\": [\"a\"\n \"b\"]}]}"))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"Version": 1, "Statement": [1, {"Effect": "allow", "Action": [], "Resource": [], "Sid": "é-", "Condition": []}]}`))
	if broken, err := os.ReadFile("testdata/chime-read-only-broken.json"); err == nil {
		f.Add(broken)
	}
	e := NewEngine(testCatalog(f))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, findings := Parse(src)
		if doc == nil {
			t.Fatal("Parse returned a nil document")
		}
		for _, fd := range findings {
			if fd.Line < 1 || fd.Col < 1 || fd.Message == "" {
				t.Fatalf("finding %+v: want line and column ≥ 1 and a message", fd)
			}
		}
		r := e.Evaluate(doc)
		for i := 1; i < len(r.Allowed); i++ {
			if !actionLess(r.Allowed[i-1].Action, r.Allowed[i].Action) {
				t.Fatalf("allowed not in catalog order: %s, %s", r.Allowed[i-1].Action.ID(), r.Allowed[i].Action.ID())
			}
		}
		for _, fd := range r.Findings {
			if fd.Line < 1 || fd.Col < 1 {
				t.Fatalf("evaluation finding %+v has no position", fd)
			}
		}
	})
}

// FuzzAnalyze runs every check, for every kind, against the shipped
// catalog (with resource types, condition keys, global keys and risk
// lists): every finding has a documented code and a position, and
// statements IAM rejects grant nothing.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte(`{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": ["s3*:Get*", "\u212Ams:Decrypt", "s3:GetObject"], "Resource": ["arn:aws:s3:::b/*", "b"], "Condition": {"ForAllValues:StringEqual": {"aws:TagKeys": "x"}, "DateLessThan": {"aws:CurrentTime": "soon"}}}, {"Sid": "A", "Effect": "Deny", "NotPrincipal": {"AWS": "x"}, "NotAction": [], "Resource": "*"}]}`))
	f.Add([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["iam:PassRole", "iam:Get*", "iam:GetRole"], "NotResource": "arn:aws:iam::*:role/x", "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com", "ec2:InstanceType": "t3"}}}]}`))
	f.Add([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:List*"], "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::${aws:username}?*"]}, {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b/*"}]}`))
	for _, r := range Rules {
		if r.Example != "" {
			f.Add([]byte(r.Example))
		}
	}
	e, _ := shipped(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, kind := range append([]Kind{""}, Kinds...) {
			a := e.Analyze(src, Options{Kind: kind})
			for _, fd := range a.Findings() {
				if fd.Line < 1 || fd.Col < 1 || fd.Message == "" || RuleFor(fd.Code) == nil {
					t.Fatalf("kind %q: finding %+v: want a position, a message and a documented code", kind, fd)
				}
			}
			for _, g := range a.Result.Allowed {
				for _, ref := range g.GrantedBy {
					if !a.Document.Statements[ref.Statement].Valid {
						t.Fatalf("kind %q: %s granted by invalid statement %d", kind, g.Action.ID(), ref.Statement+1)
					}
				}
			}
		}
	})
}

// FuzzMatch checks the engine's indexed matching (map, binary search,
// prefix scan, cache) against a regexp over every action.
func FuzzMatch(f *testing.F) {
	c := synthCatalog(f, map[string][]string{
		"s3":      {"GetObject", "GetObjectAcl", "PutObject", "ListBucket", "getObject2"},
		"s3-x":    {"GetObject", "Get"},
		"chime":   {"ListAccounts", "ListMeetingsReportData", "GET", "GetAll"},
		"kms":     {"Decrypt", "KeyRotate"},
		"a-b-c":   {"X", "xY"},
		"ec2":     {"DescribeInstances", "DescribeImages", "RunInstances"},
		"rds-db":  {"connect"},
		"cloud9":  {"ListEnvironments"},
		"cloudfx": {"List"},
	}, nil)
	e := NewEngine(c)
	var actions []*catalog.Action
	for _, s := range c.Services {
		actions = append(actions, s.Actions...)
	}
	for _, p := range []string{"*", "s3:*", "S3:get*", "s3*", "*:Get*", "s?:*Object", "chime:GET", "kms:\u212Aey*", "a-b-c:x+y", "a-b-c:x.", "a-?-c:X?", "cloud*:List*", "*3-?:*", "::", "s3:Get*:*", ""} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		if !utf8.ValidString(pattern) || len(pattern) > 64 {
			return
		}
		re := refRegexp(pattern)
		var want []string
		for _, a := range actions {
			if re.MatchString(a.ID()) {
				want = append(want, a.ID())
			}
		}
		sc := e.scratch.Get().(*scratch)
		defer e.scratch.Put(sc)
		for round := 0; round < 2; round++ { // the second round reads the cache
			var got []string
			for _, n := range e.match(sc, pattern, nil) {
				got = append(got, e.x.actions[n].ID())
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: match(%q) = %v, want %v", round, pattern, got, want)
			}
		}
		var got []string
		for _, a := range e.Match(pattern) {
			got = append(got, a.ID())
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Match(%q) = %v, want %v", pattern, got, want)
		}
	})
}
