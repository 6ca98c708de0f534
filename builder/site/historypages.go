package site

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/history"
)

// The history pages: what changed in the catalog between the snapshots of
// content/history (package history), for the whole catalog at /changes/ and
// per service at /<prefix>/changes/, with Atom feeds (feeds.go) and charts
// of actions over time (charts.go); each action page's own story; and a
// tombstone page at the URL of every removed action, resource type,
// condition key and service, saying since when it is gone and what it was.
//
// Everything derives from the snapshots' dates, never from the build's
// clock, so two builds of the same content are byte-identical. Content
// without history/snapshots.yaml has no history pages.

// ChangeView is one change as the history pages show it.
type ChangeView struct {
	ID      string // element id, unique on its page
	Kind    history.Kind
	Entity  history.Entity
	Service string
	Name    string              // action, resource type or condition key name; the service's name for a service
	Path    string              // the entity's page, live or tombstone; "" when it has none
	Level   catalog.AccessLevel // of an added or removed action
	Fields  []FieldView
	Date    string // the snapshot that shows the change
	Label   string // its label
	From    string // the snapshot before
	// DatePath is the change's place on the service's changes page.
	DatePath string
}

// Full is the id of the changed entity: "prefix:Name", "prefix/name", the key or the prefix.
func (c *ChangeView) Full() string {
	switch c.Entity {
	case history.ActionEntity:
		return c.Service + ":" + c.Name
	case history.ResourceTypeEntity:
		return c.Service + "/" + c.Name
	case history.ConditionKeyEntity:
		return c.Name
	}
	return c.Service
}

// PermissionsManagement reports an added or removed Permissions management action.
func (c *ChangeView) PermissionsManagement() bool {
	return c.Level == catalog.PermissionsManagement
}

// FieldView is one changed property.
type FieldView struct {
	Field          history.Field
	Label          string // "Description", "Access level", …
	Row            bool   // about one resource-type row of an action
	Resource       string // that row's resource type; "" for the row without one
	Old, New       string
	Added, Removed []string
	// Source marks a difference between the catalog's two sources at a
	// change of source, not a change (history.MarkSourceChange).
	Source bool
}

var fieldLabels = map[history.Field]string{
	history.NameField:             "Name",
	history.DescriptionField:      "Description",
	history.AccessLevelField:      "Access level",
	history.ResourceTypeField:     "Resource type",
	history.ConditionKeysField:    "Condition keys",
	history.DependentActionsField: "Dependent actions",
	history.ARNField:              "ARN format",
	history.TypeField:             "Type",
}

// OldLevel and NewLevel are an access-level change's levels.
func (f *FieldView) OldLevel() catalog.AccessLevel { return catalog.AccessLevel(f.Old) }

// NewLevel is the level after an access-level change.
func (f *FieldView) NewLevel() catalog.AccessLevel { return catalog.AccessLevel(f.New) }

// ActionHistoryView is an action page's history section.
type ActionHistoryView struct {
	FirstSeen   string // label of the first snapshot listing it; "" when the earliest does
	Since       string // label of the earliest snapshot
	Changes     []*ChangeView
	ChangesPath string // the service's changes page
	Prefix      string // the action's service
	// Shared marks the one view of every action of the service that the
	// earliest snapshot lists and that never changed (most of them): the
	// section is the same on each of their pages, a fragment rendered once
	// per depth.
	Shared bool
}

// Unchanged reports an action that did not change since it first appeared.
func (v *ActionHistoryView) Unchanged() bool {
	return len(v.Changes) == 0 || len(v.Changes) == 1 && v.Changes[0].Kind == history.Added
}

// ServiceHistory is a service page's history section.
type ServiceHistory struct {
	Chart       *Chart
	ChangesPath string
	Feed        string
}

// TransitionView is what changed from one snapshot to the next, for the
// whole catalog or one service.
type TransitionView struct {
	ID                 string // the newer snapshot's date, the section's id
	From, To           history.Snapshot
	Added, Removed     LevelCounts // actions per access level
	AddedN, RemovedN   int
	Changed            int // changed actions
	PermissionsMgmt    []*ChangeView
	ToPermissionsMgmt  []*ChangeView // changed to Permissions management
	AddedActions       []*ChangeView
	RemovedActions     []*ChangeView
	ChangedActions     []*ChangeView
	ResourceTypes      []*ChangeView
	ConditionKeys      []*ChangeView
	ServiceChanges     []*ChangeView
	Services           []*ServiceDelta // whole catalog only: per service
	ServicesAdded      int
	ServicesRemoved    int
	ResourceTypeCount  int
	ConditionKeyCount  int
	ChangedAccessLevel int
	// SourceChange: the catalog's source changed at this snapshot
	// (From.Source, To.Source). The differences that come from it are
	// not counted above: SourceKinds counts them by field, and a
	// service's page lists them (SourceDiffs).
	SourceChange bool
	SourceKinds  []SourceKind
	SourceDiffs  []*ChangeView
	SourceN      int // entities with a source difference
}

// SourceKind counts the source differences of one field.
type SourceKind struct {
	Label string
	N     int
}

// Real reports whether the transition holds a change that is not a
// difference between sources.
func (tv *TransitionView) Real() bool {
	return tv.AddedN+tv.RemovedN+tv.Changed+tv.ResourceTypeCount+tv.ConditionKeyCount+tv.ServicesAdded+tv.ServicesRemoved+len(tv.ServiceChanges) > 0
}

// ServiceDelta counts one service's changes in a transition.
type ServiceDelta struct {
	Prefix, Name    string
	Path            string // its changes page at the transition's section
	Kind            history.Kind
	Added, Removed  int
	Changed         int
	Resources, Keys int
	PermissionsMgmt int
	ServicePage     string
}

// ChangesPage is /changes/ or /<prefix>/changes/.
type ChangesPage struct {
	Base
	Prefix       string // "" for the whole catalog
	Name         string
	ServicePage  string // the service's page (live or tombstone); "" for the catalog
	Live         bool
	Snapshots    []history.Snapshot
	Chart        *Chart
	Transitions  []*TransitionView
	Quiet        []history.Snapshot // snapshots in which the service did not change
	Feed, PMFeed string
}

// TombstonePage is the page of something the catalog no longer lists.
type TombstonePage struct {
	Base
	Entity      history.Entity
	What        string // "action", "resource type", "condition key", "service"
	Display     string // the entity as it was named: "demo:OldThing"
	Records     []history.RemovedEntity
	Removed     string // label of the first snapshot without it
	Last        string // label of the last snapshot with it
	ServiceName string
	ServicePage string // the service page, live or tombstone
	ServiceLive bool
	ChangesPath string          // where the removal is listed, with its anchor
	Variant     *catalog.Action // a live action whose name differs only in letter case
	Timeline    []*ChangeView
	Actions     []history.RemovedEntity // a removed service's actions
	Labels      map[string]string       // snapshot date → label
	// Successor is the page of what took a removed service's place, or of
	// the same action there: AWS renamed the prefix (successors). "" when
	// nothing did.
	Successor   string
	SuccessorID string // the successor as named: "newprefix" or "newprefix:Action"

	hb *historyBuilder // for KeyPage and ResourcePage
}

// KeyPage is the page of a condition key the removed entity named: live,
// or a tombstone; "" when the site has neither.
func (p *TombstonePage) KeyPage(name string) string {
	return p.hb.entityPath(history.ConditionKeyEntity, "", name)
}

// ResourcePage is the page of a resource type of the entity's service, by
// name: live, or a tombstone; "" when the site has neither.
func (p *TombstonePage) ResourcePage(name string) string {
	return p.hb.entityPath(history.ResourceTypeEntity, p.First().Service, name)
}

// RemovedPath is the tombstone of a removed action.
func (p *TombstonePage) RemovedPath(r history.RemovedEntity) string {
	return ActionPath(stubAction(r.Service, r.Name))
}

// First is the tombstone's (first) record.
func (p *TombstonePage) First() *history.RemovedEntity { return &p.Records[0] }

// loadHistory loads content/history, when the content has one, before the
// pages are assembled: the action, service and home pages show what it
// says (actionHistory, serviceHistory). A history that does not load is a
// build error, and the pages are assembled without it.
func (b *builder) loadHistory() {
	if _, err := fs.Stat(b.cfg.Content, history.SnapshotsFile); err != nil {
		// No history is no error; files in history/ without the list
		// that names them would be left out unread.
		if entries, _ := fs.ReadDir(b.cfg.Content, history.Dir); len(entries) > 0 {
			b.errs = append(b.errs, &diag.Diagnostic{File: history.SnapshotsFile, Msg: fmt.Sprintf("missing, but %s/ holds %s: snapshots.yaml lists the history's snapshots, and without it none is read (see history/README.md)", history.Dir, entries[0].Name())})
		}
		return
	}
	var h *history.History
	var err error
	if b.catalogFailed {
		// Checked against a partial catalog, the history would only
		// repeat the catalog's errors: its own files are checked alone.
		_, err = history.Load(b.cfg.Content)
	} else {
		h, err = history.LoadChecked(b.cfg.Content, b.cat)
	}
	if err != nil || h == nil {
		b.errs = append(b.errs, diag.From(history.Dir, err)...)
		return
	}
	hb := &historyBuilder{b: b, h: h, labels: map[string]string{}, tomb: map[string]bool{}, same: map[*catalog.Service]*ActionHistoryView{}}
	for _, s := range h.Snapshots() {
		hb.labels[s.Date] = s.Label
	}
	hb.succ = hb.successors()
	b.hist = hb
}

// successors maps each removed service to the live one that took its
// place, as when AWS renames a prefix: a service added in the snapshot
// that removed it, with the same name or at least half of its actions
// (by name). A removed service with no such service, or with several,
// has none.
func (hb *historyBuilder) successors() map[string]*catalog.Service {
	out := map[string]*catalog.Service{}
	for _, t := range hb.h.Transitions() {
		added, removed := map[string]string{}, map[string]string{} // prefix → name
		removedActions := map[string][]string{}
		for _, c := range t.Changes {
			switch {
			case c.Entity == history.ServiceEntity && c.Kind == history.Added && c.Record != nil:
				added[c.Service] = c.Record.Name
			case c.Entity == history.ServiceEntity && c.Kind == history.Removed && c.Record != nil:
				removed[c.Service] = c.Record.Name
			case c.Entity == history.ActionEntity && c.Kind == history.Removed:
				removedActions[c.Service] = append(removedActions[c.Service], c.Name)
			}
		}
		for r, rName := range removed {
			if live := hb.b.cat.Service(r); live != nil {
				continue // back in the catalog
			}
			var found []*catalog.Service
			for a, aName := range added {
				s := hb.b.cat.Service(a)
				if s == nil || s.Prefix != a {
					continue
				}
				same := 0
				for _, n := range removedActions[r] {
					if x := s.Action(n); x != nil && x.Name == n {
						same++
					}
				}
				if strings.EqualFold(rName, aName) || len(removedActions[r]) > 0 && 2*same >= len(removedActions[r]) {
					found = append(found, s)
				}
			}
			if len(found) == 1 {
				out[r] = found[0]
			}
		}
	}
	return out
}

// historyPages adds the history pages and the tombstones. It runs after the
// catalog and policy pages, whose paths the tombstones must not take.
func (b *builder) historyPages() {
	hb := b.hist
	if hb == nil {
		return
	}
	hb.tombstones()
	if len(b.errs) > 0 {
		return
	}
	hb.removedServiceJSON() // promises.go
	hb.changesPages()
	hb.feeds()
}

type historyBuilder struct {
	b      *builder
	h      *history.History
	labels map[string]string
	tomb   map[string]bool             // tombstone paths
	succ   map[string]*catalog.Service // removed prefix → its successor (successors)
	// per service prefix, its transitions (newest first), built once
	svc    map[string][]history.Transition
	charts map[string]*Chart                       // per service prefix, shared by its page and its changes page
	same   map[*catalog.Service]*ActionHistoryView // the shared view of the unchanged actions, per service
}

// chart is the chart of a service's actions per snapshot.
func (hb *historyBuilder) chart(prefix string) *Chart {
	if c, ok := hb.charts[prefix]; ok {
		return c
	}
	if hb.charts == nil {
		hb.charts = map[string]*Chart{}
	}
	c := newChart("growth", "Actions of "+prefix+" per snapshot", hb.h.Counts(prefix), hb.h.Snapshots())
	hb.charts[prefix] = c
	return c
}

func stubAction(prefix, name string) *catalog.Action {
	return &catalog.Action{Service: &catalog.Service{Prefix: prefix}, Name: name}
}

func stubResource(prefix, name string) *catalog.ResourceType {
	return &catalog.ResourceType{Service: &catalog.Service{Prefix: prefix}, Name: name}
}

// liveAction is the catalog's action of exactly this name.
func (hb *historyBuilder) liveAction(prefix, name string) *catalog.Action {
	s := hb.b.cat.Service(prefix)
	if s == nil || s.Prefix != prefix {
		return nil
	}
	if a := s.Action(name); a != nil && a.Name == name {
		return a
	}
	return nil
}

// entityPath is the page of a changed entity, live or tombstone.
func (hb *historyBuilder) entityPath(e history.Entity, prefix, name string) string {
	var p string
	live := false
	switch e {
	case history.ActionEntity:
		p = ActionPath(stubAction(prefix, name))
		live = hb.liveAction(prefix, name) != nil
	case history.ResourceTypeEntity:
		p = ResourcePath(stubResource(prefix, name))
		if s := hb.b.cat.Service(prefix); s != nil && s.Prefix == prefix {
			live = s.ResourceType(name) != nil
		}
	case history.ConditionKeyEntity:
		p = ConditionKeyPath(name)
		live = hb.b.cat.ConditionKey(name) != nil
	default:
		p = ServicePath(prefix)
		s := hb.b.cat.Service(prefix)
		live = s != nil && s.Prefix == prefix
	}
	if live || hb.tomb[p] {
		return p
	}
	return ""
}

// changeID is a change's element id: the date, the entity and its name.
func changeID(date string, c *history.Change, withService bool) string {
	var sb strings.Builder
	sb.WriteString(date)
	sb.WriteByte('-')
	switch c.Entity {
	case history.ActionEntity:
		sb.WriteString("action-")
	case history.ResourceTypeEntity:
		sb.WriteString("resource-")
	case history.ConditionKeyEntity:
		sb.WriteString("condition-")
	default:
		sb.WriteString("service-")
		sb.WriteString(c.Service)
		return sb.String()
	}
	if withService {
		sb.WriteString(c.Service)
		sb.WriteByte('-')
	}
	if c.Entity == history.ActionEntity {
		sb.WriteString(c.Name)
	} else {
		sb.WriteString(Slug(c.Name))
	}
	return sb.String()
}

func (hb *historyBuilder) view(from, date string, c *history.Change) *ChangeView {
	v := &ChangeView{Kind: c.Kind, Entity: c.Entity, Service: c.Service, Name: c.Name, Date: date, From: from, Label: hb.labels[date],
		DatePath: ServiceChangesPath(c.Service) + "#" + changeID(date, c, false)}
	if c.SourceOnly() {
		v.DatePath += "-source" // listed apart (transitionView)
	}
	v.Path = hb.entityPath(c.Entity, c.Service, c.Name)
	if c.Record != nil {
		v.Level = c.Record.AccessLevel
		if c.Entity == history.ServiceEntity {
			v.Name = c.Record.Name
		}
	}
	for _, f := range c.Fields {
		v.Fields = append(v.Fields, FieldView{Field: f.Field, Label: fieldLabels[f.Field], Row: f.Row, Resource: f.Resource, Old: f.Old, New: f.New, Added: f.Added, Removed: f.Removed, Source: f.Source})
	}
	return v
}

// serviceTransitions are a service's transitions, newest first.
func (hb *historyBuilder) serviceTransitions(prefix string) []history.Transition {
	if hb.svc == nil {
		hb.svc = map[string][]history.Transition{}
		for _, t := range hb.h.Transitions() {
			lo := 0
			for lo < len(t.Changes) {
				hi := lo
				p := t.Changes[lo].Service
				for hi < len(t.Changes) && t.Changes[hi].Service == p {
					hi++
				}
				hb.svc[p] = append(hb.svc[p], history.Transition{From: t.From, To: t.To, Changes: t.Changes[lo:hi:hi], SourceChange: t.SourceChange})
				lo = hi
			}
		}
	}
	return hb.svc[prefix]
}

// transitionView sorts a transition's changes into the page's lists. With
// perService, row ids carry the service prefix (the whole-catalog page).
func (hb *historyBuilder) transitionView(t history.Transition, whole bool) *TransitionView {
	date := t.To.Date
	tv := &TransitionView{ID: date, From: t.From, To: t.To, SourceChange: t.SourceChange}
	sourceKinds := map[string]int{}
	var deltas map[string]*ServiceDelta
	if whole {
		deltas = map[string]*ServiceDelta{}
	}
	delta := func(c *history.Change) *ServiceDelta {
		d := deltas[c.Service]
		if d == nil {
			d = &ServiceDelta{Prefix: c.Service, Path: ServiceChangesPath(c.Service) + "#" + date, ServicePage: hb.entityPath(history.ServiceEntity, c.Service, "")}
			if s := hb.b.cat.Service(c.Service); s != nil {
				d.Name = s.Name
			}
			deltas[c.Service] = d
			tv.Services = append(tv.Services, d)
		}
		return d
	}
	for i := range t.Changes {
		c := &t.Changes[i]
		// Differences between the sources are listed apart, not counted.
		if sf := c.SourceFields(); len(sf) > 0 {
			tv.SourceN++
			for _, f := range sf {
				sourceKinds[sourceKindLabel(c.Entity, f)]++
			}
			if !whole {
				sc := *c
				sc.Fields = sf
				v := hb.rowView(t, &sc, whole)
				v.ID += "-source"
				tv.SourceDiffs = append(tv.SourceDiffs, v)
			}
			if c.SourceOnly() {
				continue
			}
			rc := *c
			rc.Fields = c.RealFields()
			c = &rc
		}
		var d *ServiceDelta
		if whole {
			d = delta(c)
		}
		switch c.Entity {
		case history.ServiceEntity:
			if whole {
				d.Kind = c.Kind
				if c.Record != nil && d.Name == "" {
					d.Name = c.Record.Name
				}
				switch c.Kind {
				case history.Added:
					tv.ServicesAdded++
				case history.Removed:
					tv.ServicesRemoved++
				}
				continue
			}
			tv.ServiceChanges = append(tv.ServiceChanges, hb.rowView(t, c, whole))
		case history.ActionEntity:
			level := catalog.AccessLevel("")
			if c.Record != nil {
				level = c.Record.AccessLevel
			}
			switch c.Kind {
			case history.Added:
				tv.AddedN++
				if i := level.Index(); i < len(tv.Added) {
					tv.Added[i]++
				}
				if level == catalog.PermissionsManagement {
					tv.PermissionsMgmt = append(tv.PermissionsMgmt, hb.rowView(t, c, whole))
				}
				if whole {
					d.Added++
					if level == catalog.PermissionsManagement {
						d.PermissionsMgmt++
					}
				} else {
					tv.AddedActions = append(tv.AddedActions, hb.rowView(t, c, whole))
				}
			case history.Removed:
				tv.RemovedN++
				if i := level.Index(); i < len(tv.Removed) {
					tv.Removed[i]++
				}
				tv.RemovedActions = append(tv.RemovedActions, hb.rowView(t, c, whole))
				if whole {
					d.Removed++
				}
			case history.Changed:
				tv.Changed++
				for _, f := range c.Fields {
					if f.Field == history.AccessLevelField {
						tv.ChangedAccessLevel++
						if catalog.AccessLevel(f.New) == catalog.PermissionsManagement {
							tv.ToPermissionsMgmt = append(tv.ToPermissionsMgmt, hb.rowView(t, c, whole))
						}
					}
				}
				if whole {
					d.Changed++
				} else {
					tv.ChangedActions = append(tv.ChangedActions, hb.rowView(t, c, whole))
				}
			}
		case history.ResourceTypeEntity:
			tv.ResourceTypeCount++
			if whole {
				d.Resources++
			} else {
				tv.ResourceTypes = append(tv.ResourceTypes, hb.rowView(t, c, whole))
			}
		case history.ConditionKeyEntity:
			tv.ConditionKeyCount++
			if whole {
				d.Keys++
			} else {
				tv.ConditionKeys = append(tv.ConditionKeys, hb.rowView(t, c, whole))
			}
		}
	}
	for _, k := range sourceKindOrder {
		if n := sourceKinds[k]; n > 0 {
			tv.SourceKinds = append(tv.SourceKinds, SourceKind{Label: k, N: n})
		}
	}
	return tv
}

// sourceKindOrder is the order SourceKinds are shown in.
var sourceKindOrder = []string{"action descriptions", "actions' resource types", "required flags", "condition keys of actions", "dependent actions", "condition keys of resource types", "ARN formats", "condition key descriptions", "condition key types", "service names"}

// sourceKindLabel names the kind of a source difference.
func sourceKindLabel(e history.Entity, f history.FieldChange) string {
	switch {
	case e == history.ActionEntity && f.Field == history.DescriptionField:
		return "action descriptions"
	case f.Field == history.ResourceTypeField && (f.Old == history.RowAbsent || f.New == history.RowAbsent):
		return "actions' resource types"
	case f.Field == history.ResourceTypeField:
		return "required flags"
	case e == history.ActionEntity && f.Field == history.ConditionKeysField:
		return "condition keys of actions"
	case f.Field == history.DependentActionsField:
		return "dependent actions"
	case e == history.ResourceTypeEntity && f.Field == history.ConditionKeysField:
		return "condition keys of resource types"
	case f.Field == history.ARNField:
		return "ARN formats"
	case e == history.ConditionKeyEntity && f.Field == history.DescriptionField:
		return "condition key descriptions"
	case f.Field == history.TypeField:
		return "condition key types"
	}
	return "service names"
}

func (hb *historyBuilder) rowView(t history.Transition, c *history.Change, whole bool) *ChangeView {
	v := hb.view(t.From.Date, t.To.Date, c)
	v.ID = changeID(t.To.Date, c, whole)
	return v
}

// changesPages adds /changes/ and /<prefix>/changes/ for every service the
// history knows, live or removed.
func (hb *historyBuilder) changesPages() {
	b := hb.b
	snaps := hb.h.Snapshots()
	first, last := snaps[0], snaps[len(snaps)-1]
	all := &ChangesPage{Snapshots: snaps, Live: true, Feed: ChangesFeedPath, PMFeed: PermissionsFeedPath}
	all.Base = b.base(ChangesPath, "Catalog changes", fmt.Sprintf("What AWS added, removed and changed in the IAM catalog across %d snapshots, from %s to %s.", len(snaps), first.Label, last.Label), homeCrumb)
	all.Short = "Changes"
	all.Feeds = []Crumb{{Name: "iamref: catalog changes", Path: ChangesFeedPath}, {Name: "iamref: new Permissions management actions", Path: PermissionsFeedPath}}
	all.Chart = newChart("growth", "Actions in the catalog per snapshot", hb.h.Counts(""), snaps)
	for _, t := range hb.h.Transitions() {
		all.Transitions = append(all.Transitions, hb.transitionView(t, true))
	}
	b.add(changesKind, all)

	crumbs := []Crumb{homeCrumb, {Name: "Changes", Path: ChangesPath}}
	for _, prefix := range hb.prefixes() {
		p := &ChangesPage{Prefix: prefix, Snapshots: snaps, Feed: ServiceFeedPath(prefix)}
		p.ServicePage = hb.entityPath(history.ServiceEntity, prefix, "")
		if s := b.cat.Service(prefix); s != nil && s.Prefix == prefix {
			p.Name, p.Live = s.Name, true
		} else {
			for _, r := range hb.h.RemovedServices() {
				if r.Service == prefix {
					p.Name = r.Record.Name
				}
			}
		}
		name := p.Name
		if name == "" {
			name = prefix
		}
		ts := hb.serviceTransitions(prefix)
		changed := map[string]bool{}
		for _, t := range ts {
			p.Transitions = append(p.Transitions, hb.transitionView(t, false))
			changed[t.To.Date] = true
		}
		for _, s := range snaps[1:] {
			if !changed[s.Date] {
				p.Quiet = append(p.Quiet, s)
			}
		}
		p.Chart = hb.chart(prefix)
		sc := crumbs
		if p.ServicePage != "" {
			sc = []Crumb{homeCrumb, {Name: name, Path: p.ServicePage}}
		}
		p.Base = b.base(ServiceChangesPath(prefix), name+" — changes", fmt.Sprintf("What AWS added, removed and changed in the IAM actions, resource types and condition keys of %s (%s) from %s to %s.", name, prefix, first.Label, last.Label), sc...)
		p.Short = "Changes"
		p.Feeds = []Crumb{{Name: "iamref: " + prefix + " changes", Path: ServiceFeedPath(prefix)}}
		b.add(changesKind, p)
	}
}

// prefixes lists every service prefix of the catalog and of the history, sorted.
func (hb *historyBuilder) prefixes() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range hb.b.cat.Services {
		seen[s.Prefix] = true
		out = append(out, s.Prefix)
	}
	for _, r := range hb.h.RemovedServices() {
		if !seen[r.Service] {
			seen[r.Service] = true
			out = append(out, r.Service)
		}
	}
	sort.Strings(out)
	return out
}

// actionHistory is the history section of an action's page; nil when the
// history does not know the action.
func (hb *historyBuilder) actionHistory(a *catalog.Action) *ActionHistoryView {
	tl, ok := hb.h.Timeline(a.ID())
	if !ok || tl.ID != a.ID() {
		return nil
	}
	v := &ActionHistoryView{Since: hb.h.Earliest().Label, ChangesPath: ServiceChangesPath(a.Service.Prefix), Prefix: a.Service.Prefix}
	if tl.FirstSeen != "" {
		v.FirstSeen = hb.labels[tl.FirstSeen]
	}
	for i := range tl.Changes {
		dc := &tl.Changes[i]
		cv := hb.view(dc.From, dc.Date, &dc.Change)
		cv.ID = "change-" + dc.Date
		v.Changes = append(v.Changes, cv)
	}
	if len(v.Changes) == 0 && v.FirstSeen == "" {
		if shared := hb.same[a.Service]; shared != nil {
			return shared
		}
		v.Shared = true
		hb.same[a.Service] = v
	}
	return v
}

// serviceHistory adds the history to a service's page: its chart, and the
// link to and feed of its changes.
func (hb *historyBuilder) serviceHistory(p *ServicePage) {
	prefix := p.Service.Prefix
	p.History = &ServiceHistory{Chart: hb.chart(prefix), ChangesPath: ServiceChangesPath(prefix), Feed: ServiceFeedPath(prefix)}
	n := len(hb.serviceTransitions(prefix))
	p.Links = append(p.Links, Crumb{Name: fmt.Sprintf("What changed in %s (%d of %d snapshots)", prefix, n, len(hb.h.Snapshots())-1), Path: ServiceChangesPath(prefix)})
	p.Feeds = append(p.Feeds, Crumb{Name: "iamref: " + prefix + " changes", Path: ServiceFeedPath(prefix)})
}

// homeLink is the home page's link to the changes.
func (hb *historyBuilder) homeLink() Crumb {
	return Crumb{Name: fmt.Sprintf("What changed since %s", hb.h.Earliest().Label), Path: ChangesPath}
}

// tombstones adds a page at the URL of every removed action, resource type,
// condition key and service. A tombstone never takes a live page's path:
// two names that would share a page are a build error.
func (hb *historyBuilder) tombstones() {
	b := hb.b
	taken := make(map[string]bool, len(b.jobs))
	for _, j := range b.jobs {
		if j.kind != noKind {
			taken[j.path] = true
		}
	}
	liveLower := map[string]*catalog.Action{}
	for _, s := range b.cat.Services {
		for _, a := range s.Actions {
			liveLower[strings.ToLower(a.ID())] = a
		}
	}
	var pages []*TombstonePage
	add := func(p *TombstonePage, r *history.RemovedEntity) {
		if taken[p.Path] {
			b.errs = append(b.errs, &diag.Diagnostic{File: history.FileName(r.Removed), Msg: fmt.Sprintf("the removed %s %s would take the page %s, which the site already has: two names share one URL", p.What, p.Display, p.Path)})
			return
		}
		taken[p.Path] = true
		hb.tomb[p.Path] = true
		pages = append(pages, p)
	}
	newPage := func(r history.RemovedEntity, what, display, path string) *TombstonePage {
		p := &TombstonePage{Entity: r.Entity, What: what, Display: display, Records: []history.RemovedEntity{r},
			Removed: hb.labels[r.Removed], Last: hb.labels[r.Last], Labels: hb.labels, hb: hb,
			ChangesPath: ServiceChangesPath(r.Service) + "#" + changeID(r.Removed, &history.Change{Entity: r.Entity, Service: r.Service, Name: r.Name}, false)}
		p.Base = Base{Path: path, Site: b.info, NoIndex: true}
		return p
	}

	removedSvc := map[string]history.RemovedEntity{}
	for _, r := range hb.h.RemovedServices() {
		removedSvc[r.Service] = r
		p := newPage(r, "service", r.Service, ServicePath(r.Service))
		p.ServiceName = r.Record.Name
		if s := hb.succ[r.Service]; s != nil {
			p.Successor, p.SuccessorID = ServicePath(s.Prefix), s.Prefix
		}
		add(p, &r)
	}
	for _, r := range hb.h.Removed() {
		if reservedSegments[r.Name] {
			b.errs = append(b.errs, &diag.Diagnostic{File: history.FileName(r.Removed), Msg: fmt.Sprintf("the removed action %s would collide with the site's %s/ pages", r.ID(), r.Name)})
			continue
		}
		p := newPage(r, "action", r.ID(), ActionPath(stubAction(r.Service, r.Name)))
		if a := liveLower[strings.ToLower(r.ID())]; a != nil {
			p.Variant = a
		}
		if s := hb.succ[r.Service]; s != nil {
			if a := s.Action(r.Name); a != nil {
				p.Successor, p.SuccessorID = ActionPath(a), a.ID()
			}
		}
		if tl, ok := hb.h.Timeline(r.ID()); ok && tl.ID == r.ID() {
			for i := range tl.Changes {
				dc := &tl.Changes[i]
				cv := hb.view(dc.From, dc.Date, &dc.Change)
				cv.ID = "change-" + dc.Date
				p.Timeline = append(p.Timeline, cv)
			}
		}
		add(p, &r)
	}
	for _, r := range hb.h.RemovedResourceTypes() {
		add(newPage(r, "resource type", r.Service+"/"+r.Name, ResourcePath(stubResource(r.Service, r.Name))), &r)
	}
	// Condition-key pages are global: one tombstone per key that no
	// service defines or uses any more, with every service's last record.
	byKey := map[string]*TombstonePage{}
	for _, r := range hb.h.RemovedConditionKeys() {
		if b.cat.ConditionKey(r.Name) != nil {
			continue // still on a live page
		}
		if p := byKey[r.Name]; p != nil {
			p.Records = append(p.Records, r)
			continue
		}
		p := newPage(r, "condition key", r.Name, ConditionKeyPath(r.Name))
		byKey[r.Name] = p
		add(p, &r)
	}

	// Titles, crumbs and the service's actions, once every page is known.
	for _, p := range pages {
		r := p.First()
		svcName := ""
		if s := b.cat.Service(r.Service); s != nil && s.Prefix == r.Service {
			svcName, p.ServiceLive = s.Name, true
		} else if rs, ok := removedSvc[r.Service]; ok {
			svcName = rs.Record.Name
		}
		if p.ServiceName == "" {
			p.ServiceName = svcName
		}
		p.ServicePage = hb.entityPath(history.ServiceEntity, r.Service, "")
		switch r.Entity {
		case history.ServiceEntity:
			for _, a := range hb.h.Removed() {
				if a.Service == r.Service {
					p.Actions = append(p.Actions, a)
				}
			}
			p.Crumbs = []Crumb{homeCrumb}
		case history.ConditionKeyEntity:
			p.Crumbs = []Crumb{homeCrumb, {Name: "Condition keys", Path: "/conditions/"}}
		default:
			p.Crumbs = []Crumb{homeCrumb}
			if p.ServicePage != "" {
				p.Crumbs = append(p.Crumbs, Crumb{Name: p.ServiceName, Path: p.ServicePage})
			}
		}
		p.Title = fmt.Sprintf("%s — removed %s", p.Display, p.What)
		p.Short = p.Display
		p.Description = fmt.Sprintf("The %s %s was removed from the AWS IAM catalog in the snapshot of %s; it was last listed in %s.", p.What, p.Display, p.Removed, p.Last)
		b.add(tombstoneKind, p)
	}
}
