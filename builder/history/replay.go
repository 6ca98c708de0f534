package history

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
)

// state is the catalog as far as the history knows it at one snapshot: its
// services, each action's access level, resource types and condition keys.
type state struct {
	services   map[string]bool
	actions    map[string]map[string]catalog.AccessLevel
	resources  map[string]map[string]bool
	conditions map[string]map[string]bool
}

func (st *state) hasAction(id string) bool {
	p, n, _ := strings.Cut(id, ":")
	_, ok := st.actions[p][n]
	return ok
}

func (st *state) actionCount() int {
	n := 0
	for _, m := range st.actions {
		n += len(m)
	}
	return n
}

// counts is the number of actions per service and access level; every
// listed service appears, with an empty map if it has no actions.
func (st *state) counts() map[string]map[catalog.AccessLevel]int {
	out := make(map[string]map[catalog.AccessLevel]int, len(st.services))
	for p := range st.services {
		m := map[catalog.AccessLevel]int{}
		for _, l := range st.actions[p] {
			m[l]++
		}
		out[p] = m
	}
	return out
}

func set[V any](m map[string]map[string]V, p string) map[string]V {
	if m[p] == nil {
		m[p] = map[string]V{}
	}
	return m[p]
}

// replay applies the history to a state, snapshot after snapshot, and
// gathers what the queries need.
type replay struct {
	h          *History
	st         state
	lastRemove map[Entity]map[string]RemovedEntity
	listed     string // the listing's service being read
}

func newReplay(h *History) *replay {
	return &replay{
		h: h,
		st: state{
			services:   map[string]bool{},
			actions:    map[string]map[string]catalog.AccessLevel{},
			resources:  map[string]map[string]bool{},
			conditions: map[string]map[string]bool{},
		},
		lastRemove: map[Entity]map[string]RemovedEntity{ServiceEntity: {}, ActionEntity: {}, ResourceTypeEntity: {}, ConditionKeyEntity: {}},
	}
}

// listing reads the earliest snapshot's file into the state.
func (r *replay) listing(file string, src []byte, s Snapshot) diag.List {
	return eachLine(file, src, func(d *lineDecoder, v *jsonpos.Value) {
		if d.line == 1 {
			var date string
			d.object(v, "header", []string{"snapshot"}, func(k string, v *jsonpos.Value) { date = d.String(v, "snapshot") })
			if len(d.Errs) == 0 && date != s.Date {
				d.Errorf(v.Pos, "header says snapshot %q, want %q (this file's date)", date, s.Date)
			}
			return
		}
		var prefix, level string
		seen := map[string]bool{}
		var actions, resources, conditions *jsonpos.Value
		d.object(v, "listing", []string{"service", "level", "actions", "resource_types", "condition_keys"}, func(k string, v *jsonpos.Value) {
			seen[k] = true
			switch k {
			case "service":
				prefix = d.String(v, "service")
			case "level":
				level = d.String(v, "level")
				if l, ok := catalog.ParseAccessLevel(level); !ok || string(l) != level {
					d.Errorf(v.Pos, "unknown access level %q", level)
				}
			case "actions":
				actions = v
			case "resource_types":
				resources = v
			case "condition_keys":
				conditions = v
			}
		})
		if v.Kind != jsonpos.Object || len(d.Errs) > 0 {
			return
		}
		if !catalog.ValidPrefix(prefix) {
			d.Errorf(v.Pos, "invalid service prefix %q", prefix)
			return
		}
		if seen["level"] || seen["actions"] {
			// {"service","level","actions"}: some of the service's actions at one level.
			switch {
			case !seen["level"] || !seen["actions"] || resources != nil || conditions != nil:
				d.Errorf(v.Pos, "an actions line has service, level and actions, and nothing else")
				return
			case !r.st.services[prefix] || r.listed != prefix:
				d.Errorf(v.Pos, "actions of %s: not right after the line of service %s", prefix, prefix)
				return
			}
			acts := set(r.st.actions, prefix)
			if actions.Kind != jsonpos.Array {
				d.Errorf(actions.Pos, "actions: want a list of strings, found %s", actions.Kind)
				return
			}
			for _, it := range actions.Items {
				name := d.String(it, "actions")
				if _, dup := acts[name]; dup {
					d.Errorf(it.Pos, "action %s:%s listed twice", prefix, name)
				}
				acts[name] = catalog.AccessLevel(level)
				r.h.actions[prefix+":"+name] = &actionEntry{inFirst: true}
			}
			return
		}
		// {"service","resource_types","condition_keys"}: a service.
		if r.st.services[prefix] {
			d.Errorf(v.Pos, "service %s listed twice", prefix)
			return
		}
		r.st.services[prefix] = true
		r.listed = prefix
		for _, x := range []struct {
			v    *jsonpos.Value
			what string
			m    map[string]map[string]bool
		}{{resources, "resource_types", r.st.resources}, {conditions, "condition_keys", r.st.conditions}} {
			if x.v == nil {
				continue
			}
			m := set(x.m, prefix)
			for _, name := range d.strs(x.v, x.what) {
				if m[name] {
					d.Errorf(x.v.Pos, "%s: %q listed twice", x.what, name)
				}
				m[name] = true
			}
		}
	})
}

// apply replays one transition, checking every change applies to the state.
func (r *replay) apply(file string, t Transition) diag.List {
	var errs diag.List
	bad := func(c Change, format string, args ...any) {
		errs = append(errs, &diag.Diagnostic{File: file, Line: c.Line, Col: 1, Msg: fmt.Sprintf(format, args...)})
	}
	ti := len(r.h.trans)
	st := &r.st
	var removedServices []Change
	for ci, c := range t.Changes {
		id := c.ID()
		if c.Entity != ServiceEntity && !st.services[c.Service] {
			bad(c, "%s %s %s: service %s is not in the snapshot of %s, nor added by this one", c.Kind, c.Entity, id, c.Service, t.From.Date)
			continue
		}
		var present bool
		switch c.Entity {
		case ServiceEntity:
			present = st.services[c.Service]
		case ActionEntity:
			_, present = st.actions[c.Service][c.Name]
		case ResourceTypeEntity:
			present = st.resources[c.Service][c.Name]
		case ConditionKeyEntity:
			present = st.conditions[c.Service][c.Name]
		}
		if c.Kind == Added && present {
			bad(c, "%s %s added, but the snapshot of %s already lists it", c.Entity, id, t.From.Date)
			continue
		}
		if c.Kind != Added && !present {
			bad(c, "%s %s %s, but the snapshot of %s does not list it", c.Entity, id, c.Kind, t.From.Date)
			continue
		}
		if c.Entity == ActionEntity {
			lvl := st.actions[c.Service][c.Name]
			switch c.Kind {
			case Removed:
				if c.Record.AccessLevel != lvl {
					bad(c, "action %s removed as %s, but the history has it as %s", id, c.Record.AccessLevel, lvl)
				}
			case Changed:
				for _, f := range c.Fields {
					if f.Field == AccessLevelField && catalog.AccessLevel(f.Old) != lvl {
						bad(c, "action %s: access level changed from %s, but the history has it as %s", id, f.Old, lvl)
					}
				}
			}
			e := r.h.actions[id]
			if e == nil {
				e = &actionEntry{}
				r.h.actions[id] = e
			}
			e.changes = append(e.changes, changeRef{t: ti, c: ci})
		}
		switch c.Kind {
		case Added:
			delete(r.lastRemove[c.Entity], id)
			switch c.Entity {
			case ServiceEntity:
				st.services[c.Service] = true
			case ActionEntity:
				set(st.actions, c.Service)[c.Name] = c.Record.AccessLevel
			case ResourceTypeEntity:
				set(st.resources, c.Service)[c.Name] = true
			case ConditionKeyEntity:
				set(st.conditions, c.Service)[c.Name] = true
			}
		case Removed:
			r.lastRemove[c.Entity][id] = RemovedEntity{Entity: c.Entity, Service: c.Service, Name: c.Name, Removed: t.To.Date, Last: t.From.Date, Record: *c.Record}
			switch c.Entity {
			case ServiceEntity:
				removedServices = append(removedServices, c)
			case ActionEntity:
				delete(st.actions[c.Service], c.Name)
			case ResourceTypeEntity:
				delete(st.resources[c.Service], c.Name)
			case ConditionKeyEntity:
				delete(st.conditions[c.Service], c.Name)
			}
		case Changed:
			for _, f := range c.Fields {
				if c.Entity == ActionEntity && f.Field == AccessLevelField {
					st.actions[c.Service][c.Name] = catalog.AccessLevel(f.New)
				}
			}
		}
	}
	for _, c := range removedServices {
		p := c.Service
		if n := len(st.actions[p]) + len(st.resources[p]) + len(st.conditions[p]); n > 0 {
			bad(c, "service %s removed, but %d of its actions, resource types and condition keys are not", p, n)
		}
		delete(st.services, p)
		delete(st.actions, p)
		delete(st.resources, p)
		delete(st.conditions, p)
	}
	r.h.trans = append(r.h.trans, t)
	return errs
}

// finish computes what the queries need once every transition is applied.
func (r *replay) finish() {
	h := r.h
	h.final = r.st
	h.removed = map[Entity][]RemovedEntity{}
	for e, m := range r.lastRemove {
		for id, re := range m {
			gone := false
			switch e {
			case ServiceEntity:
				gone = !h.final.services[re.Service]
			case ActionEntity:
				gone = !h.final.hasAction(id)
			case ResourceTypeEntity:
				gone = !h.final.resources[re.Service][re.Name]
			case ConditionKeyEntity:
				gone = !h.final.conditions[re.Service][re.Name]
			}
			if gone {
				h.removed[e] = append(h.removed[e], re)
			}
		}
		list := h.removed[e]
		sort.Slice(list, func(i, j int) bool {
			if list[i].Service != list[j].Service {
				return list[i].Service < list[j].Service
			}
			return list[i].Name < list[j].Name
		})
	}
}
