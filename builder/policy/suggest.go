package policy

import (
	"sort"
	"strings"
	"unicode"

	"github.com/iamref/iamref/builder/iampattern"
)

// maxSuggestions bounds the names offered for one unknown pattern.
const maxSuggestions = 3

// suggest offers catalog names for a pattern that matches nothing: the
// nearest action names of the same service when the prefix is known (edit
// distance with case folded, and names that differ only by plural forms of
// their words, such as ListMeetingReportData → ListMeetingsReportData), or
// the nearest prefixes when it is not. Only names of one service, or the
// prefixes, are ever compared, so it stays cheap.
func (x *index) suggest(pattern string) []string {
	pfx, name, ok := strings.Cut(pattern, ":")
	if !ok || pfx == "" {
		return nil
	}
	lpfx := strings.ToLower(pfx)
	if iampattern.HasWildcard(lpfx) {
		return nil
	}
	pi := x.byPrefix[lpfx]
	if pi == nil {
		return x.suggestPrefixes(lpfx, name)
	}
	if iampattern.HasWildcard(name) || name == "" {
		return nil
	}
	type cand struct {
		id    string
		score int // 2 × edit distance; 1 for a plural-only difference
	}
	var cands []cand
	lname := strings.ToLower(name)
	limit := maxDistance(len(lname))
	sing := singular(name)
	sings := pi.singulars(x)
	for i := pi.first; i < pi.end; i++ {
		a := x.actions[i]
		ln := x.ids[i][len(pi.prefix)+1:]
		score := -1
		if sings[i-pi.first] == sing {
			score = 1
		} else if d := distance(lname, ln, limit); d <= limit {
			score = 2 * d
		}
		if score >= 0 {
			cands = append(cands, cand{a.ID(), score})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score < cands[j].score })
	var out []string
	for _, c := range cands {
		if len(out) == maxSuggestions {
			break
		}
		out = append(out, c.id)
	}
	return out
}

func (x *index) suggestPrefixes(lpfx, name string) []string {
	type cand struct {
		pi *prefixIndex
		d  int
	}
	var cands []cand
	limit := maxDistance(len(lpfx))
	for _, pi := range x.prefixes {
		d := distance(lpfx, pi.prefix, limit)
		if d > limit && !(len(lpfx) >= 3 && (strings.HasPrefix(pi.prefix, lpfx+"-") || strings.HasPrefix(lpfx, pi.prefix+"-"))) {
			continue
		}
		cands = append(cands, cand{pi, d})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].d < cands[j].d })
	var out []string
	for _, c := range cands {
		if len(out) == maxSuggestions {
			break
		}
		// Offer the same name under the other prefix when it exists there.
		if hits := c.pi.match(strings.ToLower(name), nil); len(hits) > 0 {
			if len(hits) == 1 && !iampattern.HasWildcard(name) {
				out = append(out, x.actions[hits[0]].ID())
			} else {
				out = append(out, c.pi.service.Prefix+":"+name)
			}
			continue
		}
		out = append(out, c.pi.service.Prefix)
	}
	return out
}

// maxDistance is how many edits a suggestion may be away: more for longer names.
func maxDistance(n int) int {
	switch {
	case n <= 4:
		return 1
	case n <= 10:
		return 2
	}
	return 3
}

// distance is the Levenshtein distance of two lower-case strings (in bytes:
// catalog names are ASCII), or limit+1 when it exceeds limit.
func distance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	var buf [2][64]int
	prev, cur := buf[0][:0], buf[1][:0]
	if len(b)+1 > len(buf[0]) {
		prev, cur = make([]int, 0, len(b)+1), make([]int, 0, len(b)+1)
	}
	prev, cur = prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// singular folds an action name to its words in singular, lower case:
// "ListMeetingsReportData" and "ListMeetingReportData" both give
// "list meeting report data"; "ListPolicies" gives "list policy".
func singular(name string) string {
	var words []string
	start := 0
	rs := []rune(name)
	for i := 1; i <= len(rs); i++ {
		if i == len(rs) || unicode.IsUpper(rs[i]) && !unicode.IsUpper(rs[i-1]) {
			words = append(words, strings.ToLower(string(rs[start:i])))
			start = i
		}
	}
	for i, w := range words {
		switch {
		case len(w) > 4 && strings.HasSuffix(w, "ies"):
			words[i] = w[:len(w)-3] + "y"
		case len(w) > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
			words[i] = w[:len(w)-2]
		case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
			words[i] = w[:len(w)-1]
		}
	}
	return strings.Join(words, " ")
}
