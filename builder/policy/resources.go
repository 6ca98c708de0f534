package policy

import (
	"fmt"
	"slices"
	"strings"
)

// RESOURCE_MISMATCH: the resources of a statement against the ARN formats
// of its actions' resource types. Both sides are patterns: the policy's
// ARNs hold "*", "?" and policy variables, the catalog's formats hold
// ${Placeholders}; a resource fits a resource type when some ARN matches
// both, segment by segment as IAM documents it ("wildcards … within ARN
// segments (the parts separated by colons)"). The checks stay quiet where
// the catalog cannot tell (a resource type it does not define, a format
// that is no ARN), and speak mildly where it may lag: when a resource has
// a form none of its service's resource types has (a type added since the
// catalog's snapshot), or an action has no resource type at all.

// resources checks an Allow or Deny with Action and a Resource list
// without "*".
func (c *checker) resources(sc *scratch, st *Statement) {
	if !st.HasAction || !st.HasResource || st.HasNotResource || st.AllResources() || len(st.Resource) == 0 {
		return
	}
	res := make([]arnPattern, 0, len(st.Resource))
	for _, r := range st.Resource {
		if strings.HasPrefix(r.Text, "arn:") {
			res = append(res, newARNPattern(r.Text, resourceTokens))
		}
	}
	if len(res) < len(st.Resource) {
		return // a malformed ARN or a service's short form: reported, or cannot tell
	}
	fitRes := make([]bool, len(res))
	if c.fit.memo == nil {
		c.fit.memo = map[string][]bool{}
	}
	clear(c.fit.memo)
	allKnown := true
	known := 0 // whether every resource has a form its service knows: 0 not asked yet, 1 yes, 2 no
	for _, p := range st.Action {
		nums := c.e.match(sc, p.Text, nil)
		if len(nums) == 0 {
			allKnown = false
			continue
		}
		fits := false
		var first []string // the formats of the first action, for the message
		for i, n := range nums {
			ok, formats := c.e.actionFits(n, res, fitRes, &c.fit)
			fits = fits || ok
			if i == 0 {
				first = formats
			}
		}
		if fits {
			continue
		}
		a := c.e.x.actions[nums[0]]
		var msg string
		sev := Warning
		if known == 0 {
			known = 2
			if c.knownForms(st, res) {
				known = 1
			}
		}
		if known == 2 {
			sev = Info // the catalog may not know the resource's form yet
		}
		switch {
		case len(nums) > 1:
			msg = fmt.Sprintf("none of the %d actions %s matches applies to the statement's resources (their ARN formats do not fit them)", len(nums), p.Text)
		case len(first) == 0:
			// The catalog may lack the action's resource types: say so mildly.
			sev = Info
			msg = fmt.Sprintf("the catalog lists no resource type for %s: IAM then matches it only against \"Resource\": \"*\"", a.ID())
		default:
			msg = fmt.Sprintf("%s applies to %s; none of the statement's resources has that form", a.ID(), strings.Join(first, " or "))
		}
		if st.Effect == Allow {
			msg += ", so the statement does not allow it"
		} else {
			msg += ", so the statement does not deny it"
		}
		c.add(Finding{Code: CodeResourceMismatch, Severity: sev, Line: p.Line, Col: p.Col, Message: msg})
	}
	if !allKnown {
		return
	}
	for i, r := range st.Resource {
		if !fitRes[i] {
			c.add(Finding{Code: CodeResourceMismatch, Severity: Info, Line: r.Line, Col: r.Col,
				Message: fmt.Sprintf("resource %q fits the ARN format of none of the statement's actions' resource types", r.Text)})
		}
	}
}

// knownForms reports whether every resource of the statement has the form
// of a resource type its service defines in the catalog.
func (c *checker) knownForms(st *Statement, res []arnPattern) bool {
	for i, r := range st.Resource {
		svc := ""
		if parts := strings.SplitN(r.Text, ":", 4); len(parts) == 4 {
			svc = parts[2]
		}
		s := c.e.cat.Service(svc)
		if s == nil {
			return false
		}
		known := false
		for _, rt := range s.ResourceTypes {
			if strings.HasPrefix(rt.ARN, "arn:") && c.fit.fits(c.e.formatPattern(rt.ARN), res[i]) {
				known = true
				break
			}
		}
		if !known {
			return false
		}
	}
	return true
}

// actionFits reports whether one of the resources fits a resource type of
// the action (or when the catalog cannot tell), marking in fitRes the
// resources that fit one. An action without resource types fits none, but
// marks every resource: what it would accept is not the catalog's to say.
// It returns the action's ARN formats too.
func (e *Engine) actionFits(n int32, res []arnPattern, fitRes []bool, buf *fitBuffers) (bool, []string) {
	a := e.x.actions[n]
	var formats []string
	fits, unsure := false, false
	for _, r := range a.ResourceTypes {
		if r.Name == "" {
			continue
		}
		if r.Type == nil || !strings.HasPrefix(r.Type.ARN, "arn:") {
			unsure = true // a dangling type, a broken format: cannot tell
			continue
		}
		if !slices.Contains(formats, r.Type.ARN) {
			formats = append(formats, r.Type.ARN)
		}
		hits, ok := buf.memo[r.Type.ARN]
		if !ok {
			ft := e.formatPattern(r.Type.ARN)
			hits = make([]bool, len(res))
			for i, x := range res {
				hits[i] = buf.fits(ft, x)
			}
			buf.memo[r.Type.ARN] = hits
		}
		for i, h := range hits {
			if h {
				fits = true
				fitRes[i] = true
			}
		}
	}
	if unsure || len(formats) == 0 {
		for i := range fitRes {
			fitRes[i] = true
		}
		return unsure, formats
	}
	return fits, formats
}

// arnPattern is an ARN format or resource read into tokens: the whole, and
// its six colon-separated parts when it has them (the sixth keeps any
// further colons), which IAM matches one by one.
type arnPattern struct {
	toks  []token
	parts [][]token // nil when the ARN has fewer than six parts
}

func newARNPattern(arn string, read func(string) []token) arnPattern {
	fs := strings.SplitN(arn, ":", 6)
	if len(fs) < 6 {
		return arnPattern{toks: read(arn)}
	}
	p := arnPattern{parts: make([][]token, 6)}
	for i, f := range fs {
		p.parts[i] = read(f)
	}
	return p
}

// fits reports whether some ARN matches both patterns: part by part when
// both have six, else as wholes.
func (buf *fitBuffers) fits(a, b arnPattern) bool {
	if a.parts == nil || b.parts == nil {
		return buf.intersects(a.whole(), b.whole())
	}
	// The service part first: it tells most pairs apart.
	for _, i := range [...]int{2, 0, 1, 3, 4, 5} {
		if !buf.intersects(a.parts[i], b.parts[i]) {
			return false
		}
	}
	return true
}

// whole is the pattern's tokens as one sequence, colons included.
func (p arnPattern) whole() []token {
	if p.parts == nil {
		return p.toks
	}
	var out []token
	for i, part := range p.parts {
		if i > 0 {
			out = append(out, token{kind: 'c', c: ':'})
		}
		out = append(out, part...)
	}
	return out
}

// formatPattern returns a catalog ARN format read into tokens, once.
func (e *Engine) formatPattern(format string) arnPattern {
	if v, ok := e.formats.Load(format); ok {
		return v.(arnPattern)
	}
	t := newARNPattern(format, formatTokens)
	e.formats.Store(format, t)
	return t
}

// token is one element of a pattern: a character, any one character, or
// a run of characters of a class (which may be empty).
type token struct {
	kind byte // 'c' a character, '?' any one, '*' a run
	c    byte // for 'c'
	not  byte // for '*': what the run may not hold, one of the classes below
}

// The characters a run may not hold.
const (
	anyChar      = 0
	noColon      = 1 // ${Partition}, ${Region}, ${Account}
	noColonSlash = 2 // ${BucketName}
)

// formatTokens reads a catalog ARN format: ${Partition}, ${Region} and
// ${Account} stand for runs without a colon, ${BucketName} for one without
// a slash or a colon (bucket and object ARNs differ by the slash); any
// other placeholder, and a literal "*", for any run.
func formatTokens(f string) []token {
	out := make([]token, 0, len(f))
	for i := 0; i < len(f); i++ {
		if f[i] == '$' && i+1 < len(f) && f[i+1] == '{' {
			if end := strings.IndexByte(f[i:], '}'); end > 0 {
				switch f[i+2 : i+end] {
				case "Partition", "Region", "Account":
					out = append(out, token{kind: '*', not: noColon})
				case "BucketName":
					out = append(out, token{kind: '*', not: noColonSlash})
				default:
					out = append(out, token{kind: '*'})
				}
				i += end
				continue
			}
		}
		if f[i] == '*' {
			out = append(out, token{kind: '*'})
			continue
		}
		out = append(out, token{kind: 'c', c: lowerByte(f[i])})
	}
	return out
}

// resourceTokens reads a policy's resource: "*" any run, "?" any one
// character, a policy variable any run (but the escapes ${*}, ${?} and
// ${$} stand for those characters).
func resourceTokens(r string) []token {
	out := make([]token, 0, len(r))
	for i := 0; i < len(r); i++ {
		switch c := r[i]; {
		case c == '$' && strings.HasPrefix(r[i:], "${"):
			end := strings.IndexByte(r[i:], '}')
			if end < 0 {
				out = append(out, token{kind: 'c', c: '$'})
				continue
			}
			switch v := r[i+2 : i+end]; v {
			case "*", "?", "$":
				out = append(out, token{kind: 'c', c: v[0]})
			default:
				out = append(out, token{kind: '*'})
			}
			i += end
		case c == '*':
			out = append(out, token{kind: '*'})
		case c == '?':
			out = append(out, token{kind: '?'})
		default:
			out = append(out, token{kind: 'c', c: lowerByte(c)})
		}
	}
	return out
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// accepts reports whether a token may stand for the character c.
func (t token) accepts(c byte) bool {
	switch t.kind {
	case 'c':
		return t.c == c
	case '?':
		return true
	}
	switch t.not {
	case noColon:
		return c != ':'
	case noColonSlash:
		return c != ':' && c != '/'
	}
	return true
}

// compatible reports whether one character can be read by both tokens.
func compatible(a, b token) bool {
	switch {
	case a.kind == 'c':
		return b.accepts(a.c)
	case b.kind == 'c':
		return a.accepts(b.c)
	}
	return true // '?' or runs: a letter fits any of them
}

// fitBuffers are the scratch space of intersects, reused, and what each
// ARN format fits among the resources of the statement being checked.
type fitBuffers struct {
	seen  []uint32 // seen[state] == gen: the state was visited in this search
	gen   uint32
	stack [][2]int
	memo  map[string][]bool // format → fits resource i
}

// intersects reports whether some string matches both patterns: a search
// over pairs of positions, where a run may be skipped or read a character
// and stay.
func (buf *fitBuffers) intersects(a, b []token) bool {
	w := len(b) + 1
	n := (len(a) + 1) * w
	if len(buf.seen) < n {
		buf.seen = make([]uint32, max(n, 2*len(buf.seen)))
		buf.gen = 0
	}
	buf.gen++
	if buf.gen == 0 { // wrapped: start over
		clear(buf.seen)
		buf.gen = 1
	}
	gen, seen := buf.gen, buf.seen
	stack := append(buf.stack[:0], [2]int{0, 0})
	found := false
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := s[0], s[1]
		if seen[i*w+j] == gen {
			continue
		}
		seen[i*w+j] = gen
		if i == len(a) && j == len(b) {
			found = true
			break
		}
		if i < len(a) && a[i].kind == '*' {
			stack = append(stack, [2]int{i + 1, j})
		}
		if j < len(b) && b[j].kind == '*' {
			stack = append(stack, [2]int{i, j + 1})
		}
		if i < len(a) && j < len(b) && compatible(a[i], b[j]) {
			ni, nj := i+1, j+1
			if a[i].kind == '*' {
				ni = i
			}
			if b[j].kind == '*' {
				nj = j
			}
			if ni != i || nj != j {
				stack = append(stack, [2]int{ni, nj})
			}
			// else two runs reading a character each stay where they
			// are: that state adds nothing.
		}
	}
	buf.stack = stack[:0]
	return found
}

// coversText reports whether every string pattern p matches, pattern q
// matches too, whatever the catalog: q's "*" may stand for any part of p,
// q's "?" for one character or "?" of p, and p's wildcards only ever for
// q's. Letters are compared as they are (lower both for action patterns).
// q is matched against p's text as a glob, where q's "?" may not stand for
// p's "*". A "*"
// remembers where it stood, and a mismatch after it retries with the star
// absorbing one more character, as in iampattern.Match.
func coversText(q, p string) bool {
	i, j := 0, 0
	starI, starJ := -1, 0
	for j < len(p) {
		if i < len(q) {
			switch qc := q[i]; {
			case qc == '*':
				starI, starJ = i, j
				i++
				continue
			case qc == '?' && p[j] != '*', qc == p[j] && qc != '?':
				i++
				j++
				continue
			}
		}
		if starI < 0 {
			return false
		}
		starJ++
		i, j = starI+1, starJ
	}
	for i < len(q) && q[i] == '*' {
		i++
	}
	return i == len(q)
}
