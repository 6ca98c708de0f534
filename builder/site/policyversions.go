package site

import (
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/linediff"
	"github.com/iamref/iamref/builder/markup"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/parallel"
)

// The history of the managed policies, in effective actions: every version
// the content holds (content/policies, policy.ManagedPolicy.Versions),
// evaluated by the policy engine against the current catalog, and what each
// changed against the version before it — actions added and removed, per
// access level — and its document's line diff. The policy pages show it,
// /policies/changes/ lists every version of every policy newest first
// (with an Atom feed), action pages say since which version each policy
// they list allows the action, and the policies' JSON carries "versions".
//
// Older versions are evaluated against today's catalog: an action AWS added
// after a version was published counts as allowed by that version when one
// of its wildcards matches it, and actions since removed are not there.

// PolicyHistory is a managed policy's versions.
type PolicyHistory struct {
	Versions []*VersionView // newest first
	// latest are the default version's allowed actions (catalog order)
	// and since, for each, the index in Versions of the oldest version
	// from which every version allows it.
	latest []*catalog.Action
	since  []int32
}

// VersionView is one version of a managed policy.
type VersionView struct {
	Managed *Managed
	ID      string
	Date    string // YYYY-MM-DD; "" when not known
	// After and Before bound a date not known: the nearest known dates of
	// an older and a newer version (or the policy's creation and last
	// update); "" when open.
	After, Before  string
	Index          int  // in PolicyHistory.Versions
	Oldest         bool // the oldest version the content holds
	Allowed        int  // actions it allows
	Added, Removed []*catalog.Action
	AddedBy        LevelCounts // Added per access level
	RemovedBy      LevelCounts
	path           string // Path, made once (before rendering: pages read it on every core)
}

// Anchor is the version's element id on its policy's page.
func (v *VersionView) Anchor() string { return "version-" + v.ID }

// Path is the version on its policy's page.
func (v *VersionView) Path() string {
	if v.path == "" {
		v.path = PolicyPath(v.Managed.Name()) + "#" + v.Anchor()
	}
	return v.path
}

// Widening reports a version that allows new Write or Permissions
// management actions (the first version held is the policy's start, not a
// widening).
func (v *VersionView) Widening() bool {
	return !v.Oldest && (v.AddedBy[catalog.Write.Index()] > 0 || v.AddedBy[catalog.PermissionsManagement.Index()] > 0)
}

// Changed reports a version whose allowed actions differ from the one before.
func (v *VersionView) Changed() bool { return len(v.Added)+len(v.Removed) > 0 }

// DateText is the date as the pages show it.
func (v *VersionView) DateText() string {
	switch {
	case v.Date != "":
		return v.Date
	case v.After != "" && v.Before != "":
		return "between " + v.After + " and " + v.Before
	case v.Before != "":
		return "by " + v.Before
	case v.After != "":
		return "after " + v.After
	}
	return "date not known"
}

// SortDate orders versions across policies: the date, or for one not
// known the latest it can be.
func (v *VersionView) SortDate() string {
	if v.Date != "" {
		return v.Date
	}
	if v.Before != "" {
		return v.Before
	}
	return v.After
}

// Effect is the version's effect in one line: "+2 List, +1 Write, −3 Read".
func (v *VersionView) Effect() string {
	var parts []string
	plus := "+"
	if v.Oldest {
		plus = "" // what the version allows, not what it added
	}
	for i, l := range catalog.AccessLevels {
		if n := v.AddedBy[i]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s%s %s", plus, commas(n), l))
		}
	}
	for i, l := range catalog.AccessLevels {
		if n := v.RemovedBy[i]; n > 0 {
			parts = append(parts, fmt.Sprintf("−%s %s", commas(n), l))
		}
	}
	if v.Oldest {
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

// Levels groups a list of the version's actions by access level.
func (v *VersionView) Levels(added bool) []LevelActions {
	list := v.Removed
	if added {
		list = v.Added
	}
	var out []LevelActions
	for _, l := range catalog.AccessLevels {
		var as []*catalog.Action
		for _, a := range list {
			if a.AccessLevel == l {
				as = append(as, a)
			}
		}
		if len(as) > 0 {
			la := LevelActions{Level: l, Actions: as, N: len(as)}
			if len(as) > maxVersionActions {
				la.Actions, la.More = as[:maxVersionActions], len(as)-maxVersionActions
			}
			out = append(out, la)
		}
	}
	return out
}

// LevelActions are actions of one access level: N in all, the first
// maxVersionActions of them listed and More not.
type LevelActions struct {
	Level   catalog.AccessLevel
	Actions []*catalog.Action
	N, More int
}

// maxVersionActions is how many actions of one level a version's entry
// lists: a version that rewrites a policy (ReadOnlyAccess v69 added 4,479
// actions) would make its page megabytes; the JSON lists them all.
const maxVersionActions = 100

// policyHistories evaluates every version of every managed policy, on all
// cores, once the default versions are evaluated (their views).
func (b *builder) policyHistories() {
	ps := b.pol
	index := make(map[*catalog.Action]int32, b.cat.ActionCount())
	for _, s := range b.cat.Services {
		for _, a := range s.Actions {
			index[a] = int32(len(index))
		}
	}
	ps.index = index
	errs := make([]error, len(ps.managed))
	parallel.Each(len(ps.managed), func(i int) {
		m := ps.managed[i]
		m.History, errs[i] = policyHistory(ps.engine, m, index)
	})
	for i, err := range errs {
		if err != nil {
			b.errs = append(b.errs, diag.From(ps.managed[i].Policy.File, err)...)
		}
	}
}

// allowedActions are a result's allowed actions, in catalog order.
func allowedActions(r *policy.Result) []*catalog.Action {
	out := make([]*catalog.Action, len(r.Allowed))
	for i := range r.Allowed {
		out[i] = r.Allowed[i].Action
	}
	return out
}

func policyHistory(e *policy.Engine, m *Managed, index map[*catalog.Action]int32) (*PolicyHistory, error) {
	mp := m.Policy
	lists := make([][]*catalog.Action, len(mp.Versions))
	err := mp.Walk(func(i int, v policy.PolicyVersion, lines []string) error {
		if i == 0 {
			lists[0] = allowedActions(m.View.Result)
			return nil
		}
		doc, _ := e.Parse([]byte(strings.Join(lines, "\n") + "\n"))
		lists[i] = e.Allowed(doc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	h := &PolicyHistory{latest: lists[0], since: make([]int32, len(lists[0]))}
	less := func(a, b *catalog.Action) bool { return index[a] < index[b] }
	for i, v := range mp.Versions {
		vv := &VersionView{Managed: m, ID: v.ID, Index: i, Allowed: len(lists[i]), Oldest: i == len(mp.Versions)-1}
		if len(v.Date) >= len("2006-01-02") {
			vv.Date = v.Date[:len("2006-01-02")]
		}
		if vv.Oldest {
			vv.Added = lists[i]
		} else {
			vv.Added, vv.Removed = difference(lists[i], lists[i+1], less)
		}
		for _, a := range vv.Added {
			if l := a.AccessLevel.Index(); l < len(vv.AddedBy) {
				vv.AddedBy[l]++
			}
		}
		for _, a := range vv.Removed {
			if l := a.AccessLevel.Index(); l < len(vv.RemovedBy) {
				vv.RemovedBy[l]++
			}
		}
		vv.Path()
		h.Versions = append(h.Versions, vv)
	}
	// Bounds of the dates not known.
	for i, vv := range h.Versions {
		if vv.Date != "" {
			continue
		}
		vv.Before = day(mp.UpdateDate)
		for j := i - 1; j >= 0; j-- {
			if d := h.Versions[j].Date; d != "" {
				vv.Before = d
				break
			}
		}
		vv.After = day(mp.CreateDate)
		for j := i + 1; j < len(h.Versions); j++ {
			if d := h.Versions[j].Date; d != "" {
				vv.After = d
				break
			}
		}
	}
	// Since which version each action of the default version is allowed
	// without a break.
	alive := make([]int32, len(h.latest))
	for k := range alive {
		alive[k] = int32(k)
	}
	for i := 1; i < len(lists) && len(alive) > 0; i++ {
		list := lists[i]
		j := 0
		keep := alive[:0]
		for _, k := range alive {
			a := h.latest[k]
			for j < len(list) && less(list[j], a) {
				j++
			}
			if j < len(list) && list[j] == a {
				h.since[k] = int32(i)
				keep = append(keep, k)
			}
		}
		alive = keep
	}
	return h, nil
}

// day is the YYYY-MM-DD of an RFC 3339 date, "" when there is none.
func day(d string) string {
	if len(d) < len("2006-01-02") {
		return ""
	}
	return d[:len("2006-01-02")]
}

// difference returns the actions of a not in b and of b not in a, both
// sorted by less.
func difference(a, b []*catalog.Action, less func(x, y *catalog.Action) bool) (onlyA, onlyB []*catalog.Action) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && less(a[i], b[j]):
			onlyA = append(onlyA, a[i])
			i++
		case i == len(a) || less(b[j], a[i]):
			onlyB = append(onlyB, b[j])
			j++
		default:
			i++
			j++
		}
	}
	return onlyA, onlyB
}

// Since is the version from which the policy allows the action without a
// break up to its default version; nil when the default version does not
// allow it.
func (h *PolicyHistory) Since(a *catalog.Action, index func(*catalog.Action) int32) *VersionView {
	if h == nil {
		return nil
	}
	k := sort.Search(len(h.latest), func(i int) bool { return index(h.latest[i]) >= index(a) })
	if k == len(h.latest) || h.latest[k] != a {
		return nil
	}
	return h.Versions[h.since[k]]
}

// since is the version since which a managed policy allows an action.
func (ps *policySet) since(mp *policy.ManagedPolicy, a *catalog.Action) *VersionView {
	m := ps.byName[mp.Name]
	if m == nil {
		return nil
	}
	return m.History.Since(a, func(x *catalog.Action) int32 { return ps.index[x] })
}

// SinceList is every managed policy that allows an action, by name, with
// the version since which it does.
type SinceList struct {
	Items []*VersionView
}

// SinceHTML is the page's list of every policy that allows the action and
// since which version, written here rather than by a template or as a
// fragment: 231,000 items on 22,000 pages.
func (p *ActionPage) SinceHTML() template.HTML {
	l := p.Policies.Since
	var b strings.Builder
	b.Grow(len(l.Items) * 96)
	b.WriteString(`<ul class="since-list">`)
	for _, v := range l.Items {
		b.WriteString(`<li><a href="`)
		b.WriteString(template.HTMLEscapeString(p.Rel(v.Path())))
		b.WriteString(`">`)
		b.WriteString(template.HTMLEscapeString(v.Managed.Name()))
		b.WriteByte(' ')
		b.WriteString(template.HTMLEscapeString(v.ID))
		b.WriteString("</a></li>")
	}
	b.WriteString("</ul>")
	return template.HTML(b.String())
}

// sinceLists hands out one *SinceList per distinct list: the actions of a
// service mostly share theirs, and a page renders each once per depth.
type sinceLists map[string]*SinceList

func (l sinceLists) get(ps *policySet, a *catalog.Action, grants []policy.PolicyGrant) *SinceList {
	items := make([]*VersionView, 0, len(grants))
	for _, g := range grants {
		if v := ps.since(g.Policy, a); v != nil {
			items = append(items, v)
		}
	}
	if len(items) == 0 {
		return nil
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Managed.Name() < items[j].Managed.Name() })
	var key strings.Builder
	for _, v := range items {
		key.WriteString(v.Managed.Name())
		key.WriteByte(0)
		key.WriteString(v.ID)
		key.WriteByte(0)
	}
	if sl := l[key.String()]; sl != nil {
		return sl
	}
	sl := &SinceList{Items: items}
	l[key.String()] = sl
	return sl
}

// diffContext is how many unchanged lines a hunk shows around a change:
// two place a changed action in its list, and keep the diffs of the
// policies with a hundred versions (ReadOnlyAccess) readable.
const diffContext = 2

// VersionDiffs are the line diffs of each version's document against the
// version before it, newest first ("" for the oldest and for a document
// the same as the one before), highlighted: one <pre> per hunk, its
// header first, added lines in span.d-add, removed ones in span.d-del.
// They are made while rendering, on every core, from the stored edits
// (linediff.ScriptHunks), and written here rather than by a template:
// ReadOnlyAccess alone has 10,000 lines of diffs.
func (p *PolicyPage) VersionDiffs() ([]template.HTML, error) {
	mp := p.Managed.Policy
	out := make([]template.HTML, len(mp.Versions))
	var newer []string
	var b strings.Builder
	err := mp.Walk(func(i int, v policy.PolicyVersion, lines []string) error {
		if i > 0 {
			// The stored edits turn the newer document into this one:
			// they are the diff, the other way round.
			b.Reset()
			if err := writeHunks(&b, linediff.ScriptHunks(newer, v.Edits, diffContext)); err != nil {
				return err
			}
			out[i-1] = template.HTML(b.String())
		}
		newer = lines
		return nil
	})
	return out, err
}

// writeHunks writes the hunks of a diff.
func writeHunks(b *strings.Builder, hunks []linediff.Hunk) error {
	for _, h := range hunks {
		text := make([]string, len(h.Lines))
		for i, l := range h.Lines {
			text[i] = l.Text
		}
		html, err := markup.HighlightJSONLines(text)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "<pre class=\"chroma diff\"><code><span class=\"hunk\">@@ -%d,%d +%d,%d @@</span>\n", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
		for i, l := range h.Lines {
			switch l.Op {
			case linediff.Insert:
				b.WriteString(`<span class="d-add">+`)
			case linediff.Delete:
				b.WriteString(`<span class="d-del">-`)
			default:
				b.WriteByte(' ')
			}
			b.WriteString(string(html[i]))
			if l.Op != linediff.Equal {
				b.WriteString("</span>")
			}
			b.WriteByte('\n')
		}
		b.WriteString("</code></pre>\n")
	}
	return nil
}

// The pages of every version of every policy.
const (
	PolicyChangesPath     = PoliciesPath + "changes/"
	PolicyChangesFeedPath = PolicyChangesPath + "feed.xml"
	// policyFeedEntries is how many versions the feed holds, newest first.
	policyFeedEntries = 300
)

// PolicyChangesPage is /policies/changes/: every version of every managed
// policy, newest first, with its effect in one line.
type PolicyChangesPage struct {
	Base
	Months   []*VersionMonth
	Versions int
	Widening int
	Unknown  int // versions whose date is not known
	Source   *policy.Source
}

// VersionMonth is the versions of one month (by SortDate).
type VersionMonth struct {
	ID, Label   string // "2026-08", "August 2026"
	Versions    []*VersionView
	FirstOfYear bool // the newest month of its year, for the page's index
}

// allVersions are every version of every managed policy, newest first:
// by date (SortDate), then policy name, then the newer version first.
func (ps *policySet) allVersions() []*VersionView {
	var out []*VersionView
	for _, m := range ps.managed {
		if m.History != nil {
			out = append(out, m.History.Versions...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.SortDate() != b.SortDate() {
			return a.SortDate() > b.SortDate()
		}
		if a.Managed.Name() != b.Managed.Name() {
			return a.Managed.Name() < b.Managed.Name()
		}
		return a.Index < b.Index
	})
	return out
}

// policyChangesFeed is the Atom feed of /policies/changes/.
var policyChangesFeed = Crumb{Name: "iamref: AWS managed policy changes", Path: PolicyChangesFeedPath}

// changesLink is the home page's link to /policies/changes/, when there
// are managed policies; their histories are evaluated before the pages
// are assembled (loadPolicies).
func (ps *policySet) changesLink() (Crumb, bool) {
	n := 0
	for _, m := range ps.managed {
		if m.History != nil {
			n += len(m.History.Versions)
		}
	}
	return Crumb{Name: fmt.Sprintf("Managed policy changes (%s versions)", commas(n)), Path: PolicyChangesPath}, n > 0
}

// policyChangesPages adds /policies/changes/ and its Atom feed.
func (b *builder) policyChangesPages() {
	ps := b.pol
	all := ps.allVersions()
	if len(all) == 0 {
		return
	}
	p := &PolicyChangesPage{Base: b.base(PolicyChangesPath, "AWS managed policy changes", "Every version of every AWS managed policy, newest first, with the actions each version added and removed.", homeCrumb, Crumb{Name: "Managed policies", Path: PoliciesPath}), Versions: len(all)}
	p.Short = "Changes"
	p.Feeds = []Crumb{policyChangesFeed}
	p.Source = ps.source
	for _, v := range all {
		if v.Widening() {
			p.Widening++
		}
		if v.Date == "" {
			p.Unknown++
		}
		month := v.SortDate()
		if len(month) >= len("2006-01") {
			month = month[:len("2006-01")]
		} else {
			month = "unknown"
		}
		if n := len(p.Months); n == 0 || p.Months[n-1].ID != month {
			first := len(month) >= 4 && (n == 0 || !strings.HasPrefix(p.Months[n-1].ID, month[:4]))
			p.Months = append(p.Months, &VersionMonth{ID: month, Label: monthLabel(month), FirstOfYear: first})
		}
		mo := p.Months[len(p.Months)-1]
		mo.Versions = append(mo.Versions, v)
	}
	b.add(policyChangesKind, p)

	var err error
	w := feedWriter{b: b, path: PolicyChangesFeedPath, err: &err}
	var entries []atomEntry
	for _, v := range all[:min(len(all), policyFeedEntries)] {
		title := fmt.Sprintf("%s %s (%s): %s", v.Managed.Name(), v.ID, v.DateText(), v.Effect())
		if v.Widening() {
			title += " — widens"
		}
		d := feedEntryData{Summary: versionSummary(v)}
		for _, l := range []struct {
			title string
			list  []*catalog.Action
		}{{"Added actions", v.Added}, {"Removed actions", v.Removed}} {
			if len(l.list) == 0 || v.Oldest {
				continue
			}
			fl := feedList{Title: l.title}
			for _, a := range l.list {
				fl.Items = append(fl.Items, feedItem{Href: w.link(ActionPath(a)), Text: a.ID(), Note: string(a.AccessLevel)})
			}
			d.Lists = append(d.Lists, fl)
		}
		entries = append(entries, atomEntry{
			Title:   title,
			ID:      tagBase + "policies/" + v.Managed.Name() + "/" + v.ID,
			Updated: atomDate(v.SortDate()),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: w.link(v.Path())}},
			Content: w.entryHTML(d),
		})
	}
	b.addFile(PolicyChangesFeedPath, w.feed("iamref: AWS managed policy changes", "Every new version of an AWS managed policy, with the actions it added and removed, evaluated against the catalog.", "policies/changes", PolicyChangesPath, entries))
	if err != nil {
		b.errs = append(b.errs, diag.From("policies", err)...)
	}
}

// versionSummary is a version's effect as a sentence.
func versionSummary(v *VersionView) string {
	name := v.Managed.Name() + " " + v.ID
	date := "of " + v.DateText()
	if v.Date == "" {
		date = "(" + v.DateText() + ", the date is not known)"
	}
	switch {
	case v.Oldest && v.ID == "v1":
		return fmt.Sprintf("%s %s, the policy's first version, %s.", name, date, v.Effect())
	case v.Oldest:
		return fmt.Sprintf("%s %s, the oldest version known, %s.", name, date, v.Effect())
	case !v.Changed():
		return fmt.Sprintf("%s %s changed the document but not the actions it allows.", name, date)
	}
	s := fmt.Sprintf("%s %s: %s against %s.", name, date, v.Effect(), v.Managed.History.Versions[v.Index+1].ID)
	if v.Widening() {
		s += " It allows new Write or Permissions management actions."
	}
	return s
}

// monthLabel is "August 2026" for "2026-08".
func monthLabel(m string) string {
	if m == "unknown" {
		return "Date not known"
	}
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	if len(m) != len("2006-01") || m[5] < '0' || m[5] > '1' {
		return m
	}
	n := int(m[5]-'0')*10 + int(m[6]-'0')
	if n < 1 || n > 12 {
		return m
	}
	return months[n-1] + " " + m[:4]
}

// Previous is the version before this one, nil for the oldest.
func (v *VersionView) Previous() *VersionView {
	if v.Oldest {
		return nil
	}
	return v.Managed.History.Versions[v.Index+1]
}
