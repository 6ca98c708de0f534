package history

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/yamlpos"
)

// Load reads the history from a content directory (see the package doc for
// the layout), checks it and replays it. It reports every problem it finds
// as a diag.List of "file:line:col: message".
func Load(content fs.FS) (*History, error) {
	src, err := fs.ReadFile(content, SnapshotsFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, diag.List{{File: SnapshotsFile, Msg: "missing: the content has no history (see history/README.md)"}}
		}
		return nil, diag.From(SnapshotsFile, err)
	}
	snaps, lines, errs := parseSnapshots(SnapshotsFile, src)
	if len(errs) > 0 {
		return nil, errs.Err()
	}

	want := map[string]bool{SnapshotsFile: true, Dir + "/README.md": true}
	for _, s := range snaps {
		want[FileName(s.Date)] = true
	}
	files, err := fs.Glob(content, Dir+"/*")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if !want[f] {
			errs = append(errs, &diag.Diagnostic{File: f, Msg: "unexpected file in history/: snapshots.yaml lists no snapshot of this date"})
		}
	}

	// Parse the change logs concurrently; replay them in order.
	type parsed struct {
		data []byte
		t    Transition
		errs diag.List
	}
	results := make([]parsed, len(snaps))
	var wg sync.WaitGroup
	for i, s := range snaps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := FileName(s.Date)
			data, err := fs.ReadFile(content, name)
			if err != nil {
				results[i].errs = diag.From(name, err)
				return
			}
			if i == 0 {
				results[i].data = data
				return
			}
			results[i].t, results[i].errs = parseTransition(name, data, snaps[i-1], s)
		}()
	}
	wg.Wait()

	h := &History{snaps: snaps, lastLine: lines[len(lines)-1], actions: map[string]*actionEntry{}}
	r := newReplay(h)
	for i, s := range snaps {
		name := FileName(s.Date)
		errs = append(errs, results[i].errs...)
		if len(errs) > 0 {
			return nil, errs.Err()
		}
		if i == 0 {
			errs = append(errs, r.listing(name, results[i].data, s)...)
		} else {
			errs = append(errs, r.apply(name, results[i].t)...)
		}
		if len(errs) > 0 {
			return nil, errs.Err()
		}
		h.counts = append(h.counts, r.st.counts())
		if n := r.st.actionCount(); n != s.Actions {
			errs = append(errs, &diag.Diagnostic{File: SnapshotsFile, Line: lines[i], Msg: fmt.Sprintf("snapshot %s: actions: %d, but the history lists %d actions at this snapshot", s.Date, s.Actions, n)})
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	r.finish()
	return h, nil
}

// LoadChecked loads the history and checks that it ends at the catalog c.
func LoadChecked(content fs.FS, c *catalog.Catalog) (*History, error) {
	h, err := Load(content)
	if err != nil {
		return nil, err
	}
	if err := h.Check(c); err != nil {
		return nil, err
	}
	return h, nil
}

// Check verifies that the history ends at the catalog c: the latest snapshot
// has c's date, hash and action count, and replaying the history yields
// exactly c's services, actions (with their access levels), resource types
// and condition keys.
func (h *History) Check(c *catalog.Catalog) error {
	var errs diag.List
	at := func(format string, args ...any) {
		errs = append(errs, &diag.Diagnostic{File: SnapshotsFile, Line: h.lastLine, Msg: fmt.Sprintf(format, args...)})
	}
	last := h.Latest()
	fix := "record the catalog as a new snapshot with `go run ./cmd/snapshot -content content -add <iam-definition.json> -date YYYY-MM-DD` (see history/README.md)"
	if last.Date != c.Snapshot.Date {
		at("the history ends at the snapshot of %s but the catalog (catalog/snapshot.yaml) is of %s: %s", last.Date, c.Snapshot.Date, fix)
		return errs.Err()
	}
	if last.Hash != c.Snapshot.Hash {
		at("the catalog's files changed since the history recorded the snapshot of %s (catalog hash %s, history hash %s): %s", last.Date, c.Snapshot.Hash, last.Hash, fix)
	}
	if n := c.ActionCount(); n != last.Actions {
		at("the catalog has %d actions, the history's latest snapshot %d", n, last.Actions)
	}
	var diffs []string
	st := h.final
	for _, s := range c.Services {
		if !st.services[s.Prefix] {
			diffs = append(diffs, "service "+s.Prefix+" is missing from the history")
		}
		for _, a := range s.Actions {
			l, ok := st.actions[s.Prefix][a.Name]
			switch {
			case !ok:
				diffs = append(diffs, "action "+a.ID()+" is missing from the history")
			case l != a.AccessLevel:
				diffs = append(diffs, fmt.Sprintf("action %s is %s in the catalog, %s in the history", a.ID(), a.AccessLevel, l))
			}
		}
		for _, r := range s.ResourceTypes {
			if !st.resources[s.Prefix][r.Name] {
				diffs = append(diffs, "resource type "+s.Prefix+"/"+r.Name+" is missing from the history")
			}
		}
		for _, k := range s.ConditionKeys {
			if !st.conditions[s.Prefix][k.Name] {
				diffs = append(diffs, "condition key "+k.Name+" of "+s.Prefix+" is missing from the history")
			}
		}
	}
	// And what the history has that the catalog lacks, by name.
	for p := range st.services {
		s := c.Service(p)
		if s == nil || s.Prefix != p {
			diffs = append(diffs, "service "+p+" is in the history but not in the catalog")
			continue
		}
		for name := range st.actions[p] {
			if a := s.Action(name); a == nil || a.Name != name {
				diffs = append(diffs, "action "+p+":"+name+" is in the history but not in the catalog")
			}
		}
		for name := range st.resources[p] {
			if s.ResourceType(name) == nil {
				diffs = append(diffs, "resource type "+p+"/"+name+" is in the history but not in the catalog")
			}
		}
		keys := map[string]bool{}
		for _, k := range s.ConditionKeys {
			keys[k.Name] = true
		}
		for name := range st.conditions[p] {
			if !keys[name] {
				diffs = append(diffs, "condition key "+name+" of "+p+" is in the history but not in the catalog")
			}
		}
	}
	var n0, n1, n2, n3 int
	for p := range st.services {
		n0++
		n1 += len(st.actions[p])
		n2 += len(st.resources[p])
		n3 += len(st.conditions[p])
	}
	var c0, c1, c2, c3 int
	for _, s := range c.Services {
		c0++
		c1 += len(s.Actions)
		c2 += len(s.ResourceTypes)
		c3 += len(s.ConditionKeys)
	}
	if n0 != c0 || n1 != c1 || n2 != c2 || n3 != c3 {
		at("the history ends with %d services, %d actions, %d resource types, %d condition keys; the catalog has %d, %d, %d, %d", n0, n1, n2, n3, c0, c1, c2, c3)
	}
	sort.Strings(diffs)
	const shown = 20
	for i, d := range diffs {
		if i == shown {
			at("and %d more differences between the history and the catalog", len(diffs)-shown)
			break
		}
		at("%s", d)
	}
	return errs.Err()
}

// parseSnapshots reads snapshots.yaml; lines holds each snapshot's line.
func parseSnapshots(file string, src []byte) ([]Snapshot, []int, diag.List) {
	root, errs := yamlpos.Parse(file, src, 1)
	if errs != nil {
		return nil, nil, errs
	}
	bad := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, &diag.Diagnostic{File: file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
	}
	if root == nil {
		return nil, nil, diag.List{{File: file, Line: 1, Msg: "no snapshots: want a list of snapshots, oldest first"}}
	}
	if root.Kind != yaml.SequenceNode || len(root.Content) == 0 {
		bad(root, "want a non-empty list of snapshots, oldest first")
		return nil, nil, errs
	}
	var snaps []Snapshot
	var lines []int
	for _, n := range root.Content {
		if n.Kind != yaml.MappingNode {
			bad(n, "want a snapshot (date, label, source, actions, hash)")
			continue
		}
		var s Snapshot
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				bad(k, "duplicate key %q", k.Value)
				continue
			}
			seen[k.Value] = true
			if v.Kind != yaml.ScalarNode {
				bad(v, "%s: want a scalar", k.Value)
				continue
			}
			switch k.Value {
			case "date":
				s.Date = v.Value
				if !ValidDate(v.Value) {
					bad(v, "date %q: want YYYY-MM-DD, or YYYY-MM when only the month is known", v.Value)
				}
			case "label":
				s.Label = v.Value
			case "source":
				s.Source = v.Value
			case "hash":
				s.Hash = v.Value
			case "actions":
				a, err := strconv.Atoi(v.Value)
				if err != nil || a < 0 {
					bad(v, "actions %q: want a count", v.Value)
				}
				s.Actions = a
			default:
				bad(k, "unknown key %q (want date, label, source, actions, hash)", k.Value)
			}
		}
		for _, k := range []string{"date", "label", "source", "actions", "hash"} {
			if !seen[k] {
				bad(n, "snapshot: %s is missing", k)
			}
		}
		if len(snaps) > 0 && s.Date <= snaps[len(snaps)-1].Date && ValidDate(s.Date) {
			bad(n, "snapshot %s does not follow %s: list snapshots oldest first, one per date", s.Date, snaps[len(snaps)-1].Date)
		}
		snaps = append(snaps, s)
		lines = append(lines, n.Line)
	}
	return snaps, lines, errs
}

// lineDecoder decodes one line of a .jsonl file, parsed at its line, so
// that problems are reported at file:line:col.
type lineDecoder struct {
	jsonpos.Decoder
	line int
}

// object calls fn for every member of v, which must be an object with known
// keys only, each at most once.
func (d *lineDecoder) object(v *jsonpos.Value, what string, known []string, fn func(key string, v *jsonpos.Value)) bool {
	return d.Members(v, what, known, func(m jsonpos.Member) { fn(m.Key, m.Value) })
}

// strs is a list of strings, nil when empty: an empty list is no list.
func (d *lineDecoder) strs(v *jsonpos.Value, what string) []string {
	if s := d.Strings(v, what); len(s) > 0 {
		return s
	}
	return nil
}

// lines splits a .jsonl file into lines, parsing each; fn gets the 1-based
// line number. A line that is not JSON is reported and skipped.
func eachLine(file string, src []byte, fn func(d *lineDecoder, v *jsonpos.Value)) diag.List {
	var errs diag.List
	if len(src) == 0 {
		return diag.List{{File: file, Line: 1, Msg: "empty file: want a header line"}}
	}
	if src[len(src)-1] != '\n' {
		errs = append(errs, &diag.Diagnostic{File: file, Msg: "the last line does not end with a newline"})
	} else {
		src = src[:len(src)-1]
	}
	for i, l := range bytes.Split(src, []byte("\n")) {
		d := &lineDecoder{Decoder: jsonpos.Decoder{File: file}, line: i + 1}
		if len(bytes.TrimSpace(l)) == 0 {
			d.Errorf(jsonpos.Pos{Line: d.line, Col: 1}, "empty line: want one JSON object a line")
		} else if v, err := jsonpos.ParseAt(l, d.line); err != nil {
			d.Syntax(err, "invalid JSON: ")
		} else {
			fn(d, v)
		}
		errs = append(errs, d.Errs...)
	}
	return errs
}

var entityRank = map[Entity]int{ServiceEntity: 0, ActionEntity: 1, ResourceTypeEntity: 2, ConditionKeyEntity: 3}

var entityFields = map[Entity][]Field{
	ServiceEntity:      {NameField},
	ActionEntity:       {DescriptionField, AccessLevelField, ResourceTypeField, ConditionKeysField, DependentActionsField},
	ResourceTypeEntity: {ARNField, ConditionKeysField},
	ConditionKeyEntity: {DescriptionField, TypeField},
}

func isListField(f Field) bool {
	return f == ConditionKeysField || f == DependentActionsField
}

func isRowField(e Entity, f Field) bool {
	return e == ActionEntity && (f == ResourceTypeField || f == ConditionKeysField || f == DependentActionsField)
}

// parseTransition reads the .jsonl file of the transition from → to.
func parseTransition(file string, src []byte, from, to Snapshot) (Transition, diag.List) {
	t := Transition{From: from, To: to}
	var prev *Change
	errs := eachLine(file, src, func(d *lineDecoder, v *jsonpos.Value) {
		if d.line == 1 {
			var f, tt string
			d.object(v, "header", []string{"from", "to", "source_change"}, func(k string, v *jsonpos.Value) {
				switch k {
				case "from":
					f = d.String(v, "from")
				case "to":
					tt = d.String(v, "to")
				case "source_change":
					if v.Kind != jsonpos.Bool || !v.Bool {
						d.Errorf(v.Pos, "source_change: want true, or no source_change")
					}
					t.SourceChange = true
				}
			})
			if len(d.Errs) == 0 && (f != from.Date || tt != to.Date) {
				d.Errorf(v.Pos, "header says from %q to %q, want from %q to %q (the snapshot before in snapshots.yaml, and this file's date)", f, tt, from.Date, to.Date)
			}
			return
		}
		c, ok := d.change(v)
		if !ok {
			return
		}
		if prev != nil && !changeLess(prev, &c) {
			d.Errorf(v.Pos, "%s %s %s comes after %s %s %s: changes must be sorted by service, entity (service, action, resource_type, condition_key) and name, once each", c.Entity, c.ID(), c.Kind, prev.Entity, prev.ID(), prev.Kind)
		}
		t.Changes = append(t.Changes, c)
		prev = &t.Changes[len(t.Changes)-1]
	})
	if !t.SourceChange {
		for _, c := range t.Changes {
			for _, f := range c.Fields {
				if f.Source {
					errs.Add(file, c.Line, 1, "%s %s: a source difference in a transition whose header has no \"source_change\": true", c.Entity, c.ID())
					break
				}
			}
		}
	}
	t.ActionsAdded, t.ActionsRemoved = countLevels(t.Changes)
	return t, errs
}

func changeLess(a, b *Change) bool {
	if a.Service != b.Service {
		return a.Service < b.Service
	}
	if entityRank[a.Entity] != entityRank[b.Entity] {
		return entityRank[a.Entity] < entityRank[b.Entity]
	}
	return a.Name < b.Name
}

// change decodes one change line and checks it is complete for its kind and entity.
func (d *lineDecoder) change(v *jsonpos.Value) (Change, bool) {
	c := Change{Line: d.line}
	n := len(d.Errs)
	var fields, record *jsonpos.Value
	seen := map[string]bool{}
	if !d.object(v, "change", []string{"op", "entity", "service", "name", "fields", "record"}, func(k string, v *jsonpos.Value) {
		seen[k] = true
		switch k {
		case "op":
			c.Kind = Kind(d.String(v, "op"))
			if c.Kind != Added && c.Kind != Removed && c.Kind != Changed {
				d.Errorf(v.Pos, "op %q: want added, removed or changed", c.Kind)
			}
		case "entity":
			c.Entity = Entity(d.String(v, "entity"))
			if _, ok := entityRank[c.Entity]; !ok {
				d.Errorf(v.Pos, "entity %q: want service, action, resource_type or condition_key", c.Entity)
			}
		case "service":
			c.Service = d.String(v, "service")
			if !catalog.ValidPrefix(c.Service) {
				d.Errorf(v.Pos, "invalid service prefix %q", c.Service)
			}
		case "name":
			c.Name = d.String(v, "name")
		case "fields":
			fields = v
		case "record":
			record = v
		}
	}) {
		return c, false
	}
	for _, k := range []string{"op", "entity", "service"} {
		if !seen[k] {
			d.Errorf(v.Pos, "change: %s is missing", k)
		}
	}
	if len(d.Errs) > n {
		return c, false
	}
	what := string(c.Kind) + " " + string(c.Entity) + " " + c.ID()
	if (c.Entity == ServiceEntity) != (c.Name == "") {
		if c.Entity == ServiceEntity {
			d.Errorf(v.Pos, "%s: a service change has no name", what)
		} else {
			d.Errorf(v.Pos, "%s: name is missing", what)
		}
	}
	switch c.Kind {
	case Changed:
		if fields == nil {
			d.Errorf(v.Pos, "%s: fields are missing", what)
		} else {
			c.Fields = d.fields(fields, c.Entity, what)
		}
		if record != nil {
			d.Errorf(record.Pos, "%s: a change has no record (only additions and removals do)", what)
		}
	default:
		if fields != nil {
			d.Errorf(fields.Pos, "%s: only a change has fields", what)
		}
		if record == nil {
			d.Errorf(v.Pos, "%s: record is missing", what)
		} else {
			c.Record = d.record(record, c, what)
		}
	}
	return c, len(d.Errs) == n
}

func (d *lineDecoder) fields(v *jsonpos.Value, e Entity, what string) []FieldChange {
	if v.Kind != jsonpos.Array || len(v.Items) == 0 {
		d.Errorf(v.Pos, "%s: fields: want a non-empty list", what)
		return nil
	}
	var out []FieldChange
	for _, it := range v.Items {
		var f FieldChange
		var old, new *string
		seen := map[string]bool{}
		d.object(it, what+": field", []string{"field", "resource", "old", "new", "added", "removed", "source"}, func(k string, v *jsonpos.Value) {
			seen[k] = true
			switch k {
			case "source":
				if v.Kind != jsonpos.Bool || !v.Bool {
					d.Errorf(v.Pos, "source: want true, or no source")
				}
				f.Source = true
			case "field":
				f.Field = Field(d.String(v, "field"))
			case "resource":
				f.Resource, f.Row = d.String(v, "resource"), true
			case "old":
				s := d.String(v, "old")
				old = &s
			case "new":
				s := d.String(v, "new")
				new = &s
			case "added":
				f.Added = d.strs(v, "added")
			case "removed":
				f.Removed = d.strs(v, "removed")
			}
		})
		if it.Kind != jsonpos.Object {
			continue
		}
		valid := false
		for _, ok := range entityFields[e] {
			valid = valid || ok == f.Field
		}
		fw := what + ": field " + strconv.Quote(string(f.Field))
		switch {
		case !seen["field"]:
			d.Errorf(it.Pos, "%s: field is missing", what)
		case !valid:
			d.Errorf(it.Pos, "%s: not a field of a %s", fw, e)
		case isRowField(e, f.Field) != f.Row:
			if f.Row {
				d.Errorf(it.Pos, "%s: a %s's %s has no resource", fw, e, f.Field)
			} else {
				d.Errorf(it.Pos, "%s: resource is missing (the action's resource-type row)", fw)
			}
		case isListField(f.Field):
			if old != nil || new != nil {
				d.Errorf(it.Pos, "%s: a list field has added and removed, not old and new", fw)
			}
			if len(f.Added)+len(f.Removed) == 0 {
				d.Errorf(it.Pos, "%s: added and removed are both empty", fw)
			}
		default:
			if seen["added"] || seen["removed"] {
				d.Errorf(it.Pos, "%s: a scalar field has old and new, not added and removed", fw)
			}
			if old == nil || new == nil {
				d.Errorf(it.Pos, "%s: old and new are both required", fw)
				break
			}
			f.Old, f.New = *old, *new
			if f.Old == f.New {
				d.Errorf(it.Pos, "%s: old and new are equal", fw)
			}
			switch f.Field {
			case ResourceTypeField:
				for _, s := range []string{f.Old, f.New} {
					if s != RowAbsent && s != RowOptional && s != RowRequired {
						d.Errorf(it.Pos, "%s: %q: want \"\", \"optional\" or \"required\"", fw, s)
					}
				}
			case AccessLevelField:
				for _, s := range []string{f.Old, f.New} {
					if l, ok := catalog.ParseAccessLevel(s); !ok || string(l) != s {
						d.Errorf(it.Pos, "%s: unknown access level %q", fw, s)
					}
				}
			}
		}
		out = append(out, f)
	}
	return out
}

func (d *lineDecoder) record(v *jsonpos.Value, c Change, what string) *Record {
	r := &Record{}
	seen := map[string]bool{}
	d.object(v, what+": record", []string{"name", "description", "access_level", "resource_types", "arn", "condition_keys", "type"}, func(k string, v *jsonpos.Value) {
		seen[k] = true
		switch k {
		case "name":
			r.Name = d.String(v, "name")
		case "description":
			r.Description = d.String(v, "description")
		case "access_level":
			s := d.String(v, "access_level")
			if l, ok := catalog.ParseAccessLevel(s); !ok || string(l) != s {
				d.Errorf(v.Pos, "%s: unknown access level %q", what, s)
			}
			r.AccessLevel = catalog.AccessLevel(s)
		case "resource_types":
			if v.Kind != jsonpos.Array {
				d.Errorf(v.Pos, "%s: resource_types: want a list, found %s", what, v.Kind)
				return
			}
			r.ResourceTypes = []ResourceRow{}
			for _, it := range v.Items {
				var row ResourceRow
				hasName := false
				d.object(it, what+": resource type", []string{"name", "required", "condition_keys", "dependent_actions"}, func(k string, v *jsonpos.Value) {
					switch k {
					case "name":
						row.Name, hasName = d.String(v, "name"), true
					case "required":
						if v.Kind != jsonpos.Bool {
							d.Errorf(v.Pos, "%s: required: want true or false, found %s", what, v.Kind)
						}
						row.Required = v.Bool
					case "condition_keys":
						row.ConditionKeys = d.strs(v, "condition_keys")
					case "dependent_actions":
						row.DependentActions = d.strs(v, "dependent_actions")
					}
				})
				if it.Kind == jsonpos.Object && !hasName {
					d.Errorf(it.Pos, "%s: resource type: name is missing", what)
				}
				r.ResourceTypes = append(r.ResourceTypes, row)
			}
		case "arn":
			r.ARN = d.String(v, "arn")
		case "condition_keys":
			r.ConditionKeys = d.strs(v, "condition_keys")
		case "type":
			r.Type = d.String(v, "type")
		}
	})
	if v.Kind != jsonpos.Object {
		return nil
	}
	// What a record must and may hold, by entity and kind.
	var must, may []string
	switch c.Entity {
	case ServiceEntity:
		must = []string{"name"}
	case ActionEntity:
		must = []string{"access_level"}
		if c.Kind == Removed {
			must = append(must, "description", "resource_types")
		}
	case ResourceTypeEntity:
		must = []string{"arn"}
		if c.Kind == Removed {
			may = []string{"condition_keys"}
		}
	case ConditionKeyEntity:
		must = []string{"type"}
		if c.Kind == Removed {
			must = append(must, "description")
		}
	}
	for _, k := range must {
		if !seen[k] {
			d.Errorf(v.Pos, "%s: record: %s is missing", what, k)
		}
	}
	for _, k := range []string{"name", "description", "access_level", "resource_types", "arn", "condition_keys", "type"} {
		if !seen[k] {
			continue
		}
		ok := false
		for _, m := range append(must, may...) {
			ok = ok || m == k
		}
		if !ok {
			d.Errorf(v.Pos, "%s: record: %s does not belong in the record of a %s %s", what, k, c.Kind, c.Entity)
		}
	}
	return r
}
