// Command gen (fast variant) writes a Hugo site that renders the same 23,234
// pages as ../gen's site (byte for byte, but for the lighter minimal-policy
// markup and the fixed policy meta description), with every lookup
// precomputed: the templates only print front-matter values (no where,
// GetPage, replaceRE, split or printf chains). Action pages come from a
// content adapter per service (-adapter, default) or from files.
// Stdlib only.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ---- input: iamref JSON API ----

type Catalog struct {
	Prefix           string `json:"prefix"`
	Name             string `json:"name"`
	AuthorizationURL string `json:"authorization_url"`
	Snapshot         struct {
		Date string `json:"date"`
		Hash string `json:"hash"`
	} `json:"snapshot"`
	Actions       []Action       `json:"actions"`
	ResourceTypes []ResourceType `json:"resource_types"`
	ConditionKeys []ConditionKey `json:"condition_keys"`
}

type Action struct {
	ID               string        `json:"id"`
	Name             string        `json:"name"`
	Description      string        `json:"description"`
	AccessLevel      string        `json:"access_level"`
	APIDocURL        string        `json:"api_documentation_url"`
	ResourceTypes    []ActionRTRef `json:"resource_types"`
	ConditionKeys    []string      `json:"condition_keys"`
	DependentActions []string      `json:"dependent_actions"`
}

type ActionRTRef struct {
	Name             string   `json:"name"`
	Required         bool     `json:"required"`
	Defined          bool     `json:"defined"`
	ConditionKeys    []string `json:"condition_keys"`
	DependentActions []string `json:"dependent_actions"`
}

type ResourceType struct {
	Name          string   `json:"name"`
	URL           string   `json:"url"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"condition_keys"`
}

type ConditionKey struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Type        string `json:"type"`
	Description string `json:"description"`
}

type PolicyAPI struct {
	Name       string `json:"name"`
	ARN        string `json:"arn"`
	Version    string `json:"version"`
	Deprecated bool   `json:"deprecated"`
	Created    string `json:"created"`
	Updated    string `json:"updated"`
	Allowed    []struct {
		Action       string     `json:"action"`
		AccessLevel  string     `json:"access_level"`
		GrantedBy    []GrantRef `json:"granted_by"`
		DeniedBy     []GrantRef `json:"denied_by"`
		Conditional  bool       `json:"conditional"`
		Scoped       bool       `json:"resource_scoped"`
		PartlyDenied bool       `json:"partly_denied"`
	} `json:"allowed"`
	Unknown []struct {
		Pattern     string   `json:"pattern"`
		Wildcard    bool     `json:"wildcard"`
		Statement   int      `json:"statement"`
		Effect      string   `json:"effect"`
		NotAction   bool     `json:"not_action"`
		Line        int      `json:"line"`
		Suggestions []string `json:"suggestions"`
	} `json:"unknown"`
	Findings []struct {
		Severity    string   `json:"severity"`
		Line        int      `json:"line"`
		Col         int      `json:"col"`
		Message     string   `json:"message"`
		Suggestions []string `json:"suggestions"`
	} `json:"findings"`
	Statements []struct {
		Statement int    `json:"statement"`
		Sid       string `json:"sid"`
		Effect    string `json:"effect"`
		Line      int    `json:"line"`
		Valid     bool   `json:"valid"`
	} `json:"statements"`
	Versions []struct {
		Version string   `json:"version"`
		Date    string   `json:"date"`
		Added   []string `json:"added"`
		Removed []string `json:"removed"`
	} `json:"versions"` // oldest first
}

type GrantRef struct {
	Statement int    `json:"statement"`
	Sid       string `json:"sid"`
	Pattern   string `json:"pattern"`
	NotAction bool   `json:"not_action,omitempty"`
}

// ---- output: front matter (compact JSON; only what the templates print) ----

// linkFM is an action reference: i the id, u its page when the catalog has it.
type linkFM struct {
	I string `json:"i"`
	U string `json:"u,omitempty"`
}

// keyFM is a condition key reference: n the name, s the slug of /conditions/s/.
type keyFM struct {
	N string `json:"n"`
	S string `json:"s"`
}

type rowFM struct {
	Name string   `json:"name"`
	Req  bool     `json:"req,omitempty"`
	F    bool     `json:"f,omitempty"` // defined by the service (linked, ARN shown)
	U    string   `json:"u,omitempty"`
	SU   string   `json:"su,omitempty"` // the link of the service's actions table, where not u
	ARN  string   `json:"arn,omitempty"`
	ARNH string   `json:"arnh,omitempty"` // ARN, HTML-escaped, ${...} in <var>
	Keys []keyFM  `json:"keys,omitempty"`
	Deps []linkFM `json:"deps,omitempty"`
}

type noRTFM struct {
	Keys []keyFM  `json:"keys,omitempty"`
	Deps []linkFM `json:"deps,omitempty"`
}

type ckFM struct {
	N string `json:"n"`
	S string `json:"s"`
	T string `json:"t,omitempty"`
	D string `json:"d,omitempty"`
	X bool   `json:"x,omitempty"` // not in the service's table
}

type depFM struct {
	I string `json:"i"`
	U string `json:"u,omitempty"`
	D string `json:"d,omitempty"`
}

type grantFM struct {
	Name        string   `json:"name"`
	Patterns    []string `json:"patterns"`
	Conditional bool     `json:"conditional,omitempty"`
	Scoped      bool     `json:"scoped,omitempty"`
	Denied      bool     `json:"denied,omitempty"`
	Since       *sinceFM `json:"since,omitempty"`
}

// sinceFM is the version since which a policy allows an action: v its id,
// o set when it is the oldest version the content holds.
type sinceFM struct {
	V string `json:"v"`
	O bool   `json:"o,omitempty"`
}

// sinceItemFM is a line of an action page's list of every policy that
// allows it and since which version.
type sinceItemFM struct {
	N string `json:"n"`
	V string `json:"v"`
}

type actionFM struct {
	Title       string        `json:"title"`
	URL         string        `json:"url"`
	Weight      int           `json:"weight"`
	Description string        `json:"description"`
	MD          string        `json:"md"`
	Name        string        `json:"name"`
	Prefix      string        `json:"prefix"`
	AccessLevel string        `json:"access_level"`
	LS          string        `json:"ls"`
	APIDoc      string        `json:"api_doc,omitempty"`
	Rows        []rowFM       `json:"rows,omitempty"`
	NoRT        []noRTFM      `json:"nort,omitempty"`
	CKeys       []ckFM        `json:"ckeys,omitempty"`
	Deps        []depFM       `json:"deps,omitempty"`
	DOB         []linkFM      `json:"dob,omitempty"`
	Grants      []grantFM     `json:"grants,omitempty"`
	Since       []sinceItemFM `json:"since,omitempty"`
	GT          int           `json:"gt"`
	GTF         string        `json:"gtf"`
	More        int           `json:"more,omitempty"`
	MoreF       string        `json:"moref,omitempty"`
	Policy      string        `json:"policy,omitempty"` // only with -minpolicy each
	PV          []string      `json:"pv"`               // the policy's strings (Sid, Action, ARNs): JSON, HTML-escaped, as chroma prints them
	ARNs        bool          `json:"arns,omitempty"`
}

type rtFM struct {
	Name    string  `json:"name"`
	URL     string  `json:"url"`
	ARN     string  `json:"arn"`
	ARNH    string  `json:"arnh"`
	Keys    []keyFM `json:"keys,omitempty"`
	Actions int     `json:"actions"`
}

type svcKeyFM struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Slug        string `json:"slug"`
	Type        string `json:"type"`
	Description string `json:"description"`
}

type serviceFM struct {
	Title            string     `json:"title"`
	URL              string     `json:"url"`
	Weight           int        `json:"weight"`
	MD               string     `json:"md"`
	Prefix           string     `json:"prefix"`
	AuthorizationURL string     `json:"authorization_url,omitempty"`
	NActions         int        `json:"nactions"`
	LC               []int      `json:"lc"` // actions per level (levels order)
	Own              int        `json:"own"`
	Tags             bool       `json:"tags,omitempty"`
	ResourceTypes    []rtFM     `json:"resource_types"`
	ConditionKeys    []svcKeyFM `json:"condition_keys"`
}

type viaFM struct {
	S  int    `json:"s"`
	P  string `json:"p,omitempty"`
	NA bool   `json:"na,omitempty"`
}

type runFM struct {
	Via         []viaFM  `json:"via,omitempty"`
	DeniedBy    []viaFM  `json:"denied_by,omitempty"`
	Conditional bool     `json:"conditional,omitempty"`
	Scoped      bool     `json:"scoped,omitempty"`
	Denied      bool     `json:"denied,omitempty"`
	Actions     []string `json:"actions,omitempty"`
}

type levelFM struct {
	Slug  string  `json:"slug"`
	Label string  `json:"label"`
	Count int     `json:"count"`
	Runs  []runFM `json:"runs,omitempty"`
}

type groupFM struct {
	Prefix  string    `json:"prefix"`
	Name    string    `json:"name"`
	U       string    `json:"u"`
	Count   int       `json:"count"`
	CountF  string    `json:"countf"`
	Open    bool      `json:"open,omitempty"`
	Uniform *runFM    `json:"uniform,omitempty"` // every action allowed the same way
	All     bool      `json:"all,omitempty"`     // ... and it is every action of the service
	Levels  []levelFM `json:"levels,omitempty"`
}

type statementFM struct {
	Statement    int      `json:"statement"`
	Sid          string   `json:"sid,omitempty"`
	Effect       string   `json:"effect"`
	Line         int      `json:"line"`
	Valid        bool     `json:"valid,omitempty"`
	Pats         []string `json:"pats,omitempty"` // the patterns when 3 or fewer
	NP           int      `json:"np,omitempty"`   // the number of patterns when more than 3
	NotAction    bool     `json:"not_action,omitempty"`
	AllResources bool     `json:"all_resources,omitempty"`
	Condition    bool     `json:"condition,omitempty"`
	GrantsF      string   `json:"grantsf"`
}

type findingFM struct {
	Severity    string   `json:"severity"`
	Line        int      `json:"line"`
	Col         int      `json:"col,omitempty"`
	Message     string   `json:"message"`
	Suggestions []linkFM `json:"suggestions,omitempty"`
}

type unknownFM struct {
	Pattern     string   `json:"pattern"`
	Wildcard    bool     `json:"wildcard,omitempty"`
	Statement   int      `json:"statement"`
	Effect      string   `json:"effect"`
	NotAction   bool     `json:"not_action,omitempty"`
	Line        int      `json:"line"`
	Suggestions []linkFM `json:"suggestions,omitempty"`
}

type topFM struct {
	Prefix string `json:"prefix"`
	Count  int    `json:"count"`
}

type policyFM struct {
	Title      string        `json:"title"`
	URL        string        `json:"url"`
	MD         string        `json:"md"`
	ARN        string        `json:"arn,omitempty"`
	Version    string        `json:"version,omitempty"`
	Created    string        `json:"created,omitempty"`
	Updated    string        `json:"updated,omitempty"`
	Deprecated bool          `json:"deprecated,omitempty"`
	Document   string        `json:"document"`
	Allowed    int           `json:"allowed"`
	AllowedF   string        `json:"allowedf"`
	Services   int           `json:"services"`
	Top        []topFM       `json:"top,omitempty"`
	HasDeny    bool          `json:"has_deny,omitempty"`
	NotAction  bool          `json:"not_action,omitempty"`
	Findings   []findingFM   `json:"findings,omitempty"`
	Unknown    []unknownFM   `json:"unknown,omitempty"`
	Statements []statementFM `json:"statements,omitempty"`
	Groups     []groupFM     `json:"groups,omitempty"`
	Versions   []versionFM   `json:"versions,omitempty"` // newest first
	DefDate    string        `json:"defdate,omitempty"`  // the default version's date as the facts say it
	Missing    *missingFM    `json:"missing,omitempty"`
}

// missingFM is the upstream package a policy is missing from.
type missingFM struct {
	Package string `json:"package"`
	Version string `json:"version"`
}

// versionFM is one version of a policy, as its versions section shows it.
type versionFM struct {
	ID       string       `json:"id"`
	Date     string       `json:"date,omitempty"`
	DateText string       `json:"dt,omitempty"` // for a date not known
	Default  bool         `json:"default,omitempty"`
	Widening bool         `json:"widening,omitempty"`
	Oldest   bool         `json:"oldest,omitempty"`
	Effect   string       `json:"effect"`
	Changed  bool         `json:"changed,omitempty"`
	Older    string       `json:"older,omitempty"` // the id of the version before it
	Added    []verLevelFM `json:"added,omitempty"`
	Removed  []verLevelFM `json:"removed,omitempty"`
	Diff     string       `json:"diff,omitempty"` // unified hunks, for Hugo's diff highlighter
}

// verLevelFM is a version's actions of one access level, added or removed.
type verLevelFM struct {
	Label   string   `json:"label"`
	Slug    string   `json:"slug"`
	NF      string   `json:"nf"`
	Actions []linkFM `json:"actions"`
	MoreF   string   `json:"moref,omitempty"`
}

// docStatement is a statement of a policy document, as far as the
// statements table needs it.
type docStatement struct {
	Action      json.RawMessage `json:"Action"`
	NotAction   json.RawMessage `json:"NotAction"`
	Resource    json.RawMessage `json:"Resource"`
	NotResource json.RawMessage `json:"NotResource"`
	Condition   json.RawMessage `json:"Condition"`
}

func stringList(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(raw, &many)
	return many
}

func docStatements(doc json.RawMessage) []docStatement {
	var d struct {
		Statement json.RawMessage `json:"Statement"`
	}
	json.Unmarshal(doc, &d)
	var many []docStatement
	if json.Unmarshal(d.Statement, &many) == nil {
		return many
	}
	var one docStatement
	if json.Unmarshal(d.Statement, &one) == nil {
		return []docStatement{one}
	}
	return nil
}

var levels = []string{"List", "Read", "Write", "Permissions management", "Tagging"}

func levelIndex(l string) int {
	for i, x := range levels {
		if x == l {
			return i
		}
	}
	return len(levels)
}

// levelSlug as the original level.html partial computes it.
func levelSlug(l string) string {
	if l == "Permissions management" {
		return "permissions"
	}
	return strings.ToLower(l)
}

var (
	reKeyVar  = regexp.MustCompile(`\$\{([^}]*)\}|<([^>]*)>`)
	reKeyBad  = regexp.MustCompile(`[^A-Za-z0-9._-]`)
	reARNVar  = regexp.MustCompile(`(\$\{[^}]*\})`)
	reSidJunk = regexp.MustCompile(`[^A-Za-z0-9]+`)
)

// keySlug as the original key-slug.html partial computes it.
func keySlug(k string) string {
	return reKeyBad.ReplaceAllString(reKeyVar.ReplaceAllString(k, "$1$2"), "_")
}

// arnHTML as the original arn.html partial computes it (htmlEscape, then <var>).
func arnHTML(arn string) string {
	return reARNVar.ReplaceAllString(htmlEscape(arn), "<var>$1</var>")
}

// htmlEscape is Go's html.EscapeString, which Hugo's htmlEscape uses.
var htmlReplacer = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }

// relURL as far as Hugo's relURL changes a root-relative path: it
// collapses repeated slashes.
func relURL(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	return p
}

func firstUpper(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// formatNumber as lang.FormatNumber 0 does for "en": digits grouped by commas.
func formatNumber(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// jsonify as Hugo's jsonify does (HTML escaped, no trailing newline).
func jsonify(v any, prefix, indent string) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetIndent(prefix, indent)
	if err := e.Encode(v); err != nil {
		log.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

// marshal is compact JSON without HTML escaping (smaller: ARNs carry <var>,
// the policy strings &#34;).
func marshal(v any) []byte {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		log.Fatal(err)
	}
	return b.Bytes() // ends with a newline
}

func writePage(path string, fm any) {
	b := marshal(fm)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

// specificity as iamref ranks granting patterns: a literal name beats any
// wildcard, a longer literal part a shorter one, NotAction is least.
func specificity(refs []GrantRef) int {
	best := 0
	for _, r := range refs {
		if r.NotAction {
			continue
		}
		lit, wild := 0, false
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

func patterns(refs []GrantRef) []string {
	var out []string
	for _, r := range refs {
		p := r.Pattern
		if r.NotAction {
			p = "NotAction"
		}
		if !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func vias(refs []GrantRef) []viaFM {
	var out []viaFM
	for _, r := range refs {
		v := viaFM{S: r.Statement, NA: r.NotAction}
		if !r.NotAction {
			v.P = r.Pattern
		}
		out = append(out, v)
	}
	return out
}

func runKey(r *runFM) string {
	b, _ := json.Marshal(struct {
		V, D    []viaFM
		C, S, P bool
	}{r.Via, r.DeniedBy, r.Conditional, r.Scoped, r.Denied})
	return string(b)
}

// ---- the policies' versions ----

// edit is one edit of a stored version: at a line of the newer document,
// delete lines and insert others (content/policies, "Edits").
type edit struct {
	At, Delete int
	Insert     []string
}

func parseEdits(raw [][]json.RawMessage) []edit {
	var out []edit
	for _, e := range raw {
		if len(e) != 3 {
			log.Fatalf("edit %s: want [at, delete, insert]", e)
		}
		var x edit
		if json.Unmarshal(e[0], &x.At) != nil || json.Unmarshal(e[1], &x.Delete) != nil || json.Unmarshal(e[2], &x.Insert) != nil {
			log.Fatalf("edit %s: want [at, delete, insert]", e)
		}
		out = append(out, x)
	}
	return out
}

// applyEdits turns a newer version's lines into the older one's.
func applyEdits(base []string, script []edit) []string {
	out := make([]string, 0, len(base))
	next := 1
	for _, e := range script {
		if e.At < next || e.At+e.Delete > len(base)+1 {
			log.Fatalf("edit at %d does not fit %d lines", e.At, len(base))
		}
		out = append(out, base[next-1:e.At-1]...)
		out = append(out, e.Insert...)
		next = e.At + e.Delete
	}
	return append(out, base[next-1:]...)
}

// unifiedHunks writes the change from applyEdits(base, script) to base as
// unified hunks with context lines around each change ("@@ -a,b +c,d @@",
// then lines prefixed with "+", "-" or " ").
func unifiedHunks(base []string, script []edit, context int) string {
	type line struct {
		op       byte
		text     string
		old, new int
	}
	var b strings.Builder
	shift := 0
	for k := 0; k < len(script); {
		j := k + 1
		for j < len(script) && script[j].At-(script[j-1].At+script[j-1].Delete) <= 2*context {
			j++
		}
		first, last := script[k], script[j-1]
		start := max(1, first.At-context)
		end := min(len(base), last.At+last.Delete-1+context)
		var ls []line
		n := start
		equalTo := func(to int) {
			for ; n < to; n++ {
				ls = append(ls, line{' ', base[n-1], n + shift, n})
			}
		}
		for _, e := range script[k:j] {
			equalTo(e.At)
			for i, s := range e.Insert {
				ls = append(ls, line{'-', s, e.At + shift + i, 0})
			}
			for i := 0; i < e.Delete; i++ {
				ls = append(ls, line{'+', base[e.At-1+i], 0, e.At + i})
			}
			shift += len(e.Insert) - e.Delete
			n = e.At + e.Delete
		}
		equalTo(end + 1)
		var os, ol, ns, nl int
		for _, l := range ls {
			if l.op != '+' {
				if ol == 0 {
					os = l.old
				}
				ol++
			}
			if l.op != '-' {
				if nl == 0 {
					ns = l.new
				}
				nl++
			}
		}
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", os, ol, ns, nl)
		for _, l := range ls {
			b.WriteByte(l.op)
			b.WriteString(l.text)
			b.WriteByte('\n')
		}
		k = j
	}
	return b.String()
}

// day is the YYYY-MM-DD of an RFC 3339 date, "" when there is none.
func day(d string) string {
	if len(d) < len("2006-01-02") {
		return ""
	}
	return d[:len("2006-01-02")]
}

// maxVersionActions is how many actions of one level a version lists.
const maxVersionActions = 100

// effect is a version's effect in one line, as iamref's pages say it.
func effect(added, removed []int, oldest bool) string {
	var parts []string
	plus := "+"
	if oldest {
		plus = ""
	}
	for i, l := range levels {
		if n := added[i]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s%s %s", plus, formatNumber(n), l))
		}
	}
	for i, l := range levels {
		if n := removed[i]; n > 0 {
			parts = append(parts, fmt.Sprintf("\u2212%s %s", formatNumber(n), l))
		}
	}
	if oldest {
		if len(parts) == 0 {
			return "allows no action"
		}
		return "allows " + strings.Join(parts, ", ")
	}
	if len(parts) == 0 {
		return "no change in actions"
	}
	return strings.Join(parts, ", ")
}

func main() {
	pub := flag.String("pub", "/tmp/public", "a full iamref build (its JSON API is the source)")
	docs := flag.String("docs", "../../content/policies", "managed policy documents (read only)")
	out := flag.String("out", "/tmp/hugosite", "Hugo site to write (replaced)")
	layouts := flag.String("layouts", "layouts", "hand-written layouts")
	assets := flag.String("assets", "../../static", "iamref's static files: css/site.css, js/site.js, js/search.js")
	minpolicy := flag.String("minpolicy", "skeleton", `how page.html highlights the minimal policies: "skeleton" (one highlight per number of ARNs, the page's strings put in) or "each" (every page's document; front matter then carries it)`)
	adapter := flag.Bool("adapter", true, "action pages from a content adapter per service (content/<prefix>/_content.gotmpl reading adapterdata/<prefix>.json) instead of 21,123 files; -adapter=false writes the files (same pages)")
	sample := flag.Int("sample", 1, "write only every Nth service and policy (plus a few named ones): a quick subset for template work, not for timing")
	flag.Parse()

	content := filepath.Join(*out, "content")
	for _, d := range []string{"content", "layouts", "assets", "adapterdata"} {
		if err := os.RemoveAll(filepath.Join(*out, d)); err != nil {
			log.Fatal(err)
		}
	}
	if err := os.CopyFS(filepath.Join(*out, "layouts"), os.DirFS(*layouts)); err != nil {
		log.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(*out, "assets"), os.DirFS(*assets)); err != nil {
		log.Fatal(err)
	}
	keepSvc := func(i int, prefix string) bool {
		return i%*sample == 0 || contains([]string{"s3", "ec2", "chime", "iam"}, prefix)
	}
	keepPol := func(i int, name string) bool {
		return i%*sample == 0 || contains([]string{"ReadOnlyAccess", "AdministratorAccess", "AWSSupportServiceRolePolicy", "AmazonChimeReadOnly", "PowerUserAccess"}, name)
	}

	// catalog
	files, _ := filepath.Glob(filepath.Join(*pub, "api/catalog/*.json"))
	var cats []*Catalog
	for _, f := range files {
		c := new(Catalog)
		readJSON(f, c)
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool { return cats[i].Prefix < cats[j].Prefix })
	svcName := map[string]string{}
	svcSize := map[string]int{}
	actionDesc := map[string]string{} // id -> description, for every catalog action
	actionLevel := map[string]int{}   // id -> index in levels
	dependedOnBy := map[string][]string{}
	for _, c := range cats {
		svcName[c.Prefix] = c.Name
		svcSize[c.Prefix] = len(c.Actions)
		for _, a := range c.Actions {
			actionDesc[a.ID] = a.Description
			actionLevel[a.ID] = levelIndex(a.AccessLevel)
			for _, d := range a.DependentActions {
				if !contains(dependedOnBy[d], a.ID) {
					dependedOnBy[d] = append(dependedOnBy[d], a.ID)
				}
			}
		}
	}
	// link resolves an action id as the original action-link partial did
	// (site.GetPage "/prefix/Name").
	link := func(id string) linkFM {
		l := linkFM{I: id}
		if _, ok := actionDesc[id]; ok {
			p, n, _ := strings.Cut(id, ":")
			l.U = "/" + p + "/" + n + "/"
		}
		return l
	}
	links := func(ids []string) []linkFM {
		var out []linkFM
		for _, id := range ids {
			out = append(out, link(id))
		}
		return out
	}
	keys := func(names []string) []keyFM {
		var out []keyFM
		for _, k := range names {
			out = append(out, keyFM{N: k, S: keySlug(k)})
		}
		return out
	}

	// policies
	pfiles, _ := filepath.Glob(filepath.Join(*pub, "api/policies/*.json"))
	type ranked struct {
		g     grantFM
		score int
		count int
	}
	byAction := map[string][]ranked{}
	sinceBy := map[string][]sinceItemFM{} // action -> every policy allowing it, since which version
	var snapDate, snapHash string
	if len(cats) > 0 {
		snapDate, snapHash = cats[0].Snapshot.Date, cats[0].Snapshot.Hash
	}
	npol := 0
	for pi, f := range pfiles {
		var p PolicyAPI
		readJSON(f, &p)
		var raw struct {
			Document json.RawMessage `json:"Document"`
			Versions []struct {
				ID    string              `json:"VersionId"`
				Edits [][]json.RawMessage `json:"Edits"`
			} `json:"Versions"`
			MissingFrom *missingFM `json:"MissingFrom"`
		}
		readJSON(filepath.Join(*docs, p.Name+".json"), &raw)
		var doc bytes.Buffer
		if err := json.Indent(&doc, raw.Document, "", "  "); err != nil {
			log.Fatal(err)
		}
		fm := policyFM{Title: p.Name, URL: "/policies/" + p.Name + "/", ARN: p.ARN, Version: p.Version,
			Created: p.Created, Updated: p.Updated, Deprecated: p.Deprecated, Document: doc.String(),
			Allowed: len(p.Allowed), AllowedF: formatNumber(len(p.Allowed))}
		for _, x := range p.Findings {
			fm.Findings = append(fm.Findings, findingFM{Severity: x.Severity, Line: x.Line, Col: x.Col, Message: x.Message, Suggestions: links(x.Suggestions)})
		}
		for _, x := range p.Unknown {
			fm.Unknown = append(fm.Unknown, unknownFM{Pattern: x.Pattern, Wildcard: x.Wildcard, Statement: x.Statement, Effect: x.Effect,
				NotAction: x.NotAction, Line: x.Line, Suggestions: links(x.Suggestions)})
		}

		// the versions, newest first, as the versions section shows them
		fm.Missing = raw.MissingFrom
		since := map[string]*sinceFM{} // action -> the version since which every version allows it
		if nv := len(p.Versions); nv > 0 {
			if len(raw.Versions) != nv {
				log.Fatalf("%s: %d versions in the JSON, %d in the content", p.Name, nv, len(raw.Versions))
			}
			latest := map[string]bool{}
			for _, a := range p.Allowed {
				latest[a.Action] = true
			}
			diffs := make([]string, nv)
			lines := strings.Split(doc.String(), "\n")
			for i := 1; i < nv; i++ {
				edits := parseEdits(raw.Versions[i].Edits)
				diffs[i-1] = unifiedHunks(lines, edits, 2)
				lines = applyEdits(lines, edits)
			}
			for i := 0; i < nv; i++ {
				v := p.Versions[nv-1-i] // the JSON is oldest first
				if v.Version != raw.Versions[i].ID {
					log.Fatalf("%s: version %s in the JSON, %s in the content", p.Name, v.Version, raw.Versions[i].ID)
				}
				vf := versionFM{ID: v.Version, Date: v.Date, Default: i == 0, Oldest: i == nv-1, Diff: diffs[i],
					Changed: len(v.Added)+len(v.Removed) > 0}
				if !vf.Oldest {
					vf.Older = p.Versions[nv-2-i].Version
				}
				addedBy, removedBy := make([]int, len(levels)+1), make([]int, len(levels)+1)
				group := func(ids []string, by []int) []verLevelFM {
					per := make([][]string, len(levels)+1)
					for _, id := range ids {
						l, ok := actionLevel[id]
						if !ok {
							log.Fatalf("%s %s: %s is not in the catalog", p.Name, v.Version, id)
						}
						per[l] = append(per[l], id)
						by[l]++
					}
					var out []verLevelFM
					for l, as := range per[:len(levels)] {
						if len(as) == 0 {
							continue
						}
						lv := verLevelFM{Label: levels[l], Slug: levelSlug(levels[l]), NF: formatNumber(len(as))}
						if len(as) > maxVersionActions {
							lv.MoreF = formatNumber(len(as) - maxVersionActions)
							as = as[:maxVersionActions]
						}
						lv.Actions = links(as)
						out = append(out, lv)
					}
					return out
				}
				vf.Added = group(v.Added, addedBy)
				vf.Removed = group(v.Removed, removedBy)
				vf.Widening = !vf.Oldest && (addedBy[2] > 0 || addedBy[3] > 0)
				vf.Effect = effect(addedBy, removedBy, vf.Oldest)
				for _, id := range v.Added {
					if latest[id] && since[id] == nil {
						since[id] = &sinceFM{V: v.Version, O: vf.Oldest}
					}
				}
				fm.Versions = append(fm.Versions, vf)
			}
			// the bounds of the dates not known
			for i := range fm.Versions {
				vf := &fm.Versions[i]
				if vf.Date != "" {
					continue
				}
				before, after := day(p.Updated), day(p.Created)
				for j := i - 1; j >= 0; j-- {
					if d := fm.Versions[j].Date; d != "" {
						before = d
						break
					}
				}
				for j := i + 1; j < len(fm.Versions); j++ {
					if d := fm.Versions[j].Date; d != "" {
						after = d
						break
					}
				}
				switch {
				case after != "" && before != "":
					vf.DateText = "between " + after + " and " + before
				case before != "":
					vf.DateText = "by " + before
				case after != "":
					vf.DateText = "after " + after
				default:
					vf.DateText = "date not known"
				}
			}
			fm.DefDate = fm.Versions[0].Date
			if fm.DefDate == "" {
				fm.DefDate = fm.Versions[0].DateText
			}
		}
		dst := docStatements(raw.Document)
		grantsBy := map[int]int{}
		for _, a := range p.Allowed {
			seen := map[int]bool{}
			for _, r := range a.GrantedBy {
				if !seen[r.Statement] {
					seen[r.Statement] = true
					grantsBy[r.Statement]++
				}
			}
		}
		for _, st := range p.Statements {
			if st.Effect == "Deny" {
				fm.HasDeny = true
			}
			sf := statementFM{Statement: st.Statement, Sid: st.Sid, Effect: st.Effect, Line: st.Line, Valid: st.Valid, GrantsF: formatNumber(grantsBy[st.Statement])}
			if i := st.Statement - 1; i >= 0 && i < len(dst) {
				d := dst[i]
				pats := stringList(d.Action)
				if d.NotAction != nil {
					sf.NotAction = true
					pats = stringList(d.NotAction)
				}
				if len(pats) <= 3 {
					sf.Pats = pats
				} else {
					sf.NP = len(pats)
				}
				sf.AllResources = contains(stringList(d.Resource), "*")
				sf.Condition = len(d.Condition) > 0
			}
			fm.NotAction = fm.NotAction || sf.NotAction
			fm.Statements = append(fm.Statements, sf)
		}
		// group allowed actions by service (first appearance), then level,
		// then runs of actions allowed the same way.
		gi := map[string]int{}
		var perSvc [][]int
		for i, a := range p.Allowed {
			prefix, _, _ := strings.Cut(a.Action, ":")
			k, ok := gi[prefix]
			if !ok {
				k = len(fm.Groups)
				gi[prefix] = k
				fm.Groups = append(fm.Groups, groupFM{Prefix: prefix, Name: svcName[prefix], U: "/" + prefix + "/"})
				perSvc = append(perSvc, nil)
			}
			perSvc[k] = append(perSvc[k], i)
			for _, r := range a.GrantedBy {
				if r.NotAction {
					fm.NotAction = true
				}
			}
			if sv := since[a.Action]; sv != nil {
				sinceBy[a.Action] = append(sinceBy[a.Action], sinceItemFM{N: p.Name, V: sv.V})
			}
			byAction[a.Action] = append(byAction[a.Action], ranked{
				g:     grantFM{Name: p.Name, Patterns: patterns(a.GrantedBy), Conditional: a.Conditional, Scoped: a.Scoped, Denied: a.PartlyDenied, Since: since[a.Action]},
				score: specificity(a.GrantedBy), count: len(p.Allowed)})
		}
		for k := range fm.Groups {
			g := &fm.Groups[k]
			idx := perSvc[k]
			g.Count = len(idx)
			g.CountF = formatNumber(g.Count)
			g.Open = g.Count <= 40
			byLevel := make([][]int, len(levels)+1)
			uniform := true
			var first string
			for n, i := range idx {
				a := p.Allowed[i]
				r := runFM{Via: vias(a.GrantedBy), DeniedBy: vias(a.DeniedBy), Conditional: a.Conditional, Scoped: a.Scoped, Denied: a.PartlyDenied}
				key := runKey(&r)
				if n == 0 {
					first = key
					u := r
					g.Uniform = &u
				} else if key != first {
					uniform = false
				}
				l := levelIndex(a.AccessLevel)
				byLevel[l] = append(byLevel[l], i)
			}
			if !uniform {
				g.Uniform = nil
			}
			g.All = uniform && g.Count == svcSize[g.Prefix]
			for l, is := range byLevel {
				if len(is) == 0 {
					continue
				}
				lv := levelFM{Count: len(is), Label: "Unknown", Slug: "unknown"}
				if l < len(levels) {
					lv.Label, lv.Slug = levels[l], levelSlug(levels[l])
				}
				if !g.All {
					ri := map[string]int{}
					for _, i := range is {
						a := p.Allowed[i]
						_, name, _ := strings.Cut(a.Action, ":")
						r := runFM{Via: vias(a.GrantedBy), DeniedBy: vias(a.DeniedBy), Conditional: a.Conditional, Scoped: a.Scoped, Denied: a.PartlyDenied}
						key := ""
						if !uniform {
							key = runKey(&r)
						}
						j, ok := ri[key]
						if !ok {
							j = len(lv.Runs)
							ri[key] = j
							if uniform {
								r = runFM{} // the group's uniform grant says how
							}
							lv.Runs = append(lv.Runs, r)
						}
						lv.Runs[j].Actions = append(lv.Runs[j].Actions, name)
					}
				}
				g.Levels = append(g.Levels, lv)
			}
		}
		fm.Services = len(fm.Groups)
		top := make([]topFM, len(fm.Groups))
		for k, g := range fm.Groups {
			top[k] = topFM{g.Prefix, g.Count}
		}
		sort.SliceStable(top, func(i, j int) bool { return top[i].Count > top[j].Count })
		fm.Top = top[:min(3, len(top))]
		fm.MD = fmt.Sprintf("The AWS managed policy %s allows %s actions in %d services.", p.Name, fm.AllowedF, fm.Services)
		if keepPol(pi, p.Name) {
			npol++
			writePage(filepath.Join(content, "policies", p.Name+".md"), fm)
		}
	}
	writePage(filepath.Join(content, "policies", "_index.md"), map[string]any{"title": "AWS managed policies", "crumb": "Managed policies", "url": "/policies/",
		"md": fmt.Sprintf("All %s AWS managed policies with the actions each allows, evaluated against the catalog.", formatNumber(npol)), "countf": formatNumber(npol)})

	// services and actions
	total := 0
	levelTotals := make([]int, len(levels))
	nsvc := 0
	for si, c := range cats {
		total += len(c.Actions)
		svc := serviceFM{Title: c.Name, URL: "/" + c.Prefix + "/", Weight: si + 1, Prefix: c.Prefix, AuthorizationURL: c.AuthorizationURL,
			NActions: len(c.Actions), LC: make([]int, len(levels)), ResourceTypes: []rtFM{}, ConditionKeys: []svcKeyFM{}}
		rtByName := map[string]*ResourceType{}
		for i := range c.ResourceTypes {
			rt := &c.ResourceTypes[i]
			if _, dup := rtByName[rt.Name]; !dup {
				rtByName[rt.Name] = rt
			}
			n := 0
			for _, a := range c.Actions {
				for _, r := range a.ResourceTypes {
					if r.Name == rt.Name {
						n++
						break
					}
				}
			}
			svc.ResourceTypes = append(svc.ResourceTypes, rtFM{Name: rt.Name, URL: rt.URL, ARN: rt.ARN, ARNH: arnHTML(rt.ARN), Keys: keys(rt.ConditionKeys), Actions: n})
		}
		ckByName := map[string]*ConditionKey{}
		for i := range c.ConditionKeys {
			k := &c.ConditionKeys[i]
			if _, dup := ckByName[k.Name]; !dup {
				ckByName[k.Name] = k
			}
			if !strings.HasPrefix(k.Name, "aws:") {
				svc.Own++
			}
			if strings.Contains(k.Name, "Tag") {
				svc.Tags = true
			}
			svc.ConditionKeys = append(svc.ConditionKeys, svcKeyFM{Name: k.Name, URL: k.URL, Slug: keySlug(k.Name), Type: k.Type, Description: k.Description})
		}
		for _, a := range c.Actions {
			if l := levelIndex(a.AccessLevel); l < len(levels) {
				svc.LC[l]++
				levelTotals[l]++
			}
		}
		svc.MD = fmt.Sprintf("IAM reference for %s (service prefix %s): %d actions, %d resource types, %d condition keys.", c.Name, c.Prefix, len(c.Actions), len(c.ResourceTypes), len(c.ConditionKeys))
		if !keepSvc(si, c.Prefix) {
			continue
		}
		nsvc++
		writePage(filepath.Join(content, c.Prefix, "_index.md"), svc)
		var adapterPages []map[string]any
		for ai, a := range c.Actions {
			fm := actionFM{Title: a.ID, URL: "/" + c.Prefix + "/" + a.Name + "/", Weight: ai + 1, Description: a.Description,
				MD:   fmt.Sprintf("%s — %s. Access level: %s.", a.ID, strings.TrimSuffix(a.Description, "."), a.AccessLevel),
				Name: a.Name, Prefix: c.Prefix, AccessLevel: a.AccessLevel, LS: levelSlug(a.AccessLevel), APIDoc: a.APIDocURL,
				DOB: links(dependedOnBy[a.ID])}
			var arns []string
			for _, r := range a.ResourceTypes {
				if r.Name == "" {
					if len(r.ConditionKeys) > 0 || len(r.DependentActions) > 0 {
						fm.NoRT = append(fm.NoRT, noRTFM{Keys: keys(r.ConditionKeys), Deps: links(r.DependentActions)})
					}
					continue
				}
				row := rowFM{Name: r.Name, Req: r.Required, Keys: keys(r.ConditionKeys), Deps: links(r.DependentActions)}
				if rt := rtByName[r.Name]; rt != nil {
					row.F, row.U, row.ARN, row.ARNH = true, rt.URL, rt.ARN, arnHTML(rt.ARN)
					if r.Required && !contains(arns, rt.ARN) {
						arns = append(arns, rt.ARN)
					}
				}
				// the service's actions table links a resource type by the
				// catalog's "defined" flag to /prefix/resources/name/ (the
				// raw name, as the original template did): su where that
				// differs from the resource type's url.
				if row.F != r.Defined {
					log.Fatalf("%s %s: defined=%v but found=%v", a.ID, r.Name, r.Defined, row.F)
				}
				if su := relURL("/" + c.Prefix + "/resources/" + r.Name + "/"); r.Defined && su != row.U {
					row.SU = su
				}
				fm.Rows = append(fm.Rows, row)
			}
			for _, k := range a.ConditionKeys {
				ck := ckFM{N: k, S: keySlug(k), X: true}
				if sk := ckByName[k]; sk != nil {
					ck.T, ck.D, ck.X = sk.Type, sk.Description, false
				}
				fm.CKeys = append(fm.CKeys, ck)
			}
			for _, d := range a.DependentActions {
				l := link(d)
				fm.Deps = append(fm.Deps, depFM{I: d, U: l.U, D: actionDesc[d]})
			}
			rs := byAction[a.ID]
			sort.Slice(rs, func(i, j int) bool {
				x, y := rs[i], rs[j]
				if x.score != y.score {
					return x.score > y.score
				}
				if x.count != y.count {
					return x.count < y.count
				}
				return x.g.Name < y.g.Name
			})
			fm.GT, fm.GTF = len(rs), formatNumber(len(rs))
			fm.Since = sinceBy[a.ID]
			sort.Slice(fm.Since, func(i, j int) bool { return fm.Since[i].N < fm.Since[j].N })
			for _, r := range rs[:min(5, len(rs))] {
				fm.Grants = append(fm.Grants, r.g)
			}
			fm.More = fm.GT - len(fm.Grants)
			if fm.More > 0 {
				fm.MoreF = formatNumber(fm.More)
			}
			// the minimal policy, as the original template built it
			sid := "Allow"
			for _, part := range strings.Split(reSidJunk.ReplaceAllString(c.Prefix+" "+a.Name, " "), " ") {
				sid += firstUpper(part)
			}
			resource := `"*"`
			if len(arns) == 1 {
				resource = jsonify(arns[0], "", "")
			} else if len(arns) > 1 {
				resource = jsonify(arns, "      ", "  ")
			}
			fm.ARNs = len(arns) > 0
			fm.PV = []string{htmlEscape(jsonify(sid, "", "")), htmlEscape(jsonify(a.ID, "", ""))}
			for _, arn := range arns {
				fm.PV = append(fm.PV, htmlEscape(jsonify(arn, "", "")))
			}
			policy := fmt.Sprintf("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": %s,\n      \"Effect\": \"Allow\",\n      \"Action\": %s,\n      \"Resource\": %s\n    }\n  ]\n}",
				jsonify(sid, "", ""), jsonify(a.ID, "", ""), resource)
			if *minpolicy == "each" {
				fm.Policy = policy
			}
			if *adapter {
				// the same front matter, as a content adapter page map:
				// reserved keys at the top, the rest in params.
				b, _ := json.Marshal(fm)
				var m map[string]any
				json.Unmarshal(b, &m)
				page := map[string]any{"path": a.Name, "title": fm.Title, "url": fm.URL, "weight": fm.Weight, "description": fm.Description}
				for _, k := range []string{"title", "url", "weight", "description"} {
					delete(m, k)
				}
				page["params"] = m
				adapterPages = append(adapterPages, page)
				continue
			}
			writePage(filepath.Join(content, c.Prefix, a.Name+".md"), fm)
		}
		if *adapter && len(adapterPages) > 0 {
			b := marshal(adapterPages)
			if err := os.MkdirAll(filepath.Join(*out, "adapterdata"), 0o755); err != nil {
				log.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(*out, "adapterdata", c.Prefix+".json"), b, 0o644); err != nil {
				log.Fatal(err)
			}
			tpl := fmt.Sprintf("{{ range os.ReadFile %q | transform.Unmarshal }}{{ $.AddPage . }}{{ end }}\n", "adapterdata/"+c.Prefix+".json")
			if err := os.WriteFile(filepath.Join(content, c.Prefix, "_content.gotmpl"), []byte(tpl), 0o644); err != nil {
				log.Fatal(err)
			}
		}
	}
	lt := make([]string, len(levels))
	for i, n := range levelTotals {
		lt[i] = formatNumber(n)
	}
	writePage(filepath.Join(content, "_index.md"), map[string]any{"title": "AWS IAM reference", "crumb": "All services", "actionsf": formatNumber(total), "lt": lt,
		"md":    fmt.Sprintf("Every AWS service's IAM actions, resource types and condition keys: %s services, %s actions.", formatNumber(nsvc), formatNumber(total)),
		"nsvcf": formatNumber(nsvc)})
	cfg := fmt.Sprintf(`baseURL = "https://iamref.example/"
title = "iamref"
languageCode = "en"
disablePathToLower = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
enableRobotsTXT = false

[params]
snapshot_date = %q
snapshot_hash = %q

# minimal policies: "skeleton" highlights one skeleton per number of ARNs
# (partialCached) and puts each page's strings in; "each" highlights every
# page's document (gen -minpolicy each puts it in the front matter). Same bytes.
minpolicy = %q

[markup.highlight]
noClasses = false
`, snapDate, snapHash, *minpolicy)
	if err := os.WriteFile(filepath.Join(*out, "hugo.toml"), []byte(cfg), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d services, %d actions, %d policies written\n", nsvc, total, npol)
}
