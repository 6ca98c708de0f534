// Package policyreport writes what the policy engine says about one
// document as JSON, schema iamref.policy.v1 (documented in docs/api.md):
// the allowed actions with the statements and patterns behind each, the
// names the catalog lacks, every finding with its code, the statements, the
// kind the document was checked as and the risks it opens.
//
// It is the one writer of that JSON: the site's /api/policies/ and
// /api/examples/ twins, `policy analyze` and the browser's analyzer all call
// Encode, so the same document gives the same bytes everywhere. It imports
// only the model and the engine (catalog, policy), so it compiles for
// GOOS=js.
//
// Encode is compact JSON with a final newline: AdministratorAccess allows
// 21,123 actions, and its allowed list is written without reflection.
// Fields are only ever added within the schema version; to add one, add it
// to Subject (what the caller knows) or derive it from the Analysis, and to
// the doc struct below in the place it has in the JSON.
package policyreport

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"sync"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// Schema names the JSON's shape.
const Schema = "iamref.policy.v1"

// The kinds of Subject.
const (
	Managed  = "managed"  // an AWS managed policy
	Example  = "example"  // one of the site's example policies
	Document = "document" // a document given by a reader: a file, stdin, the browser's editor
)

// Subject is what the caller knows about the document beyond its text: its
// name, where it is shown, and, for a managed policy, IAM's facts.
type Subject struct {
	Kind  string // Managed, Example or Document
	Name  string // the policy's name, an example's slug, or a file name
	Title string // an example's title; "" leaves it out
	URL   string // the page that shows it; "" for a reader's document
	// A managed policy's ARN, default version id ("v12"), deprecation
	// and dates (as IAM gives them; "" leaves a date out).
	ARN              string
	Version          string
	Deprecated       bool
	Created, Updated string
	// Versions are a managed policy's versions, oldest first; nil leaves
	// them out.
	Versions []Version
	// Held is, for a reader's document, the policy document a wrapper in
	// it holds as a string (policy.Unwrap): EncodeAnalysis's answer says
	// where, and what it holds, for /analyze/ to offer it. nil, the answer
	// leaves it out; the report never has it.
	Held *policy.HeldDocument
}

// Version is one version of a managed policy, with the actions it added
// and removed against the version before it (the first lists what it
// allows in Added).
type Version struct {
	ID      string   // "v3"
	Date    string   // YYYY-MM-DD, "" when not known
	Added   []string // action IDs
	Removed []string
}

// doc is the JSON, in its order.
type doc struct {
	Schema          string         `json:"schema"`
	Kind            string         `json:"kind"`
	Name            string         `json:"name"`
	Title           string         `json:"title,omitempty"`
	URL             string         `json:"url"`
	ARN             string         `json:"arn"`
	Version         string         `json:"version"`
	DocumentVersion string         `json:"document_version"`
	Deprecated      bool           `json:"deprecated"`
	Created         string         `json:"created,omitempty"`
	Updated         string         `json:"updated,omitempty"`
	Snapshot        snapshotDoc    `json:"snapshot"`
	Allowed         []allowedDoc   `json:"allowed"` // written by allowedList
	Unknown         []unknownDoc   `json:"unknown"`
	Findings        []findingDoc   `json:"findings"`
	Statements      []statementDoc `json:"statements"`
	PolicyType      string         `json:"policy_type"`
	KindGuessed     bool           `json:"policy_type_guessed"`
	EscalationPaths []pathDoc      `json:"escalation_paths"`
	Sensitive       []sensitiveDoc `json:"sensitive_actions"`
	Versions        []versionDoc   `json:"versions,omitempty"`
}

type versionDoc struct {
	Version string   `json:"version"`
	Date    string   `json:"date"` // YYYY-MM-DD, "" when not known
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

type snapshotDoc struct {
	Date string `json:"date"`
	Hash string `json:"hash"`
}

type pathDoc struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Category string   `json:"category"`
	URL      string   `json:"url"`
	Limited  bool     `json:"limited"` // some required action is conditional, resource-scoped or partly denied
	Actions  []string `json:"actions"`
}

type sensitiveDoc struct {
	Category string   `json:"category"`
	Actions  []string `json:"actions"`
}

type allowedDoc struct {
	Action         string        `json:"action"`
	AccessLevel    string        `json:"access_level"`
	GrantedBy      []grantRefDoc `json:"granted_by"`
	Conditional    bool          `json:"conditional"`
	ResourceScoped bool          `json:"resource_scoped"`
	PartlyDenied   bool          `json:"partly_denied"`
	DeniedBy       []grantRefDoc `json:"denied_by,omitempty"`
}

type grantRefDoc struct {
	Statement int    `json:"statement"` // 1-based, as #statement-<n> on the page
	Sid       string `json:"sid"`
	Pattern   string `json:"pattern"` // "" for a NotAction statement
	NotAction bool   `json:"not_action,omitempty"`
}

type unknownDoc struct {
	Pattern     string   `json:"pattern"`
	Wildcard    bool     `json:"wildcard"`
	Statement   int      `json:"statement"`
	Sid         string   `json:"sid"`
	Effect      string   `json:"effect"`
	NotAction   bool     `json:"not_action"`
	Line        int      `json:"line"`
	Col         int      `json:"col"`
	Suggestions []string `json:"suggestions"`
}

type findingDoc struct {
	Code        string   `json:"code"`
	Severity    string   `json:"severity"`
	Line        int      `json:"line"`
	Col         int      `json:"col"`
	Message     string   `json:"message"`
	Suggestions []string `json:"suggestions"`
}

type statementDoc struct {
	Statement int    `json:"statement"`
	Sid       string `json:"sid"`
	Effect    string `json:"effect"`
	Line      int    `json:"line"`
	Valid     bool   `json:"valid"`
}

// Encode writes the report of an analysis against a catalog of the given
// snapshot: compact JSON, one line, with a final newline.
func Encode(s Subject, a *policy.Analysis, snap catalog.Snapshot) []byte {
	return AppendEncode(nil, s, a, snap)
}

// AppendEncode appends Encode's report to dst. A caller that writes
// report after report into the same buffer (dst[:0]), as the browser's
// engine does at every keystroke, allocates nothing for it once the
// buffer has grown to a report's size: at a keystroke in /analyze/ the
// report, about 110 kB, was the largest allocation, and what a keystroke
// allocates sets how often the collector runs.
func AppendEncode(dst []byte, s Subject, a *policy.Analysis, snap catalog.Snapshot) []byte {
	return appendEncode(dst, s, a, snap, nil)
}

// appendEncode is AppendEncode, with the allowed list copied from e's
// memory when it is the one e encoded last (e may be nil).
func appendEncode(dst []byte, s Subject, a *policy.Analysis, snap catalog.Snapshot, e *Encoder) []byte {
	// The allowed list, up to 21,123 entries, and the unknown names, the
	// findings and the statements are written by appendLists; the rest by
	// encoding/json, with the empty lists spliced open.
	head := encodeJSON(headDoc(s, a, snap))
	i := bytes.Index(head, listsMark)
	if i < 0 {
		panic("policyreport: no allowed list in " + string(head))
	}
	// The allowed list is e's, as it wrote it last, when it is the same;
	// else it is encoded (and e remembers it).
	var list *allowedList
	size := 0
	if e != nil && e.known && grantsEqual(e.allowed, a.Result.Allowed) {
		size = len(e.enc)
		e.kept++
	} else {
		list = newAllowedList(a.Result.Allowed)
		defer list.release()
		size = list.size()
	}
	dst = slices.Grow(dst, len(head)+size+listsSize(a))
	dst = append(dst, head[:i]...)
	dst = appendLists(dst, list, a, e)
	return append(dst, head[i+len(listsMark):]...)
}

// headDoc is the report with its allowed list, unknown names, findings
// and statements empty.
func headDoc(s Subject, a *policy.Analysis, snap catalog.Snapshot) doc {
	d := doc{
		Schema: Schema, Kind: s.Kind, Name: s.Name, Title: s.Title, URL: s.URL, ARN: s.ARN, Version: s.Version,
		DocumentVersion: a.Document.Version, Deprecated: s.Deprecated, Created: s.Created, Updated: s.Updated,
		Snapshot: snapshotDoc{Date: snap.Date, Hash: snap.Hash},
		Allowed:  []allowedDoc{}, Unknown: []unknownDoc{}, Findings: []findingDoc{}, Statements: []statementDoc{},
		PolicyType: string(a.Kind), KindGuessed: a.KindGuessed,
		EscalationPaths: []pathDoc{}, Sensitive: []sensitiveDoc{},
	}
	for _, v := range s.Versions {
		d.Versions = append(d.Versions, versionDoc{Version: v.ID, Date: v.Date, Added: nonNil(v.Added), Removed: nonNil(v.Removed)})
	}
	for _, op := range a.Paths {
		pd := pathDoc{ID: op.Path.ID, Name: op.Path.Name, Category: op.Path.Category, URL: op.Path.URL, Limited: op.Limited, Actions: []string{}}
		for _, g := range op.Grants {
			pd.Actions = append(pd.Actions, g.Action.ID())
		}
		d.EscalationPaths = append(d.EscalationPaths, pd)
	}
	for _, sg := range a.Sensitive {
		sd := sensitiveDoc{Category: string(sg.Category), Actions: []string{}}
		for _, g := range sg.Grants {
			sd.Actions = append(sd.Actions, g.Action.ID())
		}
		d.Sensitive = append(d.Sensitive, sd)
	}
	return d
}

// listsMark is the four lists, empty, as encoding/json writes them in the
// head. No key before them is "allowed", and a string value cannot hold
// it: its quotes would be escaped.
var listsMark = []byte(`,"allowed":[],"unknown":[],"findings":[],"statements":[]`)

// appendLists writes the allowed list, the unknown names, the findings
// and the statements as encoding/json writes []allowedDoc, []unknownDoc,
// []findingDoc and []statementDoc (TestEncodeLists holds it to that),
// without reflection: a keystroke in /analyze/ encodes them all again.
// A nil list is e's last, written as e kept it; an encoded one e (if not
// nil) remembers.
func appendLists(out []byte, list *allowedList, a *policy.Analysis, e *Encoder) []byte {
	r := a.Result
	out = append(out, `,"allowed":[`...)
	if list == nil {
		out = append(out, e.enc...) // the Encoder's, the same list
	} else {
		from := len(out)
		out = list.append(out)
		if e != nil {
			e.remember(a.Result.Allowed, out[from:])
		}
	}
	out = append(out, `],"unknown":[`...)
	n := 0
	for k, us := range [2][]policy.UnknownAction{r.Unknown, r.Unmatched} {
		for _, u := range us {
			if n > 0 {
				out = append(out, ',')
			}
			n++
			out = append(out, `{"pattern":`...)
			out = appendJSONString(out, u.Pattern)
			out = append(out, `,"wildcard":`...)
			out = strconv.AppendBool(out, k == 1)
			out = append(out, `,"statement":`...)
			out = strconv.AppendInt(out, int64(u.Statement+1), 10)
			out = append(out, `,"sid":`...)
			out = appendJSONString(out, u.Sid)
			out = append(out, `,"effect":`...)
			out = appendJSONString(out, string(u.Effect))
			out = append(out, `,"not_action":`...)
			out = strconv.AppendBool(out, u.NotAction)
			out = append(out, `,"line":`...)
			out = strconv.AppendInt(out, int64(u.Line), 10)
			out = append(out, `,"col":`...)
			out = strconv.AppendInt(out, int64(u.Col), 10)
			out = append(out, `,"suggestions":`...)
			out = appendStrings(out, u.Suggestions)
			out = append(out, '}')
		}
	}
	out = append(out, `],"findings":[`...)
	for i, f := range r.Findings {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"code":`...)
		out = appendJSONString(out, string(f.Code))
		out = append(out, `,"severity":`...)
		out = appendJSONString(out, string(f.Severity))
		out = append(out, `,"line":`...)
		out = strconv.AppendInt(out, int64(f.Line), 10)
		out = append(out, `,"col":`...)
		out = strconv.AppendInt(out, int64(f.Col), 10)
		out = append(out, `,"message":`...)
		out = appendJSONString(out, f.Message)
		out = append(out, `,"suggestions":`...)
		out = appendStrings(out, f.Suggestions)
		out = append(out, '}')
	}
	out = append(out, `],"statements":[`...)
	for i, st := range a.Document.Statements {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"statement":`...)
		out = strconv.AppendInt(out, int64(st.Index+1), 10)
		out = append(out, `,"sid":`...)
		out = appendJSONString(out, st.Sid)
		out = append(out, `,"effect":`...)
		out = appendJSONString(out, string(st.Effect))
		out = append(out, `,"line":`...)
		out = strconv.AppendInt(out, int64(st.Line), 10)
		out = append(out, `,"valid":`...)
		out = strconv.AppendBool(out, st.Valid)
		out = append(out, '}')
	}
	return append(out, ']')
}

// appendStrings writes a list of strings, [] for none.
func appendStrings(out []byte, ss []string) []byte {
	out = append(out, '[')
	for i, s := range ss {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendJSONString(out, s)
	}
	return append(out, ']')
}

// listsSize is about the bytes appendLists writes but for the allowed
// list (the buffer grows if it is more).
// unknownSize is about how long a name the catalog lacks is in the report.
func unknownSize(u policy.UnknownAction) int {
	return 160 + len(u.Pattern) + len(u.Sid) + 40*len(u.Suggestions)
}

func listsSize(a *policy.Analysis) int {
	n := 64
	for _, us := range [2][]policy.UnknownAction{a.Result.Unknown, a.Result.Unmatched} {
		for _, u := range us {
			n += unknownSize(u)
		}
	}
	for _, f := range a.Result.Findings {
		n += 80 + len(f.Code) + len(f.Message) + 40*len(f.Suggestions)
	}
	for _, st := range a.Document.Statements {
		n += 80 + len(st.Sid)
	}
	return n
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// encodeJSON is v as compact encoding/json without HTML escaping, with
// the newline Encoder adds.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only plain structs reach here
	}
	return buf.Bytes()
}

// jsonValue is v as one compact JSON value, without the newline.
func jsonValue(v any) []byte { return bytes.TrimSuffix(encodeJSON(v), []byte("\n")) }

// allowedList writes the entries of an allowed list as encoding/json
// writes []allowedDoc (TestAppendAllowed holds it to that), without
// reflection, with each distinct grant reference encoded once (all 21,123
// entries of AdministratorAccess name the same one), into a buffer sized
// once: a 4 MB list grown by doubling allocated three times its size.
// The encoded references are kept in one buffer, and the lists are
// reused (allowedLists): a keystroke in /analyze/ encodes a few hundred
// references again, and encoded one allocation each they were a tenth of
// what it allocated.
type allowedList struct {
	allowed []policy.Grant
	refs    map[policy.GrantRef]span // where the encoded reference is in enc
	enc     []byte
	// What size notes for append: the encoding of each reference of the
	// entries, in order, and which action IDs need no escaping.
	sized   bool
	order   []span
	plainID []bool
}

type span struct{ from, to int32 }

// allowedLists are lists released, their maps and buffers empty.
var allowedLists = sync.Pool{New: func() any { return &allowedList{refs: map[policy.GrantRef]span{}} }}

// The largest list kept for reuse: clearing a map costs its capacity,
// and the one report of a policy with many thousands of references
// should not make every later one pay for it.
const (
	maxKeptRefs = 4096
	maxKeptEnc  = 1 << 20
)

func newAllowedList(allowed []policy.Grant) *allowedList {
	l := allowedLists.Get().(*allowedList)
	l.allowed = allowed
	return l
}

// release empties the list and keeps it for reuse; the list must not be
// used after.
func (l *allowedList) release() {
	if len(l.refs) > maxKeptRefs || cap(l.enc) > maxKeptEnc || cap(l.order) > maxKeptRefs*8 {
		return
	}
	clear(l.refs) // nor keep the document's strings alive
	l.allowed, l.enc, l.sized = nil, l.enc[:0], false
	allowedLists.Put(l)
}

// ref is where the encoded grant reference is in enc.
func (l *allowedList) ref(r policy.GrantRef) span {
	sp, ok := l.refs[r]
	if !ok {
		from := len(l.enc)
		enc := append(l.enc, `{"statement":`...)
		enc = strconv.AppendInt(enc, int64(r.Statement+1), 10)
		enc = append(enc, `,"sid":`...)
		enc = appendJSONString(enc, r.Sid)
		enc = append(enc, `,"pattern":`...)
		enc = appendJSONString(enc, r.Pattern)
		if r.NotAction {
			enc = append(enc, `,"not_action":true`...)
		}
		enc = append(enc, '}')
		l.enc = enc
		sp = span{int32(from), int32(len(enc))}
		l.refs[r] = sp
	}
	return sp
}

// size is an upper bound of the bytes append writes. It encodes the
// grant references, and notes where each one's encoding is, in order,
// and which action IDs are plain JSON, for append: looked up by hash
// twice, the references were a tenth of a keystroke's encoding.
func (l *allowedList) size() int {
	const fixed = len(`,{"action":"","access_level":"","granted_by":[],"conditional":false,"resource_scoped":false,"partly_denied":false,"denied_by":[]}`)
	l.order, l.plainID = l.order[:0], l.plainID[:0]
	refs := func(rs []policy.GrantRef) int {
		n := 0
		for _, r := range rs {
			sp := l.ref(r)
			l.order = append(l.order, sp)
			n += int(sp.to-sp.from) + 1
		}
		return n
	}
	n := 0
	for i := range l.allowed {
		g := &l.allowed[i]
		plain := plainJSON(g.Action.Service.Prefix) && plainJSON(g.Action.Name)
		l.plainID = append(l.plainID, plain)
		id := len(g.Action.Service.Prefix) + 1 + len(g.Action.Name)
		if !plain {
			id *= 6
		}
		n += fixed + id + jsonLen(string(g.Action.AccessLevel)) + refs(g.GrantedBy) + refs(g.DeniedBy)
	}
	l.sized = true
	return n
}

// append writes the entries, after size.
func (l *allowedList) append(out []byte) []byte {
	if !l.sized {
		l.size()
	}
	next := 0 // in l.order
	appendRefs := func(out []byte, rs []policy.GrantRef) []byte {
		out = append(out, '[')
		for i := range rs {
			if i > 0 {
				out = append(out, ',')
			}
			sp := l.order[next]
			next++
			out = append(out, l.enc[sp.from:sp.to]...)
		}
		return append(out, ']')
	}
	for i := range l.allowed {
		g := &l.allowed[i]
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"action":`...)
		if l.plainID[i] {
			out = append(append(append(append(append(out, '"'), g.Action.Service.Prefix...), ':'), g.Action.Name...), '"')
		} else {
			out = appendJSONString(out, g.Action.ID())
		}
		out = append(out, `,"access_level":`...)
		out = appendJSONString(out, string(g.Action.AccessLevel))
		out = append(out, `,"granted_by":`...)
		out = appendRefs(out, g.GrantedBy)
		out = append(out, `,"conditional":`...)
		out = strconv.AppendBool(out, g.Conditional)
		out = append(out, `,"resource_scoped":`...)
		out = strconv.AppendBool(out, g.ResourceScoped)
		out = append(out, `,"partly_denied":`...)
		out = strconv.AppendBool(out, g.PartlyDenied)
		if len(g.DeniedBy) > 0 {
			out = append(out, `,"denied_by":`...)
			out = appendRefs(out, g.DeniedBy)
		}
		out = append(out, '}')
	}
	return out
}

// appendJSONString appends s quoted as encoding/json quotes it without
// HTML escaping. Printable ASCII, all the catalog's names and most
// messages, is copied with '"' and '\\' escaped; anything else goes
// through encoding/json.
func appendJSONString(out []byte, s string) []byte {
	// One pass over s, eight bytes at a time where they are all plain
	// (plain8), else a byte a table lookup: the byte-at-a-time loop was
	// a twentieth of a keystroke in WebAssembly, where /analyze/ writes a
	// report at every keystroke. Runs without '"' or '\\' are copied
	// whole (a byte-at-a-time append costs several times more).
	mark := len(out)
	out = append(out, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && plain8(load8(s, i)) {
			i += 8
			continue
		}
		switch jsonByte[s[i]] {
		case plainByte:
		case quotedByte:
			out = append(append(out, s[start:i]...), '\\', s[i])
			start = i + 1
		default:
			return append(out[:mark], jsonValue(s)...)
		}
		i++
	}
	return append(append(out, s[start:]...), '"')
}

// load8 is s[i:i+8] as a little-endian number (one 64-bit load, in
// WebAssembly too).
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plain8 tells whether the eight bytes of x are all plain (jsonByte):
// none below 0x20, none from 0x7f, no '"' and no '\\'. Each test sets a
// byte's high bit only where a byte may fail it, and sets some high bit
// exactly when one does ("Bit Twiddling Hacks": haszero, hasless).
func plain8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	hasZero := func(v uint64) uint64 { return (v - ones) & ^v }
	bad := x                     // from 0x80
	bad |= (x - ones*0x20) & ^x  // below 0x20
	bad |= hasZero(x ^ ones*'"') // '"'
	bad |= hasZero(x ^ ones*'\\')
	bad |= hasZero(x ^ ones*0x7f)
	return bad&highs == 0
}

// What a byte is in a JSON string (jsonByte): as it is, escaped with a
// backslash ('"' and '\\'), or anything else (a control character or a
// byte past ASCII: encoding/json decides).
const (
	otherByte = iota
	plainByte
	quotedByte
)

var jsonByte = func() (t [256]uint8) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = plainByte
	}
	t['"'], t['\\'] = quotedByte, quotedByte
	return t
}()

// jsonLen bounds the length of s quoted, without the quotes: a string that
// needs escaping grows at most sixfold (\u00XX).
func jsonLen(s string) int {
	if plainJSON(s) {
		return len(s)
	}
	return 6 * len(s)
}

// plainJSON tells whether s is printable ASCII without '"' and '\\': a
// JSON string as it is.
func plainJSON(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if !plain8(load8(s, i)) {
			break
		}
	}
	for ; i < len(s); i++ {
		if jsonByte[s[i]] != plainByte {
			return false
		}
	}
	return true
}
