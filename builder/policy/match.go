package policy

import (
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
	num      map[*catalog.Action]int32 // the number of each action
	ids      []string                  // lower-case "prefix:name", by number
	exact    map[string][]int32        // lower-case id → numbers (IAM folds case; two names may fold alike)
	prefixes []*prefixIndex            // sorted by lower-case prefix
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

func newIndex(c *catalog.Catalog) *index {
	x := &index{exact: map[string][]int32{}, byPrefix: map[string]*prefixIndex{}, num: map[*catalog.Action]int32{}, split: true}
	for _, s := range c.Services {
		pi := &prefixIndex{prefix: strings.ToLower(s.Prefix), service: s, first: int32(len(x.actions))}
		for _, a := range s.Actions {
			n := int32(len(x.actions))
			id := strings.ToLower(a.ID())
			if strings.Count(id, ":") != 1 {
				x.split = false
			}
			x.actions = append(x.actions, a)
			x.num[a] = n
			x.ids = append(x.ids, id)
			x.exact[id] = append(x.exact[id], n)
			pi.names = append(pi.names, id[len(pi.prefix)+1:])
			pi.nums = append(pi.nums, n)
		}
		pi.end = int32(len(x.actions))
		sort.Sort(byName{pi})
		x.prefixes = append(x.prefixes, pi)
		x.byPrefix[pi.prefix] = pi
	}
	sort.Slice(x.prefixes, func(i, j int) bool { return x.prefixes[i].prefix < x.prefixes[j].prefix })
	x.sorted = make([]int32, len(x.actions))
	for i := range x.sorted {
		x.sorted[i] = int32(i)
	}
	sort.Slice(x.sorted, func(i, j int) bool { return x.ids[x.sorted[i]] < x.ids[x.sorted[j]] })
	return x
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
