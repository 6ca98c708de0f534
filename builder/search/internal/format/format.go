// Package format defines the search index files: small containers holding
// upsidedown KV rows (package flatkv) and a compact table of the
// documents' display metadata, plus the internal document ids that tie the
// two together.
//
// An index comes in two parts, so that a browser can answer from the
// first while the second is on its way: the names part (the rows of every
// field but the descriptions', and the document table) and the
// descriptions part (the description field's rows and the descriptions
// themselves). Both carry the same set id, so that a descriptions part is
// never added to the names of another index.
//
// File layout:
//
//	"IAMREFSX" magic, version byte, part byte (PartNames or PartDescriptions)
//	set id, SetIDLen bytes
//	uvarint length, KV table (flatkv encoding)
//	uvarint length, document table (EncodeDocs) or descriptions (EncodeDescriptions)
package format

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/iamref/iamref/builder/search/internal/varint"
)

const magic = "IAMREFSX"

// Version is the file format version.
const Version = 7

// The parts of an index.
const (
	PartNames        = 'n'
	PartDescriptions = 'd'
)

// SetIDLen is the length of the id that ties the two parts of an index.
const SetIDLen = 16

// ErrCorrupt is returned for bytes that are not a valid index file.
var ErrCorrupt = errors.New("search index: corrupt or not an index file")

// File is one part of an index.
type File struct {
	Part byte
	Set  [SetIDLen]byte
	KV   []byte // flatkv rows
	Rest []byte // the document table, or the descriptions
}

// Encode returns the file's bytes.
func (f *File) Encode() []byte {
	out := make([]byte, 0, len(magic)+2+SetIDLen+len(f.KV)+len(f.Rest)+20)
	out = append(out, magic...)
	out = append(out, Version, f.Part)
	out = append(out, f.Set[:]...)
	out = varint.AppendPrefixed(out, f.KV)
	return varint.AppendPrefixed(out, f.Rest)
}

// Decode reads a file; its KV and Rest are slices of b.
func Decode(b []byte) (File, error) {
	var f File
	head := len(magic) + 2 + SetIDLen
	if len(b) < head || string(b[:len(magic)]) != magic {
		return f, ErrCorrupt
	}
	if b[len(magic)] != Version {
		return f, fmt.Errorf("search index: format version %d, want %d", b[len(magic)], Version)
	}
	f.Part = b[len(magic)+1]
	if f.Part != PartNames && f.Part != PartDescriptions {
		return f, ErrCorrupt
	}
	copy(f.Set[:], b[len(magic)+2:head])
	d := varint.NewDecoder(b[head:])
	f.KV = d.Prefixed()
	f.Rest = d.Prefixed()
	if !d.OK() || d.Len() != 0 {
		return File{}, ErrCorrupt
	}
	return f, nil
}

// IDLen is the length of an internal document id.
const IDLen = 3

const idBase = 255 // id bytes avoid 0xff, upsidedown's key separator

// MaxDocs is the number of documents an index can hold.
const MaxDocs = idBase * idBase * idBase

// DocID returns the internal id of the n-th document: three bytes, big
// endian in base 255, so byte order is document order.
func DocID(n int) []byte {
	return []byte{byte(n / (idBase * idBase)), byte(n / idBase % idBase), byte(n % idBase)}
}

// DocNum returns the document number of an internal id, or -1.
func DocNum(id []byte) int {
	if len(id) != IDLen || id[0] == 0xff || id[1] == 0xff || id[2] == 0xff {
		return -1
	}
	return int(id[0])*idBase*idBase + int(id[1])*idBase + int(id[2])
}

// Kinds lists the document kinds in the order results of equal score are
// shown; documents of one service are stored in this order too.
// A removed action or service (its tombstone page) ranks after the live
// ones.
var Kinds = []string{"service", "action", RemovedAction, "resource", "condition", "policy", "example", "guide", RemovedService}

// The kinds of what the catalog's history says was removed: their pages
// are tombstones.
const (
	RemovedAction  = "removed-action"
	RemovedService = "removed-service"
)

// NamedAction reports whether documents of kind k are in the order by
// action name (Table.ByName): the actions, live and removed.
func NamedAction(k string) bool { return k == "action" || k == RemovedAction }

// KindRank is the place of kind k in Kinds; unknown kinds come last.
func KindRank(k string) int {
	if i := slices.Index(Kinds, k); i >= 0 {
		return i
	}
	return len(Kinds)
}

// Doc is the display metadata of one document.
type Doc struct {
	Kind, ID, Title, URL, Service, AccessLevel, Description string
	// AccessOverride is a corrected access level (policy_sentry's), "" when
	// none.
	AccessOverride string
	// Risk is the risk categories of a sensitive action, "" when none.
	Risk string
	// Removed is the date of the first snapshot without a removed action
	// or service ("2026-05-10"), "" for everything else.
	Removed string
	// ARNs are a resource type's ARN formats, and Actions the documents
	// (by number) of the actions that take it, ascending; both in the
	// descriptions part.
	ARNs    []string
	Actions []int32
}

// Name returns the part of the id after "prefix:", or the whole id.
func (d *Doc) Name() string {
	if i := strings.IndexByte(d.ID, ':'); i >= 0 {
		return d.ID[i+1:]
	}
	return d.ID
}

// GrantsPrefix is the usual start of an action description.
const GrantsPrefix = "Grants permission to "

// Strings that depend on the document (title, URL, description) are stored
// with the parts they share with the document's id or service replaced by
// one-byte markers; most titles and URLs then become identical strings that
// compress to almost nothing.
const (
	mID      = 1
	mName    = 2
	mLName   = 3
	mService = 4
	mGrants  = 5
	mKind    = 6
	mLiteral = 7 // the string is stored as is
)

func (d *Doc) sub(m byte) string {
	switch m {
	case mID:
		return d.ID
	case mName:
		return d.Name()
	case mLName:
		return strings.ToLower(d.Name())
	case mService:
		return d.Service
	case mGrants:
		return GrantsPrefix
	case mKind:
		return d.Kind
	}
	return ""
}

func encodeStr(d *Doc, s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] <= mLiteral {
			return "\x07" + s
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		matched := false
		for m := byte(mID); m < mLiteral; m++ {
			if p := d.sub(m); p != "" && strings.HasPrefix(s[i:], p) {
				b.WriteByte(m)
				i += len(p)
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}

func decodeStr(d *Doc, s string) string {
	if strings.HasPrefix(s, "\x07") {
		return s[1:]
	}
	if strings.IndexFunc(s, func(r rune) bool { return r < mLiteral }) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= mID && c < mLiteral {
			b.WriteString(d.sub(c))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// EncodeDocs encodes the document table, all but the descriptions
// (EncodeDescriptions). Layout (uvarints): the string tables of kinds,
// access levels (with the risk strings and removal dates) and services;
// then columns of per-document references into them (access levels twice:
// the official one and the override; then the risk and the removal date),
// the ids (front coded), titles and
// URLs (with markers, see above); then two orders of the documents, as
// internal ids
// (DocID, three bytes each): every document by lower-cased id, and the
// actions, live and removed (NamedAction), by lower-cased name (Doc.Name), each in document order among
// equals. The engine finds ids and names typed in any case, and names by
// their beginning, by binary search in these, in place.
func EncodeDocs(docs []Doc) []byte {
	var kinds, access, services strTable
	var cKind, cAccess, cService, cOverride, cRisk, cRemoved, cID, cTitle, cURL []byte
	prev := ""
	for i := range docs {
		d := &docs[i]
		cKind = binary.AppendUvarint(cKind, kinds.ref(d.Kind))
		cAccess = binary.AppendUvarint(cAccess, access.ref(d.AccessLevel))
		cService = binary.AppendUvarint(cService, services.ref(d.Service))
		cOverride = binary.AppendUvarint(cOverride, access.ref(d.AccessOverride))
		cRisk = binary.AppendUvarint(cRisk, access.ref(d.Risk))
		cRemoved = binary.AppendUvarint(cRemoved, access.ref(d.Removed))
		p := commonPrefix(prev, d.ID)
		cID = binary.AppendUvarint(cID, uint64(p))
		cID = varint.AppendPrefixed(cID, d.ID[p:])
		prev = d.ID
		cTitle = varint.AppendPrefixed(cTitle, encodeStr(d, d.Title))
		cURL = varint.AppendPrefixed(cURL, encodeStr(d, d.URL))
	}
	byID, byName := orders(docs)
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(docs)))
	for _, t := range []*strTable{&kinds, &access, &services} {
		out = binary.AppendUvarint(out, uint64(len(t.list)))
		for _, s := range t.list {
			out = varint.AppendPrefixed(out, s)
		}
	}
	for _, c := range [][]byte{cKind, cAccess, cService, cOverride, cRisk, cRemoved, cID, cTitle, cURL, byID, byName} {
		out = varint.AppendPrefixed(out, c)
	}
	return out
}

// EncodeDescriptions encodes the descriptions of docs, in order, each
// with the markers of its document (see above), then the resource types'
// ARN formats and actions: the number of documents with ARN formats, and
// for each (ascending) its number as the difference from the one before,
// the number of its formats, each format (with markers), the number of
// its actions and their numbers (ascending), the first as the zig-zag
// difference from the document's, the others as the differences from the
// one before.
func EncodeDescriptions(docs []Doc) []byte {
	var out []byte
	n := 0
	for i := range docs {
		out = varint.AppendPrefixed(out, encodeStr(&docs[i], docs[i].Description))
		if len(docs[i].ARNs) > 0 {
			n++
		}
	}
	out = binary.AppendUvarint(out, uint64(n))
	prev := 0
	for i := range docs {
		d := &docs[i]
		if len(d.ARNs) == 0 {
			continue
		}
		out = binary.AppendUvarint(out, uint64(i-prev))
		prev = i
		out = binary.AppendUvarint(out, uint64(len(d.ARNs)))
		for _, a := range d.ARNs {
			out = varint.AppendPrefixed(out, encodeStr(d, a))
		}
		out = binary.AppendUvarint(out, uint64(len(d.Actions)))
		last := int64(i)
		for j, a := range d.Actions {
			if j == 0 {
				out = binary.AppendVarint(out, int64(a)-last)
			} else {
				out = binary.AppendUvarint(out, uint64(int64(a)-last))
			}
			last = int64(a)
		}
	}
	return out
}

// ARNEntry is a resource type's ARN formats and the actions that take
// it.
type ARNEntry struct {
	Doc     int32
	Formats []string
	Actions []int32 // document numbers, ascending
}

// orders returns the documents by lower-cased id and the actions by
// lower-cased name, as concatenated internal ids.
func orders(docs []Doc) (byID, byName []byte) {
	type key struct {
		s string
		n int
	}
	var ids, names []key
	for i := range docs {
		ids = append(ids, key{strings.ToLower(docs[i].ID), i})
		if NamedAction(docs[i].Kind) {
			names = append(names, key{strings.ToLower(docs[i].Name()), i})
		}
	}
	for _, ks := range [][]key{ids, names} {
		slices.SortFunc(ks, func(a, b key) int { return cmp.Or(strings.Compare(a.s, b.s), cmp.Compare(a.n, b.n)) })
	}
	for _, k := range ids {
		byID = append(byID, DocID(k.n)...)
	}
	for _, k := range names {
		byName = append(byName, DocID(k.n)...)
	}
	return byID, byName
}

// Table is a decoded document table. Kind, ID, Service, AccessLevel,
// AccessOverride and Risk of every document are decoded up front; Title,
// URL and Description (once WithDescriptions added them) are decoded on
// demand by Full.
type Table struct {
	Docs []Doc
	// Refs are the documents' kinds, access levels and services as
	// indexes into Kinds, Access and Services.
	Refs                    []Refs
	Kinds, Access, Services []string
	raw                     [][2]span // encoded title and URL
	title, url              []byte    // their columns
	descs                   []span    // encoded descriptions, nil without them
	desc                    []byte    // their column
	arns                    []ARNEntry
	byID, byName            []byte // internal ids (see EncodeDocs)
}

// ByID returns the documents in order of lower-cased id: ByID()(i) is
// the i-th of n.
func (t *Table) ByID() (at func(i int) int32, n int) { return order(t.byID) }

// ByName returns the actions, live and removed, in order of lower-cased
// name.
func (t *Table) ByName() (at func(i int) int32, n int) { return order(t.byName) }

func order(b []byte) (func(i int) int32, int) {
	return func(i int) int32 { return int32(DocNum(b[i*IDLen : (i+1)*IDLen])) }, len(b) / IDLen
}

// Refs locate a document's strings in its table's string tables (Risk and
// Removed in Access).
type Refs struct{ Kind, Access, Service, Override, Risk, Removed uint16 }

// Full returns document i with every field decoded.
func (t *Table) Full(i int) Doc {
	d := t.Docs[i]
	d.Title = decodeStr(&d, string(t.title[t.raw[i][0].start:t.raw[i][0].end]))
	d.URL = decodeStr(&d, string(t.url[t.raw[i][1].start:t.raw[i][1].end]))
	if t.descs != nil {
		d.Description = decodeStr(&d, string(t.desc[t.descs[i].start:t.descs[i].end]))
	}
	return d
}

// HasDescriptions reports whether the table has the documents'
// descriptions.
func (t *Table) HasDescriptions() bool { return t.descs != nil }

// WithDescriptions returns a table like t with the descriptions b
// (EncodeDescriptions) of its documents. It keeps slices of b.
func (t *Table) WithDescriptions(b []byte) (*Table, error) {
	if len(b) >= 1<<32 {
		return nil, ErrCorrupt
	}
	nt := *t
	nt.desc = b
	nt.descs = make([]span, len(t.Docs))
	pos := 0
	for i := range nt.descs {
		l, k := uint64(0), 1
		if pos < len(b) && b[pos] < 0x80 { // nearly always: one byte, read inline
			l = uint64(b[pos])
		} else {
			l, k = binary.Uvarint(b[pos:])
		}
		if k <= 0 || l > uint64(len(b)-pos-k) {
			return nil, ErrCorrupt
		}
		pos += k
		nt.descs[i] = span{uint32(pos), uint32(pos) + uint32(l)}
		pos += int(l)
	}
	arns, err := decodeARNs(&nt, b[pos:])
	if err != nil {
		return nil, err
	}
	nt.arns = arns
	return &nt, nil
}

// decodeARNs reads the ARN section of the descriptions part (see
// EncodeDescriptions).
func decodeARNs(t *Table, b []byte) ([]ARNEntry, error) {
	d := varint.NewDecoder(b)
	n := d.Uvarint()
	if n > uint64(len(t.Docs)) {
		return nil, ErrCorrupt
	}
	out := make([]ARNEntry, 0, n)
	doc := uint64(0)
	for i := uint64(0); i < n && d.OK(); i++ {
		step := d.Uvarint()
		if (i > 0 && step == 0) || step >= uint64(len(t.Docs))-doc {
			return nil, ErrCorrupt
		}
		doc += step
		e := ARNEntry{Doc: int32(doc)}
		nf := d.Uvarint()
		if nf == 0 || nf > uint64(d.Len()) {
			return nil, ErrCorrupt
		}
		meta := &t.Docs[doc]
		for j := uint64(0); j < nf && d.OK(); j++ {
			e.Formats = append(e.Formats, decodeStr(meta, string(d.Prefixed())))
		}
		na := d.Uvarint()
		if na > uint64(d.Len()) {
			return nil, ErrCorrupt
		}
		last := int64(doc)
		for j := uint64(0); j < na && d.OK(); j++ {
			var a int64
			if j == 0 {
				a = last + d.Varint()
			} else {
				step := d.Uvarint()
				if step == 0 || step > uint64(len(t.Docs)) {
					return nil, ErrCorrupt
				}
				a = last + int64(step)
			}
			if a < 0 || a >= int64(len(t.Docs)) {
				return nil, ErrCorrupt
			}
			e.Actions = append(e.Actions, int32(a))
			last = a
		}
		out = append(out, e)
	}
	if !d.OK() || d.Len() != 0 {
		return nil, ErrCorrupt
	}
	return out, nil
}

// ARNs returns the resource types' ARN formats and actions, in document
// order; nil without the descriptions part.
func (t *Table) ARNs() []ARNEntry { return t.arns }

// DecodeDocs decodes a table written by EncodeDocs. The table keeps
// slices of b, which must not change afterwards.
func DecodeDocs(b []byte) (*Table, error) {
	d := varint.NewDecoder(b)
	n := d.Uvarint()
	if n > uint64(len(b)) {
		return nil, ErrCorrupt
	}
	var tables [3][]string
	for i := range tables {
		m := d.Uvarint()
		if m > uint64(len(b)) || m > 1<<16 {
			return nil, ErrCorrupt
		}
		for j := uint64(0); j < m && d.OK(); j++ {
			tables[i] = append(tables[i], string(d.Prefixed()))
		}
	}
	var cols [ncols][]byte
	for i := range cols {
		cols[i] = d.Prefixed()
	}
	if !d.OK() || d.Len() != 0 || len(b) >= 1<<32 {
		return nil, ErrCorrupt
	}
	t := &Table{
		Docs: make([]Doc, n), Refs: make([]Refs, n), raw: make([][2]span, n),
		Kinds: tables[0], Access: tables[1], Services: tables[2],
		title: cols[colTitle], url: cols[colURL],
	}
	// One pass over the columns. Nearly every number in them is below
	// 128, one byte, and is read inline: calls are dear in Go's
	// WebAssembly, where this runs on the way to the first results.
	var pos [ncols]uint32
	num := func(c int) (uint64, bool) {
		if i := pos[c]; int(i) < len(cols[c]) && cols[c][i] < 0x80 {
			pos[c] = i + 1
			return uint64(cols[c][i]), true
		}
		v, k := binary.Uvarint(cols[c][pos[c]:])
		pos[c] += uint32(max(k, 0))
		return v, k > 0
	}
	// The ids, front coded, are rebuilt into one string that each
	// document's id is a slice of.
	var ids []byte
	idEnd := make([]uint32, n)
	prev := 0
	for i := range t.Docs {
		r := &t.Refs[i]
		k, ok1 := num(colKind)
		a, ok2 := num(colAccess)
		sv, ok3 := num(colService)
		o, ok4 := num(colOverride)
		rk, ok5 := num(colRisk)
		rm, ok6 := num(colRemoved)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || k >= uint64(len(tables[0])) || a >= uint64(len(tables[1])) ||
			sv >= uint64(len(tables[2])) || o >= uint64(len(tables[1])) || rk >= uint64(len(tables[1])) || rm >= uint64(len(tables[1])) {
			return nil, ErrCorrupt
		}
		r.Kind, r.Access, r.Service, r.Override, r.Risk, r.Removed = uint16(k), uint16(a), uint16(sv), uint16(o), uint16(rk), uint16(rm)
		doc := &t.Docs[i]
		doc.Kind, doc.AccessLevel, doc.Service, doc.AccessOverride, doc.Risk, doc.Removed = tables[0][k], tables[1][a], tables[2][sv], tables[1][o], tables[1][rk], tables[1][rm]
		p, ok1 := num(colID)
		l, ok2 := num(colID)
		if !ok1 || !ok2 || p > uint64(len(ids)-prev) || l > uint64(len(cols[colID]))-uint64(pos[colID]) || len(ids) >= 1<<32-1<<16 {
			return nil, ErrCorrupt
		}
		start := len(ids)
		ids = append(ids, ids[prev:prev+int(p)]...)
		ids = append(ids, cols[colID][pos[colID]:pos[colID]+uint32(l)]...)
		pos[colID] += uint32(l)
		prev = start
		idEnd[i] = uint32(len(ids))
		for j, c := range [2]int{colTitle, colURL} {
			l, ok := num(c)
			if !ok || l > uint64(len(cols[c]))-uint64(pos[c]) {
				return nil, ErrCorrupt
			}
			t.raw[i][j] = span{pos[c], pos[c] + uint32(l)}
			pos[c] += uint32(l)
		}
	}
	for c := range colByID {
		if int(pos[c]) != len(cols[c]) {
			return nil, ErrCorrupt
		}
	}
	// The orders: whole ids of documents of this table.
	for _, c := range cols[colByID:] {
		if len(c)%IDLen != 0 {
			return nil, ErrCorrupt
		}
		for i := 0; i < len(c); i += IDLen {
			if k := DocNum(c[i : i+IDLen]); k < 0 || uint64(k) >= n {
				return nil, ErrCorrupt
			}
		}
	}
	t.byID, t.byName = cols[colByID], cols[colByName]
	all := string(ids)
	start := uint32(0)
	for i := range t.Docs {
		t.Docs[i].ID = all[start:idEnd[i]]
		start = idEnd[i]
	}
	return t, nil
}

// The columns of a document table, in file order.
const (
	colKind = iota
	colAccess
	colService
	colOverride
	colRisk
	colRemoved
	colID
	colTitle
	colURL
	colByID
	colByName
	ncols
)

// span is where a string of a document lies in its column.
type span struct{ start, end uint32 }

type strTable struct {
	list []string
	idx  map[string]uint64
}

func (t *strTable) ref(s string) uint64 {
	if t.idx == nil {
		t.idx = map[string]uint64{}
	}
	if r, ok := t.idx[s]; ok {
		return r
	}
	r := uint64(len(t.list))
	t.idx[s] = r
	t.list = append(t.list, s)
	return r
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
