package history

import (
	"sort"

	"github.com/iamref/iamref/builder/catalog"
)

// SnapshotOf describes a catalog as a snapshot: its date, source, hash and
// action count, with a label made from the date.
func SnapshotOf(c *catalog.Catalog) Snapshot {
	return Snapshot{Date: c.Snapshot.Date, Label: Label(c.Snapshot.Date), Source: c.Snapshot.Source, Actions: c.ActionCount(), Hash: c.Snapshot.Hash}
}

// Diff lists every change from old to new: services, actions, resource types
// and condition keys added or removed, and every changed field. Names compare
// exactly (an action whose name changes only in letter case is removed and
// added). Access levels are the official ones, before any override.
func Diff(old, new *catalog.Catalog) Transition {
	t := Transition{From: SnapshotOf(old), To: SnapshotOf(new)}
	oldSvc := map[string]*catalog.Service{}
	for _, s := range old.Services {
		oldSvc[s.Prefix] = s
	}
	newSvc := map[string]*catalog.Service{}
	for _, s := range new.Services {
		newSvc[s.Prefix] = s
	}
	var prefixes []string
	for p := range oldSvc {
		prefixes = append(prefixes, p)
	}
	for p := range newSvc {
		if oldSvc[p] == nil {
			prefixes = append(prefixes, p)
		}
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		t.Changes = append(t.Changes, diffService(oldSvc[p], newSvc[p], p)...)
	}
	t.ActionsAdded, t.ActionsRemoved = countLevels(t.Changes)
	return t
}

// diffService compares one service; o or n is nil when it is absent.
func diffService(o, n *catalog.Service, prefix string) []Change {
	var out []Change
	empty := &catalog.Service{Prefix: prefix}
	switch {
	case o == nil:
		out = append(out, Change{Kind: Added, Entity: ServiceEntity, Service: prefix, Record: &Record{Name: n.Name}})
		o = empty
	case n == nil:
		out = append(out, Change{Kind: Removed, Entity: ServiceEntity, Service: prefix, Record: &Record{Name: o.Name}})
		n = empty
	case o.Name != n.Name:
		out = append(out, Change{Kind: Changed, Entity: ServiceEntity, Service: prefix, Fields: []FieldChange{{Field: NameField, Old: o.Name, New: n.Name}}})
	}

	// Actions.
	actionName := func(a *catalog.Action) string { return a.Name }
	oa, na := byName(o.Actions, actionName), byName(n.Actions, actionName)
	for _, name := range unionNames(oa, na) {
		a, b := oa[name], na[name]
		switch {
		case a == nil:
			out = append(out, Change{Kind: Added, Entity: ActionEntity, Service: prefix, Name: name, Record: &Record{AccessLevel: b.AccessLevel}})
		case b == nil:
			out = append(out, Change{Kind: Removed, Entity: ActionEntity, Service: prefix, Name: name, Record: actionRecord(a)})
		default:
			if fs := diffAction(a, b); len(fs) > 0 {
				out = append(out, Change{Kind: Changed, Entity: ActionEntity, Service: prefix, Name: name, Fields: fs})
			}
		}
	}

	// Resource types.
	rtName := func(r *catalog.ResourceType) string { return r.Name }
	ort, nrt := byName(o.ResourceTypes, rtName), byName(n.ResourceTypes, rtName)
	for _, name := range unionNames(ort, nrt) {
		a, b := ort[name], nrt[name]
		switch {
		case a == nil:
			out = append(out, Change{Kind: Added, Entity: ResourceTypeEntity, Service: prefix, Name: name, Record: &Record{ARN: b.ARN}})
		case b == nil:
			out = append(out, Change{Kind: Removed, Entity: ResourceTypeEntity, Service: prefix, Name: name, Record: &Record{ARN: a.ARN, ConditionKeys: clone(a.ConditionKeys)}})
		default:
			var fs []FieldChange
			if a.ARN != b.ARN {
				fs = append(fs, FieldChange{Field: ARNField, Old: a.ARN, New: b.ARN})
			}
			if add, rem := listDiff(a.ConditionKeys, b.ConditionKeys); add != nil || rem != nil {
				fs = append(fs, FieldChange{Field: ConditionKeysField, Added: add, Removed: rem})
			}
			if len(fs) > 0 {
				out = append(out, Change{Kind: Changed, Entity: ResourceTypeEntity, Service: prefix, Name: name, Fields: fs})
			}
		}
	}

	// Condition keys.
	keyName := func(k *catalog.ConditionKey) string { return k.Name }
	ock, nck := byName(o.ConditionKeys, keyName), byName(n.ConditionKeys, keyName)
	for _, name := range unionNames(ock, nck) {
		a, b := ock[name], nck[name]
		switch {
		case a == nil:
			out = append(out, Change{Kind: Added, Entity: ConditionKeyEntity, Service: prefix, Name: name, Record: &Record{Type: b.Type}})
		case b == nil:
			out = append(out, Change{Kind: Removed, Entity: ConditionKeyEntity, Service: prefix, Name: name, Record: &Record{Description: a.Description, Type: a.Type}})
		default:
			var fs []FieldChange
			if a.Description != b.Description {
				fs = append(fs, FieldChange{Field: DescriptionField, Old: a.Description, New: b.Description})
			}
			if a.Type != b.Type {
				fs = append(fs, FieldChange{Field: TypeField, Old: a.Type, New: b.Type})
			}
			if len(fs) > 0 {
				out = append(out, Change{Kind: Changed, Entity: ConditionKeyEntity, Service: prefix, Name: name, Fields: fs})
			}
		}
	}
	return out
}

func actionRecord(a *catalog.Action) *Record {
	r := &Record{Description: a.Description, AccessLevel: a.AccessLevel, ResourceTypes: []ResourceRow{}}
	for _, row := range a.ResourceTypes {
		r.ResourceTypes = append(r.ResourceTypes, ResourceRow{Name: row.Name, Required: row.Required, ConditionKeys: clone(row.ConditionKeys), DependentActions: clone(row.DependentActions)})
	}
	return r
}

// diffAction lists the changed fields of an action: description, access
// level, then per resource-type row (sorted by name) its presence or
// required flag, condition keys and dependent actions. A row absent on one
// side counts as a row with no keys and no dependent actions.
func diffAction(a, b *catalog.Action) []FieldChange {
	var fs []FieldChange
	if a.Description != b.Description {
		fs = append(fs, FieldChange{Field: DescriptionField, Old: a.Description, New: b.Description})
	}
	if a.AccessLevel != b.AccessLevel {
		fs = append(fs, FieldChange{Field: AccessLevelField, Old: string(a.AccessLevel), New: string(b.AccessLevel)})
	}
	or := map[string]*catalog.ActionResource{}
	for _, r := range a.ResourceTypes {
		or[r.Name] = r
	}
	nr := map[string]*catalog.ActionResource{}
	for _, r := range b.ResourceTypes {
		nr[r.Name] = r
	}
	for _, name := range unionNames(or, nr) {
		x, y := or[name], nr[name]
		if rowState(x) != rowState(y) {
			fs = append(fs, FieldChange{Field: ResourceTypeField, Resource: name, Row: true, Old: rowState(x), New: rowState(y)})
		}
		var xk, yk, xd, yd []string
		if x != nil {
			xk, xd = x.ConditionKeys, x.DependentActions
		}
		if y != nil {
			yk, yd = y.ConditionKeys, y.DependentActions
		}
		if add, rem := listDiff(xk, yk); add != nil || rem != nil {
			fs = append(fs, FieldChange{Field: ConditionKeysField, Resource: name, Row: true, Added: add, Removed: rem})
		}
		if add, rem := listDiff(xd, yd); add != nil || rem != nil {
			fs = append(fs, FieldChange{Field: DependentActionsField, Resource: name, Row: true, Added: add, Removed: rem})
		}
	}
	return fs
}

func rowState(r *catalog.ActionResource) string {
	switch {
	case r == nil:
		return RowAbsent
	case r.Required:
		return RowRequired
	}
	return RowOptional
}

// listDiff returns the items of b not in a (in b's order) and of a not in b
// (in a's order), each without duplicates; nil when there are none.
func listDiff(a, b []string) (added, removed []string) {
	in := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, s := range list {
			m[s] = true
		}
		return m
	}
	ia, ib := in(a), in(b)
	seen := map[string]bool{}
	for _, s := range b {
		if !ia[s] && !seen[s] {
			seen[s] = true
			added = append(added, s)
		}
	}
	for _, s := range a {
		if !ib[s] && !seen[s] {
			seen[s] = true
			removed = append(removed, s)
		}
	}
	return added, removed
}

// byName indexes items by their name.
func byName[T any](items []T, name func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[name(it)] = it
	}
	return m
}

func unionNames[T any](a, b map[string]T) []string {
	names := make([]string, 0, len(a)+len(b))
	for k := range a {
		names = append(names, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return names
}

func clone(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}
