// Package query opens a search index written by builder/search and answers
// queries. It compiles for js/wasm (it is the engine of the browser's
// search) and natively (cmd/search, tests).
package query

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/iamref/iamref/builder/iampattern"
	"github.com/iamref/iamref/builder/search/internal/arnfmt"
	"github.com/iamref/iamref/builder/search/internal/flatkv"
	"github.com/iamref/iamref/builder/search/internal/format"
	"github.com/iamref/iamref/builder/search/internal/rowindex"
	"github.com/iamref/iamref/builder/search/internal/textan"
)

// Engine answers queries over one index: its names part alone (Open), or
// both parts (WithDescriptions). It is safe for concurrent use.
type Engine struct {
	table    *format.Table
	idx      *rowindex.Index
	nameRows *flatkv.Table // the names part's rows
	set      [format.SetIDLen]byte
	hasAll   bool // the descriptions part is in

	// the document table's string tables, lower-cased
	kinds, access, svcs []string
	services            map[string]svcRange // service prefix -> its documents
	actions             []int32             // action documents, in table order
	arns                []arnFormat         // the resource types' ARN formats, with the descriptions
}

// arnFormat is one ARN format of a resource type.
type arnFormat struct {
	entry  int // in table.ARNs()
	text   string
	format *arnfmt.Format
}

type svcRange struct{ first, end int32 }

// Hit is one result.
type Hit struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	Service     string `json:"service,omitempty"`
	AccessLevel string `json:"access,omitempty"`
	// AccessOverride is policy_sentry's correction of AccessLevel, if any.
	AccessOverride string `json:"access_override,omitempty"`
	// Risk is the risk categories of a sensitive action, lower case.
	Risk string `json:"risk,omitempty"`
	// Removed is the date a removed action or service (kind
	// removed-action, removed-service) left the catalog; its URL is its
	// tombstone page.
	Removed string    `json:"removed,omitempty"`
	Score   float64   `json:"score"`
	Snippet []Segment `json:"snippet,omitempty"`
}

// Segment is a piece of a result's description; Mark is set on the parts
// that match the query (to show in <mark>). The text is plain text.
type Segment struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
}

// Results answers a query.
type Results struct {
	Query string `json:"query"`
	// Total counts the matching documents (of the best matching tier when
	// the query fell back to looser matching).
	Total int   `json:"total"`
	Hits  []Hit `json:"hits"`
	// NoAction is set when the query names an action that does not
	// exist (see Engine.noAction): the closest names there are.
	NoAction *NoAction `json:"no_action,omitempty"`
	// ARN is set when the query is an ARN (see Engine.arnSearch).
	ARN *ARNResult `json:"arn,omitempty"`
	// Error is set when the query could not be run.
	Error string `json:"error,omitempty"`
}

// NoAction says that no action has the name the query typed, and which
// actions have the closest names.
type NoAction struct {
	Name    string `json:"name"`    // as typed: "ListMeetingReportData", "chime:ListMeetingReportData"
	Closest []Ref  `json:"closest"` // best first, at most MaxClosest
	// More counts the other actions as close as the last one listed.
	More int `json:"more,omitempty"`
}

// Ref names a document and its page.
type Ref struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// ARNResult answers a query that is an ARN: the resource types whose ARN
// format it matches, most specific first (package arnfmt), then the
// actions that take the most specific of them, in the hits in that order.
type ARNResult struct {
	// Types are the resource types that match.
	Types []ARNType `json:"types"`
	// Actions counts the actions that take the first types (those as
	// specific as the first): the hits after the types.
	Actions int `json:"actions"`
	// Pending is set when the formats are not loaded yet: they come with
	// the descriptions part.
	Pending bool `json:"pending,omitempty"`
}

// ARNType is a resource type whose ARN format matches.
type ARNType struct {
	ID      string `json:"id"`
	URL     string `json:"url"`
	Format  string `json:"format"`  // the format that matches
	Actions int    `json:"actions"` // how many actions take it
	// Best is set on the types whose actions the hits list.
	Best bool `json:"best,omitempty"`
}

// MaxClosest is the number of closest names NoAction lists.
const MaxClosest = 3

// MaxLimit caps the number of results of one search.
const MaxLimit = 1000

// Open opens the names part of an index (search.Index.Names). It answers
// alone, from the names and ids of the documents; WithDescriptions adds the
// descriptions.
func Open(names []byte) (*Engine, error) {
	f, err := format.Decode(names)
	if err != nil {
		return nil, err
	}
	if f.Part != format.PartNames {
		return nil, errors.New("search index: not the names part of an index")
	}
	table, err := flatkv.Open(f.KV)
	if err != nil {
		return nil, err
	}
	dt, err := format.DecodeDocs(f.Rest)
	if err != nil {
		return nil, err
	}
	idx, err := rowindex.Open(len(dt.Docs), table)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		table:    dt,
		idx:      idx,
		nameRows: table,
		set:      f.Set,
		kinds:    lowerAll(dt.Kinds),
		access:   lowerAll(dt.Access),
		svcs:     lowerAll(dt.Services),
		services: make(map[string]svcRange),
	}
	action := slices.Index(dt.Kinds, "action")
	ranges := make([]svcRange, len(dt.Services))
	for i := range ranges {
		ranges[i].first = -1
	}
	for i, r := range dt.Refs {
		n := int32(i)
		if int(r.Kind) == action {
			e.actions = append(e.actions, n)
		}
		sr := &ranges[r.Service]
		if sr.first < 0 {
			sr.first = n
		}
		sr.end = n + 1
	}
	for i, sr := range ranges {
		s := e.svcs[i]
		if sr.first < 0 || dt.Services[i] == "" {
			continue
		}
		if old, ok := e.services[s]; ok {
			// services that differ only in case share one range
			sr = svcRange{first: min(old.first, sr.first), end: max(old.end, sr.end)}
		}
		e.services[s] = sr
	}
	return e, nil
}

// ErrOtherIndex is returned by WithDescriptions for the descriptions of
// another index.
var ErrOtherIndex = errors.New("search index: the descriptions part belongs to another index")

// WithDescriptions returns an engine over e's names and the descriptions
// part descs of the same index (search.Index.Descriptions): the same
// results as an engine over the whole index. e stays as it was.
func (e *Engine) WithDescriptions(descs []byte) (*Engine, error) {
	if e.hasAll {
		return nil, errors.New("search index: the descriptions are in already")
	}
	f, err := format.Decode(descs)
	if err != nil {
		return nil, err
	}
	if f.Part != format.PartDescriptions {
		return nil, errors.New("search index: not the descriptions part of an index")
	}
	if f.Set != e.set {
		return nil, ErrOtherIndex
	}
	table, err := flatkv.Open(f.KV)
	if err != nil {
		return nil, err
	}
	dt, err := e.table.WithDescriptions(f.Rest)
	if err != nil {
		return nil, err
	}
	idx, err := rowindex.Open(len(dt.Docs), e.nameRows, table)
	if err != nil {
		return nil, err
	}
	ne := *e
	ne.table, ne.idx, ne.hasAll = dt, idx, true
	for i, a := range dt.ARNs() {
		for _, text := range a.Formats {
			f, err := arnfmt.Compile(text)
			if err != nil {
				// a format the lookup cannot read matches nothing
				continue
			}
			ne.arns = append(ne.arns, arnFormat{entry: i, text: text, format: f})
		}
	}
	return &ne, nil
}

// OpenAll opens both parts of an index.
func OpenAll(names, descs []byte) (*Engine, error) {
	e, err := Open(names)
	if err != nil {
		return nil, err
	}
	return e.WithDescriptions(descs)
}

// Complete reports whether e has the descriptions part.
func (e *Engine) Complete() bool { return e.hasAll }

func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

// svc returns the lower-cased service of document n.
func (e *Engine) svc(n int32) string { return e.svcs[e.table.Refs[n].Service] }

// byID returns the documents whose lower-cased id is s, in order.
func (e *Engine) byID(s string) []int32 {
	var out []int32
	at, n := e.table.ByID()
	key := func(d int32) string { return strings.ToLower(e.table.Docs[d].ID) }
	for i := e.search(at, n, key, s); i < n && key(at(i)) == s; i++ {
		out = append(out, at(i))
	}
	return out
}

// names calls fn with the actions whose lower-cased name starts with
// prefix, in order of name then document, until fn returns false.
func (e *Engine) names(prefix string, fn func(name string, n int32) bool) {
	at, n := e.table.ByName()
	for i := e.search(at, n, e.lowName, prefix); i < n; i++ {
		name := e.lowName(at(i))
		if !strings.HasPrefix(name, prefix) || !fn(name, at(i)) {
			return
		}
	}
}

func (e *Engine) lowName(n int32) string { return strings.ToLower(e.table.Docs[n].Name()) }

// search returns the first position of an order whose key is >= s.
func (e *Engine) search(at func(int) int32, n int, key func(int32) string, s string) int {
	return sort.Search(n, func(i int) bool { return key(at(i)) >= s })
}

// prior is the number of documents of n's service.
func (e *Engine) prior(n int32) int32 {
	r := e.services[e.svc(n)]
	return r.end - r.first
}

// Docs returns the number of documents.
func (e *Engine) Docs() int { return len(e.table.Docs) }

// Tiers of a result: a higher tier always ranks first.
const (
	tierOr     = 0 // some of the words
	tierFuzzy  = 1 // all words, allowing typos
	tierWords  = 2 // all words
	tierPrefix = 3 // the action name starts with what was typed
	tierName   = 4 // the words make an action name ("create meeting")
	tierID     = 5 // the exact id
)

type cand struct {
	n       int32
	tier    int
	idScore float64 // how much of the action name the query spells
	score   float64 // bleve's score
}

type cands struct {
	m    map[int32]*cand
	keep func(int32) bool
}

func (c *cands) add(n int32, tier int, score float64) { c.addID(n, tier, 0, score) }

func (c *cands) addID(n int32, tier int, idScore, score float64) {
	if c.keep != nil && !c.keep(n) {
		return
	}
	x, ok := c.m[n]
	if !ok {
		c.m[n] = &cand{n: n, tier: tier, idScore: idScore, score: score}
		return
	}
	if tier > x.tier {
		x.tier = tier
	}
	x.idScore = max(x.idScore, idScore)
	x.score = max(x.score, score)
}

func (c *cands) count(minTier int) int {
	k := 0
	for _, x := range c.m {
		if x.tier >= minTier {
			k++
		}
	}
	return k
}

// Search runs query q and returns at most limit hits (10 when limit <= 0).
func (e *Engine) Search(q string, limit int) Results {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, MaxLimit)
	res := Results{Query: q, Hits: []Hit{}}
	if arn := strings.TrimSpace(q); arnfmt.Is(arn) {
		return e.arnSearch(res, arn, limit)
	}
	p := Parse(q)
	keep := e.filter(&p)

	if len(p.Patterns) > 0 {
		var pats []string
		pats = append(pats, p.Patterns...)
		matched := map[int32]bool{}
		for _, n := range e.actions {
			id := e.table.Docs[n].ID
			for _, pat := range pats {
				if iampattern.Match(patternFor(pat), id) {
					matched[n] = true
					break
				}
			}
		}
		inner := keep
		keep = func(n int32) bool { return matched[n] && (inner == nil || inner(n)) }
		if len(p.Words) == 0 {
			return e.list(res, e.actions, keep, limit, &p)
		}
	}
	if len(p.Words) == 0 {
		if keep == nil {
			return res
		}
		all := make([]int32, len(e.table.Docs))
		for i := range all {
			all[i] = int32(i)
		}
		return e.list(res, all, keep, limit, &p)
	}

	hits, total, hl, err := e.textSearch(&p, keep, limit)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Total = total
	res.NoAction = e.noAction(&p, keep)
	for i, c := range hits[:min(limit, len(hits))] {
		h := e.hit(c.n, hl)
		// The tier, plus a fraction from the action-name match or bleve's
		// score; never more than the hit ranked above.
		h.Score = float64(c.tier) + (c.idScore+c.score)/(1+c.idScore+c.score)
		if i > 0 {
			h.Score = min(h.Score, res.Hits[i-1].Score)
		}
		res.Hits = append(res.Hits, h)
	}
	return res
}

// arnSearch answers an ARN: the resource types with a format it matches,
// most specific first (then those of the ARN's service, then by id), each with the format that matched,
// as hits of score 2; then the actions that take the types as specific as
// the first, by service and id (the documents' order), as hits of score 1. Without the descriptions
// part, which holds the formats, it answers nothing yet (Pending).
func (e *Engine) arnSearch(res Results, arn string, limit int) Results {
	res.ARN = &ARNResult{Types: []ARNType{}}
	if !e.hasAll {
		res.ARN.Pending = true
		return res
	}
	type match struct {
		f *arnFormat
		n int32
	}
	best := map[int]*match{} // by entry: its most specific matching format
	for i := range e.arns {
		f := &e.arns[i]
		if !f.format.Match(arn) {
			continue
		}
		if m, ok := best[f.entry]; !ok || arnfmt.Compare(f.format, m.f.format) < 0 {
			best[f.entry] = &match{f: f, n: e.table.ARNs()[f.entry].Doc}
		}
	}
	ms := make([]*match, 0, len(best))
	for _, m := range best {
		ms = append(ms, m)
	}
	// As specific: the types of the ARN's own service first (iam:role
	// before ec2:role, which names the same ARNs), then by id.
	svc := ""
	if parts := strings.SplitN(arn, ":", 4); len(parts) > 2 {
		svc = parts[2]
	}
	own := func(n int32) int {
		if e.table.Docs[n].Service == svc {
			return 0
		}
		return 1
	}
	slices.SortFunc(ms, func(a, b *match) int {
		return cmp.Or(arnfmt.Compare(a.f.format, b.f.format), cmp.Compare(own(a.n), own(b.n)),
			strings.Compare(e.table.Docs[a.n].ID, e.table.Docs[b.n].ID))
	})
	hl := e.highlighter(nil, "", 0)
	var actions []int32 // ascending: in the order of services, then ids
	for i, m := range ms {
		entry := e.table.ARNs()[m.f.entry]
		t := ARNType{ID: e.table.Docs[m.n].ID, Format: m.f.text, Actions: len(entry.Actions)}
		t.URL = e.table.Full(int(m.n)).URL
		if arnfmt.Compare(m.f.format, ms[0].f.format) == 0 {
			t.Best = true
			actions = union(actions, entry.Actions)
		}
		res.ARN.Types = append(res.ARN.Types, t)
		if len(res.Hits) < limit {
			h := e.hit(m.n, hl)
			h.Snippet = []Segment{{Text: m.f.text}}
			h.Score = 2 - float64(i)/float64(len(ms)+1)
			res.Hits = append(res.Hits, h)
		}
	}
	res.ARN.Actions = len(actions)
	res.Total = len(ms) + len(actions)
	for _, a := range actions {
		if len(res.Hits) >= limit {
			break
		}
		h := e.hit(a, hl)
		h.Score = 1
		res.Hits = append(res.Hits, h)
	}
	return res
}

// union merges two ascending lists into one, without repeats. (No sort:
// one more instantiation of the generic sort costs the WebAssembly module
// kilobytes.)
func union(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case len(a) == 0 || b[0] < a[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return out
}

// patternFor turns a pattern without "prefix:" into one over any service:
// "List*Meeting*" matches the action names of every service.
func patternFor(pat string) string {
	if strings.Contains(pat, ":") {
		return pat
	}
	return "*:" + pat
}

// list returns the documents of ns that keep accepts, in order.
func (e *Engine) list(res Results, ns []int32, keep func(int32) bool, limit int, p *Parsed) Results {
	hl := e.highlighter(nil, "", 0)
	for _, n := range ns {
		if keep != nil && !keep(n) {
			continue
		}
		res.Total++
		if len(res.Hits) < limit {
			h := e.hit(n, hl)
			h.Score = 1
			res.Hits = append(res.Hits, h)
		}
	}
	return res
}

func (e *Engine) filter(p *Parsed) func(int32) bool {
	if !p.HasFilter() {
		return nil
	}
	return func(n int32) bool {
		r := e.table.Refs[n]
		if len(p.Kind) > 0 && !slices.Contains(p.Kind, e.kinds[r.Kind]) {
			return false
		}
		if len(p.Service) > 0 && !slices.Contains(p.Service, e.svcs[r.Service]) {
			return false
		}
		if len(p.Access) > 0 {
			access, override := e.access[r.Access], e.access[r.Override]
			ok := false
			for _, a := range p.Access {
				if access != "" && strings.HasPrefix(access, a) || override != "" && strings.HasPrefix(override, a) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
		if len(p.Risk) > 0 && !riskMatches(e.access[r.Risk], p.Risk) {
			return false
		}
		return true
	}
}

// riskMatches reports whether one of a document's risk categories (lower
// case, separated by spaces) starts with one of the wanted values.
func riskMatches(risks string, wanted []string) bool {
	for _, have := range strings.Fields(risks) {
		for _, w := range wanted {
			if strings.HasPrefix(have, w) {
				return true
			}
		}
	}
	return false
}

// clause is one word of the query after analysis.
type clause struct {
	term    string // analysed (stemmed)
	raw     string // lower-cased, unstemmed
	partial bool   // still being typed
	service string // set when the word names a service
}

func (e *Engine) textSearch(p *Parsed, keep func(int32) bool, limit int) ([]*cand, int, func(string) []Segment, error) {
	c := &cands{m: map[int32]*cand{}, keep: keep}
	text := p.Text()
	for _, n := range e.byID(strings.ToLower(text)) {
		c.addID(n, tierID, 1, 0)
	}

	// Split the words into service names and text.
	var services []string
	var textWords []string
	for _, w := range p.Words {
		if pre, rest, ok := strings.Cut(w, ":"); ok {
			if _, known := e.services[strings.ToLower(pre)]; known {
				services = append(services, strings.ToLower(pre))
				if rest != "" {
					textWords = append(textWords, rest)
				}
				continue
			}
		}
		lw := strings.ToLower(w)
		if _, known := e.services[lw]; known && len(p.Words) > 1 {
			services = append(services, lw)
			continue
		}
		textWords = append(textWords, w)
	}
	if len(textWords) == 0 && len(services) > 0 && strings.HasSuffix(text, ":") {
		// "lambda:" lists the service and its documents, in order
		for _, sv := range services {
			r := e.services[sv]
			for n := r.first; n < r.end; n++ {
				c.addID(n, tierWords, float64(r.end-n)/float64(r.end-r.first), 0)
			}
		}
		return e.rank(c), len(c.m), e.highlighter(nil, "", 0), nil
	}
	// Words that, with the service's prefix, spell the service's name
	// ("amazon chime", "aws lambda"): the service first.
	for _, sv := range services {
		n := e.services[sv].first
		if len(textWords) == 0 || e.table.Docs[n].Kind != "service" {
			continue
		}
		name := strings.FieldsFunc(strings.ToLower(e.table.Full(int(n)).Title), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		all := true
		for _, w := range textWords {
			if !slices.Contains(name, strings.ToLower(w)) {
				all = false
				break
			}
		}
		if all {
			c.addID(n, tierName, 1, 0)
		}
	}
	inServices := func(n int32) bool {
		if len(services) == 0 {
			return true
		}
		return slices.Contains(services, e.svc(n))
	}

	// Words that spell an action name: "create meeting", "CreateMeeting",
	// "createmeeting".
	glued := glue(textWords)
	if glued != "" {
		e.names(glued, func(name string, n int32) bool {
			if name != glued {
				return false
			}
			if inServices(n) {
				c.addID(n, tierName, 1, 0)
			}
			return true
		})
	}
	if p.Partial && len(glued) >= 5 {
		var pre []int32
		e.names(glued, func(_ string, n int32) bool {
			if inServices(n) {
				pre = append(pre, n)
			}
			return len(pre) <= 200
		})
		if len(pre) <= 200 {
			for _, n := range pre {
				name := e.table.Docs[n].Name()
				c.addID(n, tierPrefix, float64(len(glued))/float64(len(name)), 0)
			}
		}
	}

	// Analyse the words.
	var clauses []clause
	for i, w := range textWords {
		for j, t := range textan.Tokens(w) {
			last := i == len(textWords)-1 && j == len(textan.Tokens(w))-1
			clauses = append(clauses, clause{term: t.Term, raw: t.Raw, partial: last && p.Partial})
		}
	}
	for _, s := range services {
		clauses = append(clauses, clause{service: s, term: textan.Stem(s), raw: s})
	}
	if len(clauses) == 0 {
		// only service names: the services and their documents
		for _, s := range services {
			r := e.services[s]
			for n := r.first; n < r.end; n++ {
				c.add(n, tierWords, 0)
			}
		}
		return e.rank(c), c.count(tierWords), e.highlighter(nil, "", 0), nil
	}

	reader := e.idx.Reader()
	ctx := context.Background()
	size := limit + 50

	total, err := e.run(ctx, reader, clauses, 0, false, keep, size, func(n int32, s float64) { c.add(n, tierWords, s) })
	if err != nil {
		return nil, 0, nil, err
	}
	total = max(total, c.count(tierWords))
	fuzz := 0
	if c.count(tierWords) == 0 {
		// nothing matched as typed: allow typos
		fuzz = 2
		_, err := e.run(ctx, reader, clauses, fuzz, false, keep, size, func(n int32, s float64) { c.add(n, tierFuzzy, s) })
		if err != nil {
			return nil, 0, nil, err
		}
		e.fuzzyNames(glued, services, c)
		if total == 0 {
			total = c.count(tierFuzzy)
		}
	}
	if c.count(tierOr) < limit && len(clauses) > 1 {
		_, err := e.run(ctx, reader, clauses, 0, true, keep, size, func(n int32, s float64) { c.add(n, tierOr, s) })
		if err != nil {
			return nil, 0, nil, err
		}
		if total == 0 {
			total = c.count(tierOr)
		}
	}
	return e.rank(c), total, e.highlighter(clauses, glued, fuzz), nil
}

func (e *Engine) rank(c *cands) []*cand {
	out := make([]*cand, 0, len(c.m))
	for _, x := range c.m {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b *cand) int {
		prior := 0
		if a.tier == b.tier && a.idScore > 0 && a.idScore == b.idScore {
			// Among actions whose name was typed, the bigger service
			// (s3:PutObject before mediastore:PutObject) first.
			prior = -cmp.Compare(e.prior(a.n), e.prior(b.n))
		}
		return cmp.Or(
			-cmp.Compare(a.tier, b.tier),
			-cmp.Compare(a.idScore, b.idScore),
			// a removed action (its tombstone) after the live ones
			cmp.Compare(e.removed(a.n), e.removed(b.n)),
			prior,
			-cmp.Compare(a.score, b.score),
			cmp.Compare(format.KindRank(e.table.Docs[a.n].Kind), format.KindRank(e.table.Docs[b.n].Kind)),
			cmp.Compare(len(e.table.Docs[a.n].ID), len(e.table.Docs[b.n].ID)),
			cmp.Compare(a.n, b.n),
		)
	})
	return out
}

// removed is 1 for a removed action or service, 0 for the rest.
func (e *Engine) removed(n int32) int {
	if e.table.Docs[n].Removed != "" {
		return 1
	}
	return 0
}

// glue joins the letters and digits of words, lower-cased.
func glue(words []string) string {
	var b strings.Builder
	for _, w := range words {
		for _, r := range strings.ToLower(w) {
			if r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') || r >= 0x80 {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// Field boosts: names weigh more than descriptions.
const (
	boostName    = 3.0
	boostDesc    = 1.0
	boostService = 2.0
)

// run builds and runs one bleve search: every clause must match (or, with
// or set, at least one), each clause matching its word in the name or the
// description; fuzz > 0 allows that many edits in words of 6 letters or
// more (1 in words of 4 or 5).
func (e *Engine) run(ctx context.Context, r index.IndexReader, clauses []clause, fuzz int, or bool, keep func(int32) bool, size int, emit func(int32, float64)) (int, error) {
	opts := search.SearcherOptions{}
	var parts []search.Searcher
	closeAll := func(ss []search.Searcher) {
		for _, s := range ss {
			s.Close()
		}
	}
	for _, cl := range clauses {
		s, err := e.clauseSearcher(ctx, r, cl, fuzz, opts)
		if err != nil {
			closeAll(parts)
			return 0, err
		}
		parts = append(parts, s)
	}
	var s search.Searcher
	var err error
	switch {
	case len(parts) == 1:
		s = parts[0]
	case or:
		s, err = searcher.NewDisjunctionSearcher(ctx, r, parts, 1, opts)
	default:
		s, err = searcher.NewConjunctionSearcher(ctx, r, parts, opts)
	}
	if err != nil {
		closeAll(parts)
		return 0, err
	}
	if keep != nil {
		s = searcher.NewFilteringSearcher(ctx, s, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
			n := format.DocNum(d.IndexInternalID)
			return n >= 0 && keep(int32(n))
		})
	}
	defer s.Close()
	coll := collector.NewTopNCollector(size, 0, search.SortOrder{&search.SortScore{Desc: true}})
	if err := coll.Collect(ctx, s, r); err != nil {
		return 0, err
	}
	for _, d := range coll.Results() {
		if n := format.DocNum(d.IndexInternalID); n >= 0 && n < len(e.table.Docs) {
			emit(int32(n), d.Score)
		}
	}
	return int(coll.Total()), nil
}

// fuzzyPrefix is how many leading bytes a typo-tolerant match must share
// with the word: typos in the first letter are rare, and the prefix spares
// comparing the word with every term of the index.
const fuzzyPrefix = 1

func fuzziness(term string, fuzz int) int {
	switch {
	case fuzz == 0 || len(term) < 4:
		return 0
	case len(term) < 6:
		return min(fuzz, 1)
	}
	return fuzz
}

func (e *Engine) clauseSearcher(ctx context.Context, r index.IndexReader, cl clause, fuzz int, opts search.SearcherOptions) (search.Searcher, error) {
	var ss []search.Searcher
	var firstErr error
	add := func(s search.Searcher, err error) {
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		ss = append(ss, s)
	}
	fz := fuzziness(cl.term, fuzz)
	for _, f := range []struct {
		field string
		boost float64
	}{{textan.FieldName, boostName}, {textan.FieldDesc, boostDesc}} {
		if fz > 0 {
			add(searcher.NewFuzzySearcher(ctx, r, cl.term, fuzzyPrefix, fz, f.field, f.boost, opts))
			if cl.raw != cl.term {
				add(searcher.NewFuzzySearcher(ctx, r, cl.raw, fuzzyPrefix, fz, f.field, f.boost, opts))
			}
		} else {
			add(searcher.NewTermSearcher(ctx, r, cl.term, f.field, f.boost, opts))
		}
		if cl.partial && len(cl.raw) >= 3 && (f.field == textan.FieldName || len(cl.raw) >= 4) {
			// The word may be unfinished: its continuations, and the stems
			// it may already have passed ("meetin" -> "meet").
			add(searcher.NewTermPrefixSearcher(ctx, r, cl.raw, f.field, f.boost/2, opts))
			for k := 1; k <= 3 && len(cl.raw)-k >= 3; k++ {
				if t := cl.raw[:len(cl.raw)-k]; t != cl.term {
					add(searcher.NewTermSearcher(ctx, r, t, f.field, f.boost/2, opts))
				}
			}
		}
	}
	if cl.service != "" {
		sr := e.services[cl.service]
		ids := make([]string, 0, sr.end-sr.first)
		for n := sr.first; n < sr.end; n++ {
			ids = append(ids, string(format.DocID(int(n))))
		}
		add(searcher.NewDocIDSearcher(ctx, r, ids, boostService, opts))
	}
	if firstErr != nil {
		for _, s := range ss {
			s.Close()
		}
		return nil, firstErr
	}
	if len(ss) == 0 {
		return nil, errors.New("search: empty clause")
	}
	if len(ss) == 1 {
		return ss[0], nil
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, 1, opts)
}

// fuzzyNames adds the actions whose names are within a few edits of the
// glued query: "ListMeetingReportData" finds ListMeetingsReportData.
func (e *Engine) fuzzyNames(glued string, services []string, c *cands) {
	e.nearNames(glued, func(n int32, dist int) {
		if len(services) == 0 || slices.Contains(services, e.svc(n)) {
			c.addID(n, tierFuzzy, 1/float64(1+dist), 0)
		}
	})
}

// nameEdits is how many edits a name may be from what was typed, by the
// length of what was typed: none under 6 letters.
func nameEdits(l int) int {
	switch {
	case l < 6:
		return 0
	case l < 8:
		return 1
	case l < 20:
		return 2
	}
	return 3
}

// nearNames calls fn with every action, live or removed, whose
// lower-cased name is within nameEdits of glued and starts with the same
// letter, and the distance.
func (e *Engine) nearNames(glued string, fn func(n int32, dist int)) {
	maxd := nameEdits(len(glued))
	if maxd == 0 {
		return
	}
	// Like the fuzzy searchers, only names with the same first letter:
	// one range of the sorted names instead of all of them.
	name := ""
	dist, over := 0, true
	e.names(glued[:fuzzyPrefix], func(text string, n int32) bool {
		if text != name {
			// a new name (the actions of one name are together)
			name = text
			dist, over = 0, true
			if d := len(name) - len(glued); d <= maxd && -d <= maxd {
				dist, over = search.LevenshteinDistanceMax(glued, name, maxd)
			}
		}
		if !over && dist <= maxd {
			fn(n, dist)
		}
		return true
	})
}

// noAction tells a query that names an action that does not exist: one
// word, "Name" or "prefix:Name" with a known service prefix, shaped as an
// action's name (actionShaped), that is no document's id and no action's
// name (live or removed, in any letter case; within the service when
// given), nor, while it is being typed, the beginning of one. It lists
// the live actions with the closest names (nearNames, within the service
// when given, that keep accepts). nil when the rule does not hold or
// nothing is close.
func (e *Engine) noAction(p *Parsed, keep func(int32) bool) *NoAction {
	if len(p.Words) != 1 || len(p.Patterns) > 0 {
		return nil
	}
	typed := p.Words[0]
	svc, name := "", typed
	if pre, rest, ok := strings.Cut(typed, ":"); ok {
		if _, known := e.services[strings.ToLower(pre)]; !known {
			return nil
		}
		svc, name = strings.ToLower(pre), rest
	}
	if !actionShaped(name, svc != "") || len(e.byID(strings.ToLower(typed))) > 0 {
		return nil
	}
	low := strings.ToLower(name)
	found := false
	e.names(low, func(text string, n int32) bool {
		if (text == low || p.Partial) && (svc == "" || e.svc(n) == svc) {
			found = true
		}
		return !found && (text == low || p.Partial)
	})
	if found {
		return nil
	}
	type near struct {
		n    int32
		dist int
	}
	var close []*near // pointers: slices.SortFunc's code for them is the engine's already
	e.nearNames(low, func(n int32, dist int) {
		if e.table.Docs[n].Kind == "action" && (svc == "" || e.svc(n) == svc) && (keep == nil || keep(n)) {
			close = append(close, &near{n, dist})
		}
	})
	if len(close) == 0 {
		return nil
	}
	slices.SortFunc(close, func(a, b *near) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), -cmp.Compare(e.prior(a.n), e.prior(b.n)),
			strings.Compare(e.table.Docs[a.n].ID, e.table.Docs[b.n].ID))
	})
	na := &NoAction{Name: typed, More: max(0, len(close)-MaxClosest)}
	for _, c := range close[:min(len(close), MaxClosest)] {
		d := e.table.Full(int(c.n))
		na.Closest = append(na.Closest, Ref{ID: d.ID, URL: d.URL})
	}
	return na
}

// actionShaped reports whether name looks like an action's name: 6 or
// more ASCII letters and digits, starting with a letter, and either
// typed after a service prefix or in camel case (a capital after a
// small letter or digit: "ListMeetingReportData", not "lambda").
func actionShaped(name string, prefixed bool) bool {
	if len(name) < 6 || !isLetter(name[0]) {
		return false
	}
	camel := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isLetter(c) && (c < '0' || c > '9') {
			return false
		}
		if i > 0 && c >= 'A' && c <= 'Z' && (name[i-1] >= 'a' && name[i-1] <= 'z' || name[i-1] >= '0' && name[i-1] <= '9') {
			camel = true
		}
	}
	return prefixed || camel
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (e *Engine) hit(n int32, hl func(string) []Segment) Hit {
	d := e.table.Full(int(n))
	return Hit{
		ID: d.ID, Kind: d.Kind, Title: d.Title, URL: d.URL, Service: d.Service,
		AccessLevel: d.AccessLevel, AccessOverride: d.AccessOverride, Risk: d.Risk, Removed: d.Removed, Snippet: hl(d.Description),
	}
}
