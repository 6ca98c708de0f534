package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamref/iamref/builder/history"
)

// Redirects are written to /_redirects in Netlify's format: one rule a line,
// "from to status", first match wins, and a rule never shadows a file that
// exists (no "!"), so a page is never redirected away.
//
// Netlify matches rule paths case-sensitively ("Paths are case-sensitive",
// docs.netlify.com/manage/routing/redirects/overview) but ignores a trailing
// slash, so the case-insensitive aliases are generated, one rule per name
// whose lower-case form is not a page of its own:
//
//	/CHIME/*              /chime/:splat            a shouted prefix, then
//	/chime/createmeeting/ /chime/CreateMeeting/    the lower-case action path
//	/chime:CreateMeeting  /chime/CreateMeeting/    short links, exact and
//	/chime:createmeeting  /chime/CreateMeeting/    lower-case
//	/iam/chime            /chime/                  permissions.cloud's service URL
//
// plus lower-case aliases of resource-type and condition-key pages. A
// lower-case form shared by two names (ec2-instance-connect:MaxTunnelDuration
// and maxTunnelDuration) gets no alias: both keep their own page and neither
// wins the alias. The preview server (FileServer) reads the same file with
// the same matching rules, so tests exercise what Netlify will do.

// Redirect is one rule.
type Redirect struct {
	From, To string
	Status   int
}

// redirectSet collects rules in priority order; the first rule for a path
// wins, as it would on Netlify.
type redirectSet struct {
	rules []Redirect
	seen  map[string]bool
	pages func(sitePath string) bool // whether a page exists at a path
}

func (rs *redirectSet) add(from, to string) {
	key := strings.TrimSuffix(from, "/")
	if from == to || rs.seen[key] || rs.pages(from) {
		return
	}
	rs.seen[key] = true
	// Netlify ignores a trailing slash when matching, so the rule need not
	// carry one.
	rs.rules = append(rs.rules, Redirect{From: trimSlash(from), To: to, Status: 301})
}

// lowerAliases adds lower-case aliases for paths whose lower-case form is
// unique among them.
func (rs *redirectSet) lowerAliases(paths []string) {
	count := map[string]int{}
	for _, p := range paths {
		count[strings.ToLower(p)]++
	}
	for _, p := range paths {
		if l := strings.ToLower(p); l != p && count[l] == 1 {
			rs.add(l, p)
		}
	}
}

// redirects builds the rules for the catalog. exists reports whether the
// build writes a file at a site path (a directory path means its index.html).
func (b *builder) redirects(exists func(string) bool) []Redirect {
	rs := &redirectSet{seen: map[string]bool{}, pages: func(p string) bool { return exists(p) || exists(p+"/") }}
	for _, s := range b.cat.Services {
		if up := strings.ToUpper(s.Prefix); up != s.Prefix {
			rs.add("/"+up+"/*", "/"+s.Prefix+"/:splat")
		}
	}
	for _, s := range b.cat.Services {
		var paths []string
		for _, a := range s.Actions {
			paths = append(paths, ActionPath(a))
		}
		rs.lowerAliases(paths)
	}
	for _, s := range b.cat.Services {
		lower := map[string]int{}
		for _, a := range s.Actions {
			lower[strings.ToLower(a.Name)]++
		}
		for _, a := range s.Actions {
			rs.add("/"+s.Prefix+":"+a.Name, ActionPath(a))
			if l := strings.ToLower(a.Name); l != a.Name && lower[l] == 1 {
				rs.add("/"+s.Prefix+":"+l, ActionPath(a))
			}
		}
	}
	b.removedActionAliases(rs)
	b.removedServiceRoutes(rs) // promises.go
	b.promisedKeyAliases(rs)
	for _, s := range b.cat.Services {
		var paths []string
		for _, rt := range s.ResourceTypes {
			paths = append(paths, ResourcePath(rt))
		}
		rs.lowerAliases(paths)
	}
	var keys []string
	for _, k := range b.cat.ConditionKeys() {
		keys = append(keys, ConditionKeyPath(k.Name))
	}
	rs.lowerAliases(keys)
	for _, s := range b.cat.Services {
		rs.add("/iam/"+s.Prefix, ServicePath(s.Prefix))
	}
	return rs.rules
}

// removedActionAliases sends the short links and the lower-case paths of
// removed actions to their tombstones (historypages.go), as they went to
// the pages the tombstones replace. A name a live action has in any case
// keeps its rule for the live action, and a lower-case form two removed
// actions share gets none.
func (b *builder) removedActionAliases(rs *redirectSet) {
	live := map[string]bool{}
	for _, s := range b.cat.Services {
		for _, a := range s.Actions {
			live[strings.ToLower(a.ID())] = true
		}
	}
	var tombs []*TombstonePage
	lower := map[string]int{}
	for _, j := range b.jobs {
		if p, ok := j.page.(*TombstonePage); ok && p.Entity == history.ActionEntity {
			tombs = append(tombs, p)
			lower[strings.ToLower(p.First().ID())]++
		}
	}
	for _, p := range tombs {
		id := p.First().ID()
		l := strings.ToLower(id)
		if live[l] {
			continue
		}
		rs.add("/"+id, p.Path)
		if lower[l] == 1 {
			rs.add("/"+l, p.Path)
			rs.add(strings.ToLower(p.Path), p.Path)
		}
	}
}

// formatRedirects renders rules as a _redirects file.
func formatRedirects(rules []Redirect) []byte {
	var buf bytes.Buffer
	buf.WriteString("# Generated by iamref's build: case-insensitive aliases, short links (/prefix:Action)\n# and legacy URLs. Rules never shadow an existing page. No status means 301.\n")
	for _, r := range rules {
		buf.WriteString(r.From + " " + r.To)
		if r.Status != 301 {
			buf.WriteString(" " + strconv.Itoa(r.Status))
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// parseRedirects reads a _redirects file: comments and blank lines are
// skipped; a rule without a status is a 301.
func parseRedirects(data []byte) []Redirect {
	var rules []Redirect
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		r := Redirect{From: f[0], To: f[1], Status: 301}
		if len(f) > 2 {
			fmt.Sscanf(strings.TrimSuffix(f[2], "!"), "%d", &r.Status)
		}
		rules = append(rules, r)
	}
	return rules
}

// redirectTable answers which rule matches a path, the way Netlify does:
// the first rule in file order whose path matches, ignoring a trailing
// slash; "*" at the end of a rule is a splat (":splat" in the target) and a
// segment ":name" a placeholder.
type redirectTable struct {
	exact    map[string]int // trimmed path → first rule index
	patterns []int          // rules with a splat or placeholder, in order
	rules    []Redirect
}

func newRedirectTable(rules []Redirect) *redirectTable {
	t := &redirectTable{exact: map[string]int{}, rules: rules}
	for i, r := range rules {
		if strings.Contains(r.From, "*") || strings.Contains(r.From, "/:") {
			t.patterns = append(t.patterns, i)
			continue
		}
		k := trimSlash(r.From)
		if _, dup := t.exact[k]; !dup {
			t.exact[k] = i
		}
	}
	return t
}

func trimSlash(p string) string {
	if len(p) > 1 {
		return strings.TrimSuffix(p, "/")
	}
	return p
}

// match returns the target for path p.
func (t *redirectTable) match(p string) (Redirect, bool) {
	best, target := -1, ""
	if i, ok := t.exact[trimSlash(p)]; ok {
		best, target = i, t.rules[i].To
	}
	for _, i := range t.patterns {
		if best >= 0 && i > best {
			break
		}
		if to, ok := matchPattern(t.rules[i], p); ok {
			best, target = i, to
			break
		}
	}
	if best < 0 {
		return Redirect{}, false
	}
	r := t.rules[best]
	r.To = target
	return r, true
}

// matchPattern matches a rule with placeholders or a trailing splat.
func matchPattern(r Redirect, p string) (string, bool) {
	from := strings.Split(strings.Trim(r.From, "/"), "/")
	segs := strings.Split(strings.Trim(p, "/"), "/")
	vars := map[string]string{}
	for i, f := range from {
		if f == "*" && i == len(from)-1 {
			vars["splat"] = strings.Join(segs[min(i, len(segs)):], "/")
			if strings.HasSuffix(p, "/") && vars["splat"] != "" {
				vars["splat"] += "/"
			}
			segs = segs[:min(i, len(segs))]
			from = from[:i]
			break
		}
		if i >= len(segs) {
			return "", false
		}
		if strings.HasPrefix(f, ":") {
			vars[f[1:]] = segs[i]
		} else if f != segs[i] {
			return "", false
		}
	}
	if len(from) != len(segs) {
		return "", false
	}
	to := r.To
	// Longest names first, so :splat is not eaten by a :s placeholder.
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, n := range names {
		to = strings.ReplaceAll(to, ":"+n, vars[n])
	}
	return to, true
}

// redirectCache keeps the parsed _redirects of a served directory until the
// file changes.
var redirectCache struct {
	sync.Mutex
	byDir map[string]cachedRedirects
}

type cachedRedirects struct {
	mod   time.Time
	size  int64
	table *redirectTable
}

func redirectsOf(dir string) *redirectTable {
	file := filepath.Join(dir, "_redirects")
	st, err := os.Stat(file)
	if err != nil {
		return nil
	}
	redirectCache.Lock()
	defer redirectCache.Unlock()
	if redirectCache.byDir == nil {
		redirectCache.byDir = map[string]cachedRedirects{}
	}
	if c, ok := redirectCache.byDir[dir]; ok && c.mod.Equal(st.ModTime()) && c.size == st.Size() {
		return c.table
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	t := newRedirectTable(parseRedirects(data))
	redirectCache.byDir[dir] = cachedRedirects{mod: st.ModTime(), size: st.Size(), table: t}
	return t
}
