package site

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/markup"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/parallel"
)

// The policy pages: every AWS managed policy, the example policies, a
// matrix of managed policies per service, comparisons of policy pairs, and
// what the documentation says against what the documents compute. All of
// it comes from one evaluation per build (loadPolicies), which runs before
// the catalog pages so that action and service pages can show grants.

// Bounds that keep the pages usable and the build fast.
const (
	// maxActionGrants is how many granting policies an action page names;
	// the rest are counted and left to the matrix row.
	maxActionGrants = 5
	// maxMatrixColumns caps the policy columns of a matrix (ec2 has more
	// than 500 granting policies); the others are listed below it.
	maxMatrixColumns = 40
	// compareColumns: comparisons are made for the pairs among this many
	// leading narrow columns of each matrix.
	compareColumns = 4
	// broadServices: a policy that allows actions of more services than
	// this is broad. Broad policies get no comparisons: against anything
	// they differ in thousands of actions, which their own pages list.
	broadServices = 10
	// openGroup: a service group of a policy page with at most this many
	// actions starts expanded.
	openGroup = 40
)

// policySet is the evaluated policies of one build.
type policySet struct {
	index    map[*catalog.Action]int32 // catalog order, for the policies' histories
	engine   *policy.Engine
	managed  []*Managed // sorted by name
	byName   map[string]*Managed
	examples []*Example // sorted by slug
	matrices map[*catalog.Service]*MatrixPage
	actions  map[*catalog.Action]*ActionPolicies
	tables   []*docTable
	stats    *checkStats                     // checkstats.go
	keyUses  map[*catalog.KeyUsage][]*KeyUse // keyuses.go: the managed policies that test each key
	source   *policy.Source                  // the package release the policies come from; nil if not known
}

// Managed is one AWS managed policy with its evaluation.
type Managed struct {
	Policy   *policy.ManagedPolicy
	View     *PolicyView
	History  *PolicyHistory // policyversions.go
	Services int            // services the policy allows actions of
	Top      []ServiceCount
}

// ServiceCount is how many actions of a service a policy allows.
type ServiceCount struct {
	Prefix string
	Count  int
}

// Name is the policy's name.
func (m *Managed) Name() string { return m.Policy.Name }

// Example is an example policy: content/examples/<slug>.md explains
// content/examples/<slug>.json.
type Example struct {
	Slug    string
	File    string // the Markdown file
	Doc     *markup.Document
	Service *catalog.Service // from the front matter; nil when none
	View    *PolicyView
}

// docTable is a documented managed-policy table and its drift.
type docTable struct {
	table    *policy.DocumentedTable
	services map[*catalog.Service]bool
	rows     []policy.DriftRow
}

// PolicyView is a policy document with everything its page shows. Managed
// and example pages share it, and the "policy-*" partials render it.
type PolicyView struct {
	Source     string // the document as shown: lines match the positions
	Lines      int
	Doc        *policy.Document
	Result     *policy.Result
	Analysis   *policy.Analysis // the checks: kind, escalation paths, sensitive actions
	Risks      *RiskView        // policyrisks.go
	Statements []StatementView
	Findings   []FindingView
	Services   []ServiceGrants
	Unknown    []UnknownView // literal names the catalog lacks, then wildcards matching nothing
	HasDeny    bool
	NotAction  bool
	// NewerThanCatalog is the policy's update date (YYYY-MM-DD) when it is
	// after the catalog's snapshot: names the catalog lacks may be newer
	// than the catalog rather than wrong.
	NewerThanCatalog string
	marks            [][2]int
}

// StatementView is one statement, with its link target.
type StatementView struct {
	N         int    // 1-based
	ID        string // "statement-<N>"
	SidID     string // "sid-<Sid>" when the Sid is a safe, unique name
	Sid       string
	Effect    policy.Effect
	Line      int
	NotAction bool
	Patterns  []policy.Pattern
	Condition bool
	AllRes    bool
	Valid     bool
	Grants    int // actions this statement grants (Allow) or covers partly (Deny)
}

// FindingView is a finding with its line link.
type FindingView struct {
	policy.Finding
	Anchor      string // "L<line>", "" when the line is outside the document
	Suggestions []ActionRef
}

// ActionRef is a catalog name, linked when the catalog has it.
type ActionRef struct {
	Name   string
	Action *catalog.Action
}

// UnknownView is a pattern that matches nothing, with suggestions.
type UnknownView struct {
	policy.UnknownAction
	Wildcard    bool
	Anchor      string
	Suggestions []ActionRef
}

// ServiceGrants is the allowed actions of one service, by access level.
type ServiceGrants struct {
	Service *catalog.Service
	Count   int
	Open    bool
	Matrix  string // the service's matrix page; "" without one
	Levels  []LevelGrants
	// Uniform is set when every action of the service is granted the
	// same way: the rows then need no detail of their own.
	Uniform *policy.Grant
	Detail  *GrantDetail // of Uniform
	// All is set when the policy allows every action of the service, all
	// the same way: the page says so instead of listing them (the
	// service's own page lists them), which keeps AdministratorAccess at
	// 464 lines instead of 21,000 links.
	All bool
}

// LevelGrants is the allowed actions of one access level, in runs of
// actions granted the same way: a page names the pattern once per run
// instead of once per action (ec2:Describe* allows 200 actions).
type LevelGrants struct {
	Level catalog.AccessLevel
	Count int
	Runs  []GrantRun
}

// GrantRun is actions allowed by the same statements and patterns, on the same terms.
type GrantRun struct {
	Grant   *policy.Grant // the first of them
	Detail  *GrantDetail  // what allows them; nil in a uniform service group
	Actions []*catalog.Action
}

// GrantState is a policy.CellState with names for templates.
type GrantState policy.CellState

// Allowed reports whether the action is allowed at all.
func (s GrantState) Allowed() bool { return policy.CellState(s).Allowed() }

// Conditional reports whether every grant has a condition.
func (s GrantState) Conditional() bool { return policy.CellState(s).Has(policy.CellConditional) }

// Scoped reports whether no grant covers every resource.
func (s GrantState) Scoped() bool { return policy.CellState(s).Has(policy.CellResourceScoped) }

// Denied reports whether a conditional or narrower Deny also matches.
func (s GrantState) Denied() bool { return policy.CellState(s).Has(policy.CellPartlyDenied) }

// Class is the CSS class of a matrix cell: the strongest restriction wins.
func (s GrantState) Class() string {
	switch {
	case !s.Allowed():
		return ""
	case s.Denied():
		return "m-d"
	case s.Conditional():
		return "m-c"
	case s.Scoped():
		return "m-r"
	}
	return "m-a"
}

// Symbol is the cell text: ✓ and a letter per restriction.
func (s GrantState) Symbol() string {
	if !s.Allowed() {
		return ""
	}
	sym := "✓"
	if s.Conditional() {
		sym += "c"
	}
	if s.Scoped() {
		sym += "r"
	}
	if s.Denied() {
		sym += "d"
	}
	return sym
}

// Label spells the state out: "allowed, conditional, resource-scoped".
func (s GrantState) Label() string {
	if !s.Allowed() {
		return "not allowed"
	}
	parts := []string{"allowed"}
	if s.Conditional() {
		parts = append(parts, "conditional")
	}
	if s.Scoped() {
		parts = append(parts, "resource-scoped")
	}
	if s.Denied() {
		parts = append(parts, "partly denied")
	}
	return strings.Join(parts, ", ")
}

// ActionPolicies is what an action page shows about policies.
type ActionPolicies struct {
	Grants   []*ActionGrant // the most specific first, at most maxActionGrants
	List     *GrantList     // Grants, shared by the actions with the same list
	Total    int            // managed policies that allow the action
	More     int            // Total - len(Grants)
	Matrix   string         // the action's row in its service matrix; "" without one
	Examples []*ActionGrant
	// Since is every managed policy that allows the action, by name, with
	// the version since which it does (policyversions.go); shared by the
	// actions with the same list.
	Since *SinceList
}

// ActionGrant is one policy's grant of an action. Action pages share
// equal grants (AdministratorAccess's "*", ReadOnlyAccess's "chime:List*"
// for each chime List action): the template renders each once per depth
// (fragments.go).
type ActionGrant struct {
	Name, Path string
	Patterns   []string // the author's spelling; "NotAction" for a NotAction statement
	State      *CellView
	Since      *VersionView // the version since which the policy allows it; nil for examples
}

// GrantList is the list of grants an action page shows. The actions of a
// service share equal lists (every chime List action shows the same five
// policies), so a page renders each list once per depth (fragments.go).
type GrantList struct {
	Grants []*ActionGrant
}

// grantLists hands out one *GrantList per distinct list of shared grants.
type grantLists map[string]*GrantList

func (l grantLists) get(grants []*ActionGrant, ids map[*ActionGrant]int) *GrantList {
	key := make([]byte, 0, 4*len(grants))
	for _, g := range grants {
		id, ok := ids[g]
		if !ok {
			id = len(ids)
			ids[g] = id
		}
		key = binary.AppendUvarint(key, uint64(id))
	}
	if gl := l[string(key)]; gl != nil {
		return gl
	}
	gl := &GrantList{Grants: grants}
	l[string(key)] = gl
	return gl
}

// loadPolicies loads and evaluates the managed and example policies and
// the documented tables. Problems of the content are build errors.
func (b *builder) loadPolicies() {
	ps := &policySet{engine: policy.NewEngine(b.cat), byName: map[string]*Managed{}, actions: map[*catalog.Action]*ActionPolicies{}}
	b.pol = ps
	mps, err := policy.LoadManaged(b.cfg.Content)
	if err != nil {
		b.errs = append(b.errs, diag.From("policies", err)...)
	}
	if ps.source, err = policy.LoadSource(b.cfg.Content); err != nil {
		b.errs = append(b.errs, diag.From(policy.SourceFile, err)...)
	}
	for _, mp := range mps {
		if reservedPolicyNames[mp.Name] {
			b.errs = append(b.errs, &diag.Diagnostic{File: mp.File, Line: 1, Col: 1, Msg: fmt.Sprintf("policy name %q would collide with the site's %s%s/ pages", mp.Name, PoliciesPath, mp.Name)})
			continue
		}
		m := &Managed{Policy: mp}
		ps.managed = append(ps.managed, m)
		ps.byName[mp.Name] = m
	}
	b.loadExamples()
	tables := b.readTables()
	if len(b.errs) > 0 {
		return // the build fails: nothing need be evaluated
	}

	// Evaluate on every core: the engine is safe for concurrent use.
	n := len(ps.managed) + len(ps.examples)
	parallel.Each(n, func(i int) {
		if i < len(ps.managed) {
			m := ps.managed[i]
			m.View = newPolicyView(ps.engine, string(m.Policy.Document), policy.Options{Kind: policy.Identity, AWSManaged: true})
			m.Services, m.Top = serviceCounts(m.View.Services)
			if d := m.Policy.UpdateDate; len(d) >= 10 && d[:10] > b.cat.Snapshot.Date {
				m.View.NewerThanCatalog = d[:10]
			}
			return
		}
		ex := ps.examples[i-len(ps.managed)]
		ex.View.evaluate(ps.engine, policy.Options{}) // the kind is guessed
	})

	b.policyHistories() // policyversions.go
	mps = make([]*policy.ManagedPolicy, len(ps.managed))
	results := make([]*policy.Result, len(ps.managed))
	for i, m := range ps.managed {
		mps[i], results[i] = m.Policy, m.View.Result
	}
	ps.countChecks(b.cat)
	ps.collectKeyUses()
	b.compareTables(tables, results)
	b.matrices(mps, results)
	b.actionPolicies(mps, results)
	if len(ps.managed) > 0 {
		b.info.Nav = append(b.info.Nav, Crumb{Name: "Managed policies", Path: PoliciesPath})
	}
	if len(ps.examples) > 0 {
		b.info.Nav = append(b.info.Nav, Crumb{Name: "Examples", Path: ExamplesPath})
	}
}

// reservedPolicyNames are segments under /policies/ that are not policies.
var reservedPolicyNames = map[string]bool{"compare": true, "changes": true}

var exampleSlug = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// loadExamples reads examples/<slug>.md and examples/<slug>.json: both
// must exist. A broken policy document is not a build error: its findings
// are the point of showing it.
func (b *builder) loadExamples() {
	mds, _ := fs.Glob(b.cfg.Content, "examples/*.md")
	jsons, _ := fs.Glob(b.cfg.Content, "examples/*.json")
	hasJSON := map[string]bool{}
	for _, f := range jsons {
		hasJSON[strings.TrimSuffix(path.Base(f), ".json")] = true
	}
	hasMD := map[string]bool{}
	sort.Strings(mds)
	for _, f := range mds {
		slug := strings.TrimSuffix(path.Base(f), ".md")
		hasMD[slug] = true
		if !exampleSlug.MatchString(slug) {
			b.errs = append(b.errs, &diag.Diagnostic{File: f, Msg: fmt.Sprintf("example name %q: use lower-case letters, digits and '-'", slug)})
			continue
		}
		if !hasJSON[slug] {
			b.errs = append(b.errs, &diag.Diagnostic{File: f, Msg: fmt.Sprintf("no policy document examples/%s.json beside the explanation", slug)})
			continue
		}
		doc, ok := b.markdown(f)
		if !ok {
			continue
		}
		ex := &Example{Slug: slug, File: f, Doc: doc}
		if doc.Service != "" {
			if ex.Service = b.cat.Service(doc.Service); ex.Service == nil {
				if !b.cat.Broken(doc.Service) {
					b.errs = append(b.errs, &diag.Diagnostic{File: f, Line: 1, Msg: fmt.Sprintf("front matter names unknown service prefix %q", doc.Service)})
				}
				continue
			}
		}
		jf := "examples/" + slug + ".json"
		data, err := fs.ReadFile(b.cfg.Content, jf)
		if err != nil {
			b.errs = append(b.errs, diag.From(jf, err)...)
			continue
		}
		if errs := checkPolicyJSON(jf, data, doc.Verbatim); errs != nil {
			b.errs = append(b.errs, errs...)
			continue
		}
		ex.View = &PolicyView{Source: string(data)}
		b.pol.examples = append(b.pol.examples, ex)
	}
	for _, f := range jsons {
		if slug := strings.TrimSuffix(path.Base(f), ".json"); !hasMD[slug] {
			b.errs = append(b.errs, &diag.Diagnostic{File: f, Msg: fmt.Sprintf("no explanation examples/%s.md beside the policy document", slug)})
		}
	}
}

// checkPolicyJSON holds an example's document to being JSON, an object,
// and not empty: what it says (unknown actions, a wrong Effect) is shown
// as findings, but a document that is no JSON at all would be shown as
// allowing nothing, with findings that point nowhere.
//
// A verbatim example (front matter `verbatim: true`) shows a document as
// its source prints it, a syntax error included: its JSON_SYNTAX finding
// is the page's point. It must still hold something.
func checkPolicyJSON(file string, data []byte, verbatim bool) diag.List {
	d := &jsonpos.Decoder{File: file}
	if len(bytes.TrimSpace(data)) == 0 {
		d.Errorf(jsonpos.Pos{Line: 1, Col: 1}, "empty policy document: want a JSON object with Version and Statement")
		return d.Errs
	}
	if verbatim {
		return nil
	}
	v, err := jsonpos.Parse(data)
	if err != nil {
		d.Syntax(err, "invalid JSON: ")
		return d.Errs
	}
	if v.Kind != jsonpos.Object {
		d.Errorf(v.Pos, "a policy document is a JSON object, not %s", v.Kind)
	}
	return d.Errs
}

// newPolicyView analyses a document.
func newPolicyView(e *policy.Engine, src string, opts policy.Options) *PolicyView {
	v := &PolicyView{Source: src}
	v.evaluate(e, opts)
	return v
}

// evaluate fills the view from its Source: the policy engine's analysis,
// the one the command line and the browser run too.
func (v *PolicyView) evaluate(e *policy.Engine, opts policy.Options) {
	v.Lines = strings.Count(v.Source, "\n")
	if !strings.HasSuffix(v.Source, "\n") {
		v.Lines++
	}
	v.Analysis = e.Analyze([]byte(v.Source), opts)
	v.Doc, v.Result = v.Analysis.Document, v.Analysis.Result
	v.Risks = newRiskView(v.Analysis, e.Catalog())
	anchor := func(line int) string {
		if line >= 1 && line <= v.Lines {
			return "L" + strconv.Itoa(line)
		}
		return ""
	}
	refs := func(names []string) []ActionRef {
		out := make([]ActionRef, len(names))
		for i, n := range names {
			out[i] = ActionRef{Name: n, Action: e.Catalog().Action(n)}
		}
		return out
	}
	marked := map[int]bool{}
	for _, f := range v.Result.Findings {
		fv := FindingView{Finding: f, Anchor: anchor(f.Line), Suggestions: refs(f.Suggestions)}
		v.Findings = append(v.Findings, fv)
		if fv.Anchor != "" && !marked[f.Line] {
			marked[f.Line] = true
			v.marks = append(v.marks, [2]int{f.Line, f.Line})
		}
	}
	for _, u := range v.Result.Unknown {
		v.Unknown = append(v.Unknown, UnknownView{UnknownAction: u, Anchor: anchor(u.Line), Suggestions: refs(u.Suggestions)})
	}
	for _, u := range v.Result.Unmatched {
		v.Unknown = append(v.Unknown, UnknownView{UnknownAction: u, Wildcard: true, Anchor: anchor(u.Line), Suggestions: refs(u.Suggestions)})
	}

	// Statements, and what each grants.
	counts := make([]int, len(v.Doc.Statements))
	for i := range v.Result.Allowed {
		g := &v.Result.Allowed[i]
		last := -1
		for _, r := range g.GrantedBy {
			if r.Statement != last {
				counts[r.Statement]++
				last = r.Statement
			}
		}
		last = -1
		for _, r := range g.DeniedBy {
			if r.Statement != last {
				counts[r.Statement]++
				last = r.Statement
			}
		}
	}
	sids := map[string]int{}
	for _, st := range v.Doc.Statements {
		sids[st.Sid]++
	}
	for _, st := range v.Doc.Statements {
		sv := StatementView{
			N: st.Index + 1, ID: "statement-" + strconv.Itoa(st.Index+1), Sid: st.Sid, Effect: st.Effect, Line: st.Line,
			NotAction: st.HasNotAction, Patterns: st.Action, Condition: st.Conditional(), AllRes: st.AllResources(), Valid: st.Valid,
			Grants: counts[st.Index],
		}
		if st.Sid != "" && sids[st.Sid] == 1 && safeSid.MatchString(st.Sid) {
			sv.SidID = "sid-" + st.Sid
		}
		v.Statements = append(v.Statements, sv)
		v.HasDeny = v.HasDeny || st.Effect == policy.Deny
		v.NotAction = v.NotAction || st.HasNotAction
	}
	v.Services = groupGrants(v.Result.Allowed)
	for i := range v.Services {
		sg := &v.Services[i]
		if sg.Uniform != nil {
			d := v.Detail(sg.Uniform)
			sg.Detail = &d
			continue
		}
		for l := range sg.Levels {
			for r := range sg.Levels[l].Runs {
				run := &sg.Levels[l].Runs[r]
				d := v.Detail(run.Grant)
				run.Detail = &d
			}
		}
	}
}

var safeSid = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// groupGrants groups grants (in catalog order) by service, then level.
func groupGrants(allowed []policy.Grant) []ServiceGrants {
	var out []ServiceGrants
	for i := 0; i < len(allowed); {
		s := allowed[i].Action.Service
		j := i
		for j < len(allowed) && allowed[j].Action.Service == s {
			j++
		}
		sg := ServiceGrants{Service: s, Count: j - i, Open: j-i <= openGroup, Uniform: &allowed[i]}
		byLevel := make([][]*policy.Grant, len(catalog.AccessLevels)+1)
		for k := i; k < j; k++ {
			g := &allowed[k]
			if sg.Uniform != nil && !sameGrant(sg.Uniform, g) {
				sg.Uniform = nil
			}
			l := g.Action.AccessLevel.Index()
			byLevel[l] = append(byLevel[l], g)
		}
		for l, gs := range byLevel {
			if len(gs) == 0 {
				continue
			}
			level := catalog.AccessLevel("")
			if l < len(catalog.AccessLevels) {
				level = catalog.AccessLevels[l]
			}
			lg := LevelGrants{Level: level, Count: len(gs)}
			if sg.Uniform != nil {
				run := GrantRun{Grant: gs[0], Actions: make([]*catalog.Action, len(gs))}
				for k, g := range gs {
					run.Actions[k] = g.Action
				}
				lg.Runs = []GrantRun{run}
			} else {
				lg.Runs = runs(gs)
			}
			sg.Levels = append(sg.Levels, lg)
		}
		sg.All = sg.Uniform != nil && sg.Count == len(s.Actions)
		out = append(out, sg)
		i = j
	}
	return out
}

// runs groups grants by how they are granted, in order of first appearance.
func runs(gs []*policy.Grant) []GrantRun {
	var out []GrantRun
	byKey := map[string]int{}
	var key []byte
	for _, g := range gs {
		key = grantKey(key[:0], g)
		i, ok := byKey[string(key)]
		if !ok {
			i = len(out)
			byKey[string(key)] = i
			out = append(out, GrantRun{Grant: g})
		}
		out[i].Actions = append(out[i].Actions, g.Action)
	}
	return out
}

// grantKey appends what makes two grants the same for the page: their
// refs, denies and flags.
func grantKey(dst []byte, g *policy.Grant) []byte {
	flag := func(b bool) byte {
		if b {
			return '1'
		}
		return '0'
	}
	dst = append(dst, flag(g.Conditional), flag(g.ResourceScoped), flag(g.PartlyDenied))
	for _, list := range [][]policy.GrantRef{g.GrantedBy, g.DeniedBy} {
		dst = append(dst, '|')
		for _, r := range list {
			dst = strconv.AppendInt(dst, int64(r.Statement), 10)
			dst = append(dst, flag(r.NotAction))
			dst = append(dst, r.Pattern...)
			dst = append(dst, 0)
		}
	}
	return dst
}

// sameGrant reports whether two grants come from the same patterns with the same flags.
func sameGrant(a, b *policy.Grant) bool {
	if a.Conditional != b.Conditional || a.ResourceScoped != b.ResourceScoped || a.PartlyDenied != b.PartlyDenied ||
		len(a.GrantedBy) != len(b.GrantedBy) || len(a.DeniedBy) != len(b.DeniedBy) {
		return false
	}
	for i := range a.GrantedBy {
		if a.GrantedBy[i] != b.GrantedBy[i] {
			return false
		}
	}
	for i := range a.DeniedBy {
		if a.DeniedBy[i] != b.DeniedBy[i] {
			return false
		}
	}
	return true
}

// serviceCounts counts services and names the three with the most grants.
func serviceCounts(sgs []ServiceGrants) (int, []ServiceCount) {
	top := make([]ServiceCount, len(sgs))
	for i, sg := range sgs {
		top[i] = ServiceCount{Prefix: sg.Service.Prefix, Count: sg.Count}
	}
	sort.SliceStable(top, func(i, j int) bool { return top[i].Count > top[j].Count })
	return len(sgs), top[:min(3, len(top))]
}

// Highlighted is the document highlighted with line anchors L<n>, the
// lines of findings marked. It runs while rendering, on every core.
func (v *PolicyView) Highlighted() (template.HTML, error) {
	return markup.Highlight(v.Source, "json", markup.HighlightOptions{LineAnchorPrefix: "L", HighlightLines: v.marks})
}

// Allowed counts the allowed actions.
func (v *PolicyView) Allowed() int { return len(v.Result.Allowed) }

// Statement is the view of the statement with a 0-based index.
func (v *PolicyView) Statement(i int) *StatementView {
	if i < 0 || i >= len(v.Statements) {
		return nil
	}
	return &v.Statements[i]
}

// Errors counts the findings of severity error.
func (v *PolicyView) Errors() int {
	n := 0
	for _, f := range v.Findings {
		if f.Severity == policy.Error {
			n++
		}
	}
	return n
}

// grantPatterns is the author's spelling of what granted g, one per
// distinct pattern; "NotAction" for NotAction statements.
func grantPatterns(g *policy.Grant) []string {
	var out []string
	for _, r := range g.GrantedBy {
		p := r.Pattern
		if r.NotAction {
			p = "NotAction"
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// specificity ranks the patterns that granted an action: a literal name
// beats any wildcard, a longer literal part beats a shorter one, and
// NotAction is the least specific.
func specificity(g *policy.Grant) int {
	best := 0
	for _, r := range g.GrantedBy {
		if r.NotAction {
			continue
		}
		lit := 0
		wild := false
		for i := 0; i < len(r.Pattern); i++ {
			if c := r.Pattern[i]; c == '*' || c == '?' {
				wild = true
			} else {
				lit++
			}
		}
		if !wild {
			lit += 1 << 16
		}
		best = max(best, lit)
	}
	return best
}

// actionPolicies precomputes, once, what each action page says about
// policies: the most specific managed grants and the examples.
func (b *builder) actionPolicies(mps []*policy.ManagedPolicy, results []*policy.Result) {
	ps := b.pol
	index := policy.NewReverseIndex(mps, results)
	counts := map[*policy.ManagedPolicy]int{}
	for i, mp := range mps {
		counts[mp] = len(results[i].Allowed)
	}
	services := b.cat.Services
	perService := make([]map[*catalog.Action]*ActionPolicies, len(services))
	parallel.Each(len(services), func(i int) {
		s := services[i]
		m := map[*catalog.Action]*ActionPolicies{}
		matrix := ""
		if ps.matrices[s] != nil {
			matrix = MatrixPath(s.Prefix)
		}
		type ranked struct {
			pg    policy.PolicyGrant
			score int
		}
		var rs []ranked
		shared := grantSet{}
		lists, ids := grantLists{}, map[*ActionGrant]int{}
		sinces := sinceLists{}
		for _, a := range s.Actions {
			grants := index.Grants(a)
			if len(grants) == 0 {
				continue
			}
			rs = rs[:0]
			for _, pg := range grants {
				rs = append(rs, ranked{pg, specificity(pg.Grant)})
			}
			sort.Slice(rs, func(i, j int) bool {
				x, y := rs[i], rs[j]
				if x.score != y.score {
					return x.score > y.score
				}
				if cx, cy := counts[x.pg.Policy], counts[y.pg.Policy]; cx != cy {
					return cx < cy
				}
				return x.pg.Policy.Name < y.pg.Policy.Name
			})
			ap := &ActionPolicies{Total: len(rs), Matrix: matrix + "#action-" + a.Name}
			for _, r := range rs[:min(len(rs), maxActionGrants)] {
				ap.Grants = append(ap.Grants, shared.get(ActionGrant{Name: r.pg.Policy.Name, Path: PolicyPath(r.pg.Policy.Name), Patterns: grantPatterns(r.pg.Grant), State: stateView(policy.StateOf(r.pg.Grant)),
					Since: ps.since(r.pg.Policy, a)}))
			}
			ap.Since = sinces.get(ps, a, grants) // policyversions.go
			ap.List = lists.get(ap.Grants, ids)
			ap.Grants = ap.List.Grants
			ap.More = ap.Total - len(ap.Grants)
			m[a] = ap
		}
		perService[i] = m
	})
	for _, m := range perService {
		for a, ap := range m {
			ps.actions[a] = ap
		}
	}
	ps.exampleGrants()
}

// exampleGrants adds to what each action page says about policies the
// examples that allow the action.
func (ps *policySet) exampleGrants() {
	for _, ex := range ps.examples {
		for i := range ex.View.Result.Allowed {
			g := &ex.View.Result.Allowed[i]
			ap := ps.actions[g.Action]
			if ap == nil {
				ap = &ActionPolicies{}
				if ps.matrices[g.Action.Service] != nil {
					ap.Matrix = MatrixPath(g.Action.Service.Prefix) + "#action-" + g.Action.Name
				}
				ps.actions[g.Action] = ap
			}
			ap.Examples = append(ap.Examples, &ActionGrant{Name: ex.Doc.Title, Path: ExamplePath(ex.Slug), Patterns: grantPatterns(g), State: stateView(policy.StateOf(g))})
		}
	}
}

// grantSet hands out one *ActionGrant per distinct grant.
type grantSet map[actionGrantKey]*ActionGrant

type actionGrantKey struct {
	path, patterns string
	state          *CellView
	since          *VersionView
}

func (s grantSet) get(g ActionGrant) *ActionGrant {
	key := actionGrantKey{g.Path, strings.Join(g.Patterns, "\x00"), g.State, g.Since}
	if p := s[key]; p != nil {
		return p
	}
	s[key] = &g
	return &g
}

// policyActionInfo is what an action page shows about policies: nil when
// the build has no managed policies, empty when none allows the action.
func (b *builder) policyActionInfo(a *catalog.Action) *ActionPolicies {
	if b.pol == nil || len(b.pol.managed) == 0 && len(b.pol.examples) == 0 {
		return nil
	}
	if ap := b.pol.actions[a]; ap != nil {
		return ap
	}
	return noPolicies
}

// noPolicies is the shared answer for the actions no policy allows.
var noPolicies = &ActionPolicies{}

// policyServiceLinks are the service page's links to its matrix.
func (b *builder) policyServiceLinks(s *catalog.Service) []Crumb {
	if b.pol == nil || b.pol.matrices[s] == nil {
		return nil
	}
	m := b.pol.matrices[s]
	return []Crumb{{Name: fmt.Sprintf("Managed policies that allow %s actions (%s)", s.Prefix, commas(m.Policies)), Path: MatrixPath(s.Prefix)}}
}

// PolicyPage is one AWS managed policy.
type PolicyPage struct {
	Base
	Managed  *Managed
	View     *PolicyView
	Compares []CompareLink
	API      string
}

// PoliciesPage lists every managed policy.
type PoliciesPage struct {
	Base
	Policies []*Managed
	Family   *CompareLink // a <X>FullAccess and <X>ReadOnlyAccess pair, EC2's when there is one
}

// ExamplePage is one example policy.
type ExamplePage struct {
	Base
	Example *Example
	View    *PolicyView
	API     string
}

// ExamplesPage lists the example policies.
type ExamplesPage struct {
	Base
	Examples []*Example
}

// CompareLink is a comparison page of two policies.
type CompareLink struct {
	A, B, Path string
}

// policyPages adds the pages of the policies, after the catalog pages.
func (b *builder) policyPages() {
	ps := b.pol
	if ps == nil {
		return
	}
	compares := b.comparePages()
	if len(ps.managed) > 0 {
		idx := &PoliciesPage{Base: b.base(PoliciesPath, "AWS managed policies", fmt.Sprintf("All %s AWS managed policies with the actions each allows, evaluated against the catalog.", commas(len(ps.managed))), homeCrumb), Policies: ps.managed}
		idx.Short = "Managed policies"
		for _, c := range familyComparisons(ps) {
			if idx.Family == nil || c.A == "AmazonEC2FullAccess" {
				idx.Family = &c
			}
		}
		b.add(policiesKind, idx)
		b.policyChangesPages() // policyversions.go
	}
	crumbs := []Crumb{homeCrumb, {Name: "Managed policies", Path: PoliciesPath}}
	for _, m := range ps.managed {
		mp := m.Policy
		desc := fmt.Sprintf("The AWS managed policy %s allows %s actions in %d services.", mp.Name, commas(m.View.Allowed()), m.Services)
		p := &PolicyPage{Base: b.base(PolicyPath(mp.Name), mp.Name+" — AWS managed policy", desc, crumbs...), Managed: m, View: m.View, Compares: compares[mp.Name], API: PolicyAPIPath(mp.Name)}
		p.Short = mp.Name
		b.add(policyKind, p)
		b.addGenerated(PolicyAPIPath(mp.Name), func() []byte { return b.policyJSON(m.Policy, nil, m.View) })
	}
	for _, s := range b.cat.Services {
		if mp := ps.matrices[s]; mp != nil {
			b.add(matrixKind, mp)
		}
	}
	b.examplePages()
}

// examplePages adds the list of examples and the page of each.
func (b *builder) examplePages() {
	ps := b.pol
	if len(ps.examples) > 0 {
		b.add(examplesKind, &ExamplesPage{Base: b.base(ExamplesPath, "Example policies", "Example IAM policies, explained and checked against the catalog.", homeCrumb), Examples: ps.examples})
	}
	exCrumbs := []Crumb{homeCrumb, {Name: "Examples", Path: ExamplesPath}}
	for _, ex := range ps.examples {
		p := &ExamplePage{Base: b.base(ExamplePath(ex.Slug), ex.Doc.Title, ex.Doc.Summary, exCrumbs...), Example: ex, View: ex.View, API: ExampleAPIPath(ex.Slug)}
		b.add(exampleKind, p)
		b.addGenerated(ExampleAPIPath(ex.Slug), func() []byte { return b.policyJSON(nil, ex, ex.View) })
	}
}

// ActionRel is the reference from the page to an action's page: Rel and
// ActionPath in one template call, for lists of thousands of actions.
func (b *Base) ActionRel(a *catalog.Action) string { return b.Rel(ActionPath(a)) }

// GrantDetail is what granted an action and on what terms, for the
// "grant-detail" partial.
type GrantDetail struct {
	Refs   []RefView
	Denied []RefView
	State  *CellView
}

// RefView is one statement and pattern behind a grant or a deny.
type RefView struct {
	Pattern   string // the author's spelling; "" for NotAction
	NotAction bool
	Statement *StatementView
}

// Detail is the detail of one of the view's grants.
func (v *PolicyView) Detail(g *policy.Grant) GrantDetail {
	d := GrantDetail{State: stateView(policy.StateOf(g))}
	for _, r := range g.GrantedBy {
		d.Refs = append(d.Refs, RefView{Pattern: r.Pattern, NotAction: r.NotAction, Statement: v.Statement(r.Statement)})
	}
	for _, r := range g.DeniedBy {
		d.Denied = append(d.Denied, RefView{Pattern: r.Pattern, NotAction: r.NotAction, Statement: v.Statement(r.Statement)})
	}
	return d
}
