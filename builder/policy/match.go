package policy

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/iampattern"
)

// index is the catalog arranged for pattern matching. Every action has a
// number, its position in catalog order (prefix, then name), so a set of
// actions is a sorted []int32.
type index struct {
	actions  []*catalog.Action
	ids      []string           // lower-case "prefix:name", by number
	exact    map[string][]int32 // lower-case id → numbers (IAM folds case; two names may fold alike)
	prefixes []*prefixIndex     // sorted by lower-case prefix
	byPrefix map[string]*prefixIndex
	sorted   []int32 // numbers sorted by lower-case id, for patterns without a colon
	// split is true when no prefix and no name holds a colon, so that a
	// pattern's first colon must stand for the one colon of an id.
	split bool
}

type prefixIndex struct {
	prefix     string // lower case
	service    *catalog.Service
	first, end int32    // the service's numbers are first..end-1
	names      []string // lower-case names, sorted
	nums       []int32  // the number of names[i]

	// singular is each action's name in singular words (see singular),
	// by number - first, made when a suggestion first needs it: most
	// engines (the browser's, the command line's) never suggest in most
	// services, and making them all was 40 % of the index's cost.
	singularOnce sync.Once
	singular     []string
}

// singulars is the service's names in singular words, by number - first.
func (pi *prefixIndex) singulars(x *index) []string {
	pi.singularOnce.Do(func() {
		pi.singular = make([]string, pi.end-pi.first)
		for i := range pi.singular {
			pi.singular[i] = singular(x.actions[pi.first+int32(i)].Name)
		}
	})
	return pi.singular
}

// newIndex builds the index. The browser builds it before its first
// analysis, in WebAssembly, so it allocates in bulk: the lower-case ids
// are substrings of one string, the services' names and numbers slices of
// two arrays, exact's values slices of sorted; and it sorts only what is
// not in order already.
func newIndex(c *catalog.Catalog) *index {
	total := c.ActionCount()
	ids, ascii := lowerIDs(c, total)
	x := &index{
		actions:  make([]*catalog.Action, 0, total),
		ids:      ids,
		exact:    make(map[string][]int32, total),
		byPrefix: make(map[string]*prefixIndex, len(c.Services)),
		split:    true,
	}
	pis := make([]prefixIndex, len(c.Services))
	names, nums := make([]string, total), make([]int32, total)
	x.prefixes = make([]*prefixIndex, 0, len(c.Services))
	for i, s := range c.Services {
		pi := &pis[i]
		pi.prefix, pi.service, pi.first = strings.ToLower(s.Prefix), s, int32(len(x.actions))
		if ascii && strings.IndexByte(s.Prefix, ':') >= 0 {
			x.split = false
		}
		for _, a := range s.Actions {
			n := int32(len(x.actions))
			id := x.ids[n]
			// An ASCII id has as many colons as its prefix and name, and one.
			if ascii && strings.IndexByte(a.Name, ':') >= 0 || !ascii && strings.Count(id, ":") != 1 {
				x.split = false
			}
			x.actions = append(x.actions, a)
			names[n], nums[n] = id[len(pi.prefix)+1:], n
		}
		pi.end = int32(len(x.actions))
		pi.names, pi.nums = names[pi.first:pi.end:pi.end], nums[pi.first:pi.end:pi.end]
		if !sort.IsSorted(byName{pi}) {
			sort.Sort(byName{pi})
		}
		x.prefixes = append(x.prefixes, pi)
		x.byPrefix[pi.prefix] = pi
	}
	sort.Slice(x.prefixes, func(i, j int) bool { return x.prefixes[i].prefix < x.prefixes[j].prefix })
	x.sorted = x.sortedIDs(ascii)
	// Numbers of equal ids are neighbours in sorted, in ascending order.
	for i := 0; i < len(x.sorted); {
		id := x.ids[x.sorted[i]]
		j := i + 1
		for j < len(x.sorted) && x.ids[x.sorted[j]] == id {
			j++
		}
		x.exact[id] = x.sorted[i:j:j]
		i = j
	}
	return x
}

// sortedIDs is every number, sorted by lower-case id and then by number.
// When every id is ASCII with one colon, that is each service's names in
// order (prefixIndex.names, sorted so), the services in the order of
// their "prefix:": ids of two services never interleave, since the colon
// ends the shorter prefix before the names are compared.
func (x *index) sortedIDs(ascii bool) []int32 {
	sorted := make([]int32, 0, len(x.actions))
	if x.split && ascii {
		byColon := slices.Clone(x.prefixes)
		slices.SortFunc(byColon, func(a, b *prefixIndex) int { return compareColon(a.prefix, b.prefix) })
		for _, pi := range byColon {
			sorted = append(sorted, pi.nums...)
		}
		return sorted
	}
	for i := range x.actions {
		sorted = append(sorted, int32(i))
	}
	sort.Slice(sorted, func(i, j int) bool {
		a, b := x.ids[sorted[i]], x.ids[sorted[j]]
		if a != b {
			return a < b
		}
		return sorted[i] < sorted[j]
	})
	return sorted
}

// compareColon compares a+":" with b+":".
func compareColon(a, b string) int {
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	switch {
	case len(a) == len(b):
		return 0
	case len(a) < len(b):
		return cmp.Compare(byte(':'), b[n])
	}
	return cmp.Compare(a[n], byte(':'))
}

// lowerIDs is strings.ToLower of every action's ID, in catalog order, and
// whether they are all ASCII: then they are substrings of one string. (In
// WebAssembly, before the browser's first analysis, a loop over every
// byte of the catalog's names costs tens of milliseconds: they are copied
// at once and lowered eight bytes at a time.)
func lowerIDs(c *catalog.Catalog, total int) ([]string, bool) {
	size := 0
	for _, s := range c.Services {
		for _, a := range s.Actions {
			size += len(s.Prefix) + 1 + len(a.Name)
		}
	}
	buf := make([]byte, size)
	o := 0
	for _, s := range c.Services {
		for _, a := range s.Actions {
			o += copy(buf[o:], s.Prefix)
			buf[o] = ':'
			o++
			o += copy(buf[o:], a.Name)
		}
	}
	ids := make([]string, 0, total)
	if !lowerASCII(buf) {
		for _, s := range c.Services {
			for _, a := range s.Actions {
				ids = append(ids, strings.ToLower(a.ID()))
			}
		}
		return ids, false
	}
	all := string(buf)
	o = 0
	for _, s := range c.Services {
		for _, a := range s.Actions {
			n := len(s.Prefix) + 1 + len(a.Name)
			ids = append(ids, all[o:o+n])
			o += n
		}
	}
	return ids, true
}

// lowerASCII turns the ASCII capitals of b into small letters, eight bytes
// at a time, and reports whether b is all ASCII (when it is not, b may be
// left half done).
func lowerASCII(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	var seen uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		seen |= w
		h := w &^ highs
		// The high bit of each byte of upper: the byte is ASCII, at least
		// 'A' and at most 'Z' (no sum carries into the next byte).
		upper := (h + (0x80-'A')*ones) &^ (h + (0x80-'Z'-1)*ones) &^ w & highs
		binary.LittleEndian.PutUint64(b[i:], w|upper>>2) // 0x80>>2 is 'a'-'A'
	}
	for ; i < len(b); i++ {
		seen |= uint64(b[i])
		if 'A' <= b[i] && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return seen&highs == 0
}

// number is the action's number, if it is one of the index's.
func (x *index) number(a *catalog.Action) (int32, bool) {
	if a == nil || a.Service == nil {
		return 0, false
	}
	pi := x.byPrefix[strings.ToLower(a.Service.Prefix)]
	if pi == nil || pi.service != a.Service {
		return 0, false
	}
	// A service's actions are sorted by name (catalog.Service.Actions).
	acts := x.actions[pi.first:pi.end]
	lo, hi := 0, len(acts)
	for lo < hi {
		if m := int(uint(lo+hi) >> 1); acts[m].Name < a.Name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for i := lo; i < len(acts) && acts[i].Name == a.Name; i++ {
		if acts[i] == a {
			return pi.first + int32(i), true
		}
	}
	return 0, false
}

type byName struct{ *prefixIndex }

func (b byName) Len() int { return len(b.names) }
func (b byName) Less(i, j int) bool {
	if b.names[i] != b.names[j] {
		return b.names[i] < b.names[j]
	}
	return b.nums[i] < b.nums[j]
}
func (b byName) Swap(i, j int) {
	b.names[i], b.names[j] = b.names[j], b.names[i]
	b.nums[i], b.nums[j] = b.nums[j], b.nums[i]
}

// match appends to dst the number of every action pattern matches, in
// ascending order when dst is empty, and returns it.
//
// Literal patterns are one map lookup. A pattern "prefix:Name*" with a
// literal prefix narrows to that service and then, by binary search, to
// the names starting with the literal part before the first wildcard; a
// wildcard in the prefix part tries every prefix that matches it. Each
// candidate is confirmed with iampattern.Match, so the index only ever
// narrows and never decides on its own.
func (x *index) match(pattern string, dst []int32) []int32 {
	start := len(dst)
	for i := 0; i < len(pattern); i++ {
		if pattern[i] >= utf8.RuneSelf {
			// Unicode case folding can map non-ASCII letters onto ASCII ones
			// (the Kelvin sign onto k): no narrowing, check everything.
			for n, id := range x.ids {
				if iampattern.Match(pattern, id) {
					dst = append(dst, int32(n))
				}
			}
			return dst
		}
	}
	lp := strings.ToLower(pattern)
	if !iampattern.HasWildcard(lp) {
		return append(dst, x.exact[lp]...)
	}
	if lp == "*" {
		for n := range x.actions {
			dst = append(dst, int32(n))
		}
		return dst
	}
	pfx, name, hasColon := strings.Cut(lp, ":")
	if !hasColon || !x.split {
		// A wildcard must stand for the colon: narrow by the literal prefix
		// over all ids.
		lit := iampattern.LiteralPrefix(lp)
		i := sort.Search(len(x.sorted), func(i int) bool { return x.ids[x.sorted[i]] >= lit })
		for ; i < len(x.sorted) && strings.HasPrefix(x.ids[x.sorted[i]], lit); i++ {
			if n := x.sorted[i]; iampattern.Match(lp, x.ids[n]) {
				dst = append(dst, n)
			}
		}
		sortNums(dst[start:])
		return dst
	}
	// Catalog ids hold exactly one colon, so the pattern's first colon
	// stands for it: the prefix part matches the prefix, the rest the name.
	if !iampattern.HasWildcard(pfx) {
		if pi := x.byPrefix[pfx]; pi != nil {
			dst = pi.match(name, dst)
		}
	} else {
		for _, pi := range x.prefixes {
			if iampattern.Match(pfx, pi.prefix) {
				dst = pi.match(name, dst)
			}
		}
	}
	sortNums(dst[start:])
	return dst
}

func (pi *prefixIndex) match(name string, dst []int32) []int32 {
	if name == "*" {
		for n := pi.first; n < pi.end; n++ {
			dst = append(dst, n)
		}
		return dst
	}
	lit := iampattern.LiteralPrefix(name)
	if lit == name {
		i := sort.SearchStrings(pi.names, name)
		for ; i < len(pi.names) && pi.names[i] == name; i++ {
			dst = append(dst, pi.nums[i])
		}
		return dst
	}
	i := sort.SearchStrings(pi.names, lit)
	for ; i < len(pi.names) && strings.HasPrefix(pi.names[i], lit); i++ {
		if iampattern.Match(name, pi.names[i]) {
			dst = append(dst, pi.nums[i])
		}
	}
	return dst
}

func sortNums(s []int32) {
	if !sort.SliceIsSorted(s, func(i, j int) bool { return s[i] < s[j] }) {
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	}
}
