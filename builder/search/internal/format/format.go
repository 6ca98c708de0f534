// Package format defines the search index file: a small container holding
// the upsidedown KV table (package flatkv) and a compact table of the
// documents' display metadata, plus the internal document ids that tie the
// two together.
//
// File layout:
//
//	"IAMREFSX" magic, version byte
//	uvarint length, KV table (flatkv encoding)
//	uvarint length, document table (see EncodeDocs)
package format

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
)

const magic = "IAMREFSX"

// Version is the file format version.
const Version = 4

// ErrCorrupt is returned for bytes that are not a valid index file.
var ErrCorrupt = errors.New("search index: corrupt or not an index file")

// Join builds the file from its two sections.
func Join(kv, docs []byte) []byte {
	out := make([]byte, 0, len(magic)+1+len(kv)+len(docs)+20)
	out = append(out, magic...)
	out = append(out, Version)
	out = binary.AppendUvarint(out, uint64(len(kv)))
	out = append(out, kv...)
	out = binary.AppendUvarint(out, uint64(len(docs)))
	out = append(out, docs...)
	return out
}

// Split returns the two sections of a file.
func Split(b []byte) (kv, docs []byte, err error) {
	if len(b) < len(magic)+1 || string(b[:len(magic)]) != magic {
		return nil, nil, ErrCorrupt
	}
	if b[len(magic)] != Version {
		return nil, nil, fmt.Errorf("search index: format version %d, want %d", b[len(magic)], Version)
	}
	d := &dec{b: b[len(magic)+1:]}
	kv = d.bytes(d.uvarint())
	docs = d.bytes(d.uvarint())
	if d.err != nil || len(d.b) != 0 {
		return nil, nil, ErrCorrupt
	}
	return kv, docs, nil
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

// Doc is the display metadata of one document.
type Doc struct {
	Kind, ID, Title, URL, Service, AccessLevel, Description string
	// AccessOverride is a corrected access level (policy_sentry's), "" when
	// none.
	AccessOverride string
	// Risk is the risk categories of a sensitive action, "" when none.
	Risk string
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

// EncodeDocs encodes the document table. Layout (uvarints): the string
// tables of kinds, access levels (with the risk strings) and services; then
// columns of per-document references into them (access levels twice: the
// official one and the override; then the risk), the ids (front coded), titles, URLs and descriptions (with
// markers, see above); then two orders of the documents, as internal ids
// (DocID, three bytes each): every document by lower-cased id, and the
// actions by lower-cased name (Doc.Name), each in document order among
// equals. The engine finds ids and names typed in any case, and names by
// their beginning, by binary search in these, in place.
func EncodeDocs(docs []Doc) []byte {
	var kinds, access, services strTable
	var cKind, cAccess, cService, cOverride, cRisk, cID, cTitle, cURL, cDesc []byte
	prev := ""
	for i := range docs {
		d := &docs[i]
		cKind = binary.AppendUvarint(cKind, kinds.ref(d.Kind))
		cAccess = binary.AppendUvarint(cAccess, access.ref(d.AccessLevel))
		cService = binary.AppendUvarint(cService, services.ref(d.Service))
		cOverride = binary.AppendUvarint(cOverride, access.ref(d.AccessOverride))
		cRisk = binary.AppendUvarint(cRisk, access.ref(d.Risk))
		p := commonPrefix(prev, d.ID)
		cID = binary.AppendUvarint(cID, uint64(p))
		cID = appendStr(cID, d.ID[p:])
		prev = d.ID
		cTitle = appendStr(cTitle, encodeStr(d, d.Title))
		cURL = appendStr(cURL, encodeStr(d, d.URL))
		cDesc = appendStr(cDesc, encodeStr(d, d.Description))
	}
	byID, byName := orders(docs)
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(docs)))
	for _, t := range []*strTable{&kinds, &access, &services} {
		out = binary.AppendUvarint(out, uint64(len(t.list)))
		for _, s := range t.list {
			out = appendStr(out, s)
		}
	}
	for _, c := range [][]byte{cKind, cAccess, cService, cOverride, cRisk, cID, cTitle, cURL, cDesc, byID, byName} {
		out = binary.AppendUvarint(out, uint64(len(c)))
		out = append(out, c...)
	}
	return out
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
		if docs[i].Kind == "action" {
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
// AccessOverride and Risk of every document are decoded up front; Title, URL and Description are
// decoded on demand by Full.
type Table struct {
	Docs []Doc
	// Refs are the documents' kinds, access levels and services as
	// indexes into Kinds, Access and Services.
	Refs                    []Refs
	Kinds, Access, Services []string
	raw                     [][3]span // encoded title, URL, description
	title, url, desc        []byte    // their columns
	byID, byName            []byte    // internal ids (see EncodeDocs)
}

// ByID returns the documents in order of lower-cased id: ByID()(i) is
// the i-th of n.
func (t *Table) ByID() (at func(i int) int32, n int) { return order(t.byID) }

// ByName returns the actions in order of lower-cased name.
func (t *Table) ByName() (at func(i int) int32, n int) { return order(t.byName) }

func order(b []byte) (func(i int) int32, int) {
	return func(i int) int32 { return int32(DocNum(b[i*IDLen : (i+1)*IDLen])) }, len(b) / IDLen
}

// Refs locate a document's strings in its table's string tables (Risk in
// Access).
type Refs struct{ Kind, Access, Service, Override, Risk uint16 }

// Full returns document i with every field decoded.
func (t *Table) Full(i int) Doc {
	d := t.Docs[i]
	d.Title = decodeStr(&d, string(t.title[t.raw[i][0].start:t.raw[i][0].end]))
	d.URL = decodeStr(&d, string(t.url[t.raw[i][1].start:t.raw[i][1].end]))
	d.Description = decodeStr(&d, string(t.desc[t.raw[i][2].start:t.raw[i][2].end]))
	return d
}

// DecodeDocs decodes a table written by EncodeDocs. The table keeps
// slices of b, which must not change afterwards.
func DecodeDocs(b []byte) (*Table, error) {
	d := &dec{b: b}
	n := d.uvarint()
	if n > uint64(len(b)) {
		return nil, ErrCorrupt
	}
	var tables [3][]string
	for i := range tables {
		m := d.uvarint()
		if m > uint64(len(b)) || m > 1<<16 {
			return nil, ErrCorrupt
		}
		for j := uint64(0); j < m && d.err == nil; j++ {
			tables[i] = append(tables[i], d.str())
		}
	}
	var cols [ncols][]byte
	for i := range cols {
		cols[i] = d.bytes(d.uvarint())
	}
	if d.err != nil || len(d.b) != 0 || len(b) >= 1<<32 {
		return nil, ErrCorrupt
	}
	t := &Table{
		Docs: make([]Doc, n), Refs: make([]Refs, n), raw: make([][3]span, n),
		Kinds: tables[0], Access: tables[1], Services: tables[2],
		title: cols[colTitle], url: cols[colURL], desc: cols[colDesc],
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
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || k >= uint64(len(tables[0])) || a >= uint64(len(tables[1])) ||
			sv >= uint64(len(tables[2])) || o >= uint64(len(tables[1])) || rk >= uint64(len(tables[1])) {
			return nil, ErrCorrupt
		}
		r.Kind, r.Access, r.Service, r.Override, r.Risk = uint16(k), uint16(a), uint16(sv), uint16(o), uint16(rk)
		doc := &t.Docs[i]
		doc.Kind, doc.AccessLevel, doc.Service, doc.AccessOverride, doc.Risk = tables[0][k], tables[1][a], tables[2][sv], tables[1][o], tables[1][rk]
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
		for j, c := range [3]int{colTitle, colURL, colDesc} {
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
	colID
	colTitle
	colURL
	colDesc
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

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
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

type dec struct {
	b   []byte
	err error
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = ErrCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = ErrCorrupt
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

func (d *dec) str() string { return string(d.bytes(d.uvarint())) }
