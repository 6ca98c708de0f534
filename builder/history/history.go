package history

import (
	"sort"
	"strings"
	"sync"

	"github.com/iamref/iamref/builder/catalog"
)

// Snapshot is one point in time of the catalog.
type Snapshot struct {
	Date    string // YYYY-MM-DD, or YYYY-MM when only the month is known
	Label   string // for display: "12 November 2024", "May 2025"
	Source  string // where the data came from
	Actions int    // actions in the whole catalog
	// Hash identifies the data: catalog.Snapshot.Hash for a snapshot that
	// was content/catalog, the first 12 hex digits of the SHA-256 of the
	// file for a snapshot read from an iam-definition.json file.
	Hash string
}

// Kind says what happened to an entity.
type Kind string

// The kinds of change.
const (
	Added   Kind = "added"
	Removed Kind = "removed"
	Changed Kind = "changed"
)

// Entity is what a change is about.
type Entity string

// The entities of the catalog.
const (
	ServiceEntity      Entity = "service"
	ActionEntity       Entity = "action"
	ResourceTypeEntity Entity = "resource_type"
	ConditionKeyEntity Entity = "condition_key"
)

// Field names a changed property.
type Field string

// The fields a change can record, by entity:
//
//	service:        Name
//	action:         Description, AccessLevel, ResourceType, ConditionKeys, DependentActions
//	resource_type:  ARN, ConditionKeys
//	condition_key:  Description, Type
const (
	NameField             Field = "name"              // the service's name; Old, New
	DescriptionField      Field = "description"       // Old, New
	AccessLevelField      Field = "access_level"      // Old, New
	ResourceTypeField     Field = "resource_type"     // one row of an action: Old, New are "", "optional" or "required" ("" = absent)
	ConditionKeysField    Field = "condition_keys"    // Added, Removed (for an action: of the row Resource)
	DependentActionsField Field = "dependent_actions" // Added, Removed, of the row Resource
	ARNField              Field = "arn"               // Old, New
	TypeField             Field = "type"              // Old, New
)

// Row states of an action's resource type, for ResourceTypeField.
const (
	RowAbsent   = ""
	RowOptional = "optional"
	RowRequired = "required"
)

// FieldChange is one changed property of an entity.
type FieldChange struct {
	Field Field
	// Resource is the action's resource-type row the change is about
	// ("" is the row of an action that names no resource type); it is
	// meaningful when Row is true, that is for ResourceTypeField and for an
	// action's ConditionKeysField and DependentActionsField.
	Resource string
	Row      bool
	Old, New string   // scalar fields
	Added    []string // list fields
	Removed  []string // list fields
	// Source is set on a field that differs because the catalog's source
	// changed, not (as far as the site can tell) because AWS changed it
	// (see MarkSourceChange).
	Source bool
}

// ResourceRow is one row of an action's resource types.
type ResourceRow struct {
	Name             string // "" when the action names no resource type
	Required         bool
	ConditionKeys    []string
	DependentActions []string
}

// Record is what an entity was. A removal carries the entity's full last
// record (for tombstone pages); an addition carries only AccessLevel (action),
// ARN (resource type), Type (condition key) or Name (service).
type Record struct {
	Name          string              // service: its name
	Description   string              // action, condition key
	AccessLevel   catalog.AccessLevel // action
	ResourceTypes []ResourceRow       // action
	ARN           string              // resource type
	ConditionKeys []string            // resource type
	Type          string              // condition key
}

// Change is one added, removed or changed entity.
type Change struct {
	Kind    Kind
	Entity  Entity
	Service string        // the service prefix
	Name    string        // action, resource type or condition key name; "" for a service
	Fields  []FieldChange // for Changed
	Record  *Record       // for Added and Removed
	Line    int           // line in its history file, 0 when the change was not read from a file
}

// ID is "prefix:Name" for an action, "prefix/name" for a resource type,
// "prefix key" for a condition key and the prefix for a service.
func (c Change) ID() string {
	switch c.Entity {
	case ActionEntity:
		return c.Service + ":" + c.Name
	case ResourceTypeEntity:
		return c.Service + "/" + c.Name
	case ConditionKeyEntity:
		return c.Service + " " + c.Name
	}
	return c.Service
}

// Transition is what changed from one snapshot to the next.
type Transition struct {
	From, To Snapshot
	Changes  []Change // sorted by service, entity (service, action, resource type, condition key), name
	// ActionsAdded and ActionsRemoved count added and removed actions per access level.
	ActionsAdded, ActionsRemoved map[catalog.AccessLevel]int
	// SourceChange is set when the catalog's source changed between the
	// two snapshots (From.Source and To.Source say which they were); the
	// differences that come from that are marked (FieldChange.Source).
	SourceChange bool
}

// DatedChange is a change with the transition it belongs to.
type DatedChange struct {
	From, Date string // the snapshots before and after the change
	Change
}

// ActionHistory is the story of one action.
type ActionHistory struct {
	ID string
	// FirstSeen is the date of the first snapshot that lists the action, or
	// "" when the earliest snapshot already lists it: then it existed before
	// Since, the earliest snapshot's date.
	FirstSeen string
	Since     string
	Present   bool          // the latest snapshot lists it
	Changes   []DatedChange // newest first: additions, removals and changes
}

// RemovedEntity is an action, resource type or condition key that a
// snapshot dropped and the latest snapshot does not list.
type RemovedEntity struct {
	Entity  Entity
	Service string
	Name    string
	Removed string // date of the first snapshot without it
	Last    string // date of the last snapshot that listed it
	Record  Record // as that snapshot had it
}

// ID is the entity's id as Change.ID gives it.
func (r RemovedEntity) ID() string {
	return Change{Entity: r.Entity, Service: r.Service, Name: r.Name}.ID()
}

// Count is the size of the catalog, or of one service, at one snapshot.
type Count struct {
	Date    string
	Actions int
	ByLevel map[catalog.AccessLevel]int
}

// History is every snapshot and the changes between them.
type History struct {
	snaps  []Snapshot
	trans  []Transition // oldest first; trans[i] goes from snaps[i] to snaps[i+1]
	counts []map[string]map[catalog.AccessLevel]int
	// per action id: index into trans of each change, oldest first
	actions   map[string]*actionEntry
	removed   map[Entity][]RemovedEntity
	final     state
	lastLine  int // line of the last snapshot in snapshots.yaml, for Check
	lowerOnce sync.Once
	lower     map[string]string // lower-case action id → the id, first in sort order; built on first use
}

type actionEntry struct {
	inFirst bool
	changes []changeRef
}

type changeRef struct{ t, c int }

// Snapshots lists the snapshots, oldest first.
func (h *History) Snapshots() []Snapshot { return h.snaps }

// Latest is the newest snapshot.
func (h *History) Latest() Snapshot { return h.snaps[len(h.snaps)-1] }

// Earliest is the oldest snapshot.
func (h *History) Earliest() Snapshot { return h.snaps[0] }

// Transitions lists the transitions, newest first.
func (h *History) Transitions() []Transition {
	out := make([]Transition, len(h.trans))
	for i, t := range h.trans {
		out[len(out)-1-i] = t
	}
	return out
}

// Transition returns the transition that ends at the snapshot of this date.
func (h *History) Transition(to string) (Transition, bool) {
	for _, t := range h.trans {
		if t.To.Date == to {
			return t, true
		}
	}
	return Transition{}, false
}

// ServiceChanges lists, newest first, the transitions in which the service
// changed, each holding only that service's changes and counts.
func (h *History) ServiceChanges(prefix string) []Transition {
	prefix = strings.ToLower(prefix)
	var out []Transition
	for i := len(h.trans) - 1; i >= 0; i-- {
		t := h.trans[i]
		lo := sort.Search(len(t.Changes), func(j int) bool { return t.Changes[j].Service >= prefix })
		hi := lo
		for hi < len(t.Changes) && t.Changes[hi].Service == prefix {
			hi++
		}
		if lo == hi {
			continue
		}
		st := Transition{From: t.From, To: t.To, Changes: t.Changes[lo:hi:hi], SourceChange: t.SourceChange}
		st.ActionsAdded, st.ActionsRemoved = countLevels(st.Changes)
		out = append(out, st)
	}
	return out
}

// Timeline is the story of an action, by exact id "prefix:Name" or, failing
// that, case-insensitively. ok is false for an action no snapshot lists.
func (h *History) Timeline(id string) (ActionHistory, bool) {
	e := h.actions[id]
	if e == nil {
		h.lowerOnce.Do(h.indexLower)
		id = h.lower[strings.ToLower(id)]
		if e = h.actions[id]; e == nil {
			return ActionHistory{}, false
		}
	}
	ah := ActionHistory{ID: id, Since: h.snaps[0].Date, Present: h.final.hasAction(id)}
	if !e.inFirst && len(e.changes) > 0 {
		ah.FirstSeen = h.trans[e.changes[0].t].To.Date
	}
	for i := len(e.changes) - 1; i >= 0; i-- {
		r := e.changes[i]
		t := h.trans[r.t]
		ah.Changes = append(ah.Changes, DatedChange{From: t.From.Date, Date: t.To.Date, Change: t.Changes[r.c]})
	}
	return ah, true
}

func (h *History) indexLower() {
	ids := make([]string, 0, len(h.actions))
	for id := range h.actions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	h.lower = make(map[string]string, len(ids))
	for _, id := range ids {
		l := strings.ToLower(id)
		if _, ok := h.lower[l]; !ok {
			h.lower[l] = id
		}
	}
}

// Removed lists the actions that were removed and that the latest snapshot
// does not list, sorted by id; an action removed twice appears once, with
// its latest removal.
func (h *History) Removed() []RemovedEntity { return h.removed[ActionEntity] }

// RemovedResourceTypes is Removed for resource types.
func (h *History) RemovedResourceTypes() []RemovedEntity { return h.removed[ResourceTypeEntity] }

// RemovedConditionKeys is Removed for the condition keys of services' tables.
func (h *History) RemovedConditionKeys() []RemovedEntity { return h.removed[ConditionKeyEntity] }

// RemovedServices is Removed for services.
func (h *History) RemovedServices() []RemovedEntity { return h.removed[ServiceEntity] }

// Counts gives the number of actions per snapshot, oldest first, of one
// service or, for prefix "", of the whole catalog, in total and per official
// access level. A snapshot without the service counts 0; the result is nil
// for a prefix no snapshot lists.
func (h *History) Counts(prefix string) []Count {
	prefix = strings.ToLower(prefix)
	out := make([]Count, len(h.snaps))
	known := false
	for i, s := range h.snaps {
		c := Count{Date: s.Date, ByLevel: map[catalog.AccessLevel]int{}}
		for p, levels := range h.counts[i] {
			if prefix != "" && p != prefix {
				continue
			}
			known = true
			for l, n := range levels {
				c.ByLevel[l] += n
				c.Actions += n
			}
		}
		out[i] = c
	}
	if !known {
		return nil
	}
	return out
}

func countLevels(cs []Change) (added, removed map[catalog.AccessLevel]int) {
	added, removed = map[catalog.AccessLevel]int{}, map[catalog.AccessLevel]int{}
	for _, c := range cs {
		if c.Entity != ActionEntity || c.Record == nil {
			continue
		}
		switch c.Kind {
		case Added:
			added[c.Record.AccessLevel]++
		case Removed:
			removed[c.Record.AccessLevel]++
		}
	}
	return added, removed
}
