package history

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
)

// threeCatalogs: oldCatalog, newCatalog dated by month only, and a third
// that brings keep:Dropped back and changes keep:Level again.
func threeCatalogs(t testing.TB) []*catalog.Catalog {
	v1, v2 := oldCatalog(t), newCatalog(t)
	v2.Snapshot.Date = "2025-06"
	v3 := load(t, "2025-09-01",
		tService{prefix: "fresh", name: "Fresh",
			actions: []tAction{{name: "Hello", desc: "hello", level: "List", rows: []tRow{{name: ""}}}},
		},
		tService{prefix: "keep", name: "Keep Renamed",
			actions: []tAction{
				{name: "Same", desc: "same", level: "Read", rows: []tRow{{name: "bucket", required: true, keys: []string{"keep:K1"}}}},
				{name: "Brand", desc: "brand new", level: "Write", rows: []tRow{{name: ""}}},
				{name: "Desc", desc: "after", level: "Write", rows: []tRow{{name: ""}}},
				{name: "Level", desc: "level", level: "Write", rows: []tRow{{name: ""}}},
				{name: "Rows", desc: "rows", level: "Write", rows: []tRow{{name: "object", required: true}, {name: "table"}}},
				{name: "Keys", desc: "keys", level: "Write", rows: []tRow{{name: "bucket", required: true, keys: []string{"keep:K1", "keep:K2"}, deps: []string{"s3:GetObject", "kms:Decrypt"}}}},
				{name: "Deps", desc: "deps", level: "Write", rows: []tRow{{name: "", deps: []string{"kms:Decrypt"}}}},
				{name: "Dropped", desc: "dropped, and back", level: "Tagging", rows: []tRow{{name: "bucket", required: true}}},
			},
			resources: []tResource{
				{name: "bucket", arn: "arn:${Partition}:keep:::bucket/${BucketName}", keys: []string{"aws:ResourceTag/${TagKey}"}},
				{name: "newres", arn: "arn:${Partition}:keep:::new/${Name}"},
				{name: "object", arn: "arn:${Partition}:keep:::object/${Name}", keys: []string{"keep:K1"}},
			},
			keys: []tKey{
				{name: "keep:K1", desc: "k1", typ: "ArrayOfString"},
				{name: "keep:K2", desc: "k2, now explained", typ: "String"},
				{name: "keep:New", desc: "new key", typ: "Numeric"},
			},
		},
	)
	return []*catalog.Catalog{v1, v2, v3}
}

func withoutLines(cs []Change) []Change {
	out := append([]Change(nil), cs...)
	for i := range out {
		out[i].Line = 0
	}
	return out
}

func TestLoadRoundTrip(t *testing.T) {
	cats := threeCatalogs(t)
	h, err := Load(historyFS(cats...))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Check(cats[2]); err != nil {
		t.Errorf("Check(latest catalog): %v", err)
	}

	var dates []string
	for _, s := range h.Snapshots() {
		dates = append(dates, s.Date+"/"+s.Label)
	}
	if want := []string{"2025-01-01/1 January 2025", "2025-06/June 2025", "2025-09-01/1 September 2025"}; !reflect.DeepEqual(dates, want) {
		t.Errorf("snapshots = %q, want %q", dates, want)
	}

	ts := h.Transitions()
	if len(ts) != 2 || ts[0].To.Date != "2025-09-01" || ts[1].To.Date != "2025-06" || ts[1].From.Date != "2025-01-01" {
		t.Fatalf("transitions = %+v", ts)
	}
	// What was written is what Diff said.
	for i, tr := range []Transition{Diff(cats[1], cats[2]), Diff(cats[0], cats[1])} {
		if got, want := withoutLines(ts[i].Changes), tr.Changes; !reflect.DeepEqual(got, want) {
			t.Errorf("transition to %s read back:\n%s\nwant:\n%s", ts[i].To.Date, dump(got), dump(want))
		}
		if !reflect.DeepEqual(ts[i].ActionsAdded, tr.ActionsAdded) || !reflect.DeepEqual(ts[i].ActionsRemoved, tr.ActionsRemoved) {
			t.Errorf("transition to %s: counts %v %v, want %v %v", ts[i].To.Date, ts[i].ActionsAdded, ts[i].ActionsRemoved, tr.ActionsAdded, tr.ActionsRemoved)
		}
		if ts[i].To.Hash != tr.To.Hash || ts[i].To.Actions != tr.To.Actions || ts[i].To.Source != "test" {
			t.Errorf("transition to %s: To = %+v, want %+v", ts[i].To.Date, ts[i].To, tr.To)
		}
	}
	if tr, ok := h.Transition("2025-06"); !ok || tr.From.Date != "2025-01-01" {
		t.Errorf("Transition(2025-06) = %+v, %v", tr.From, ok)
	}
	if _, ok := h.Transition("2025-07"); ok {
		t.Errorf("Transition(2025-07) found")
	}
}

func timeline(ah ActionHistory) string {
	var parts []string
	for _, c := range ah.Changes {
		s := c.Date + " " + string(c.Kind)
		for _, f := range c.Fields {
			s += " " + string(f.Field) + ":" + f.Old + "→" + f.New
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func TestTimeline(t *testing.T) {
	h, err := Load(historyFS(threeCatalogs(t)...))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id, wantID, firstSeen string
		present               bool
		changes               string
	}{
		{"keep:Level", "keep:Level", "", true, "2025-09-01 changed access_level:Permissions management→Write; 2025-06 changed access_level:Read→Permissions management"},
		{"KEEP:level", "keep:Level", "", true, "2025-09-01 changed access_level:Permissions management→Write; 2025-06 changed access_level:Read→Permissions management"},
		{"keep:Same", "keep:Same", "", true, ""},
		{"fresh:Hello", "fresh:Hello", "2025-06", true, "2025-06 added"},
		{"keep:Brand", "keep:Brand", "2025-06", true, "2025-06 added"},
		{"keep:Dropped", "keep:Dropped", "", true, "2025-09-01 added; 2025-06 removed"},
		{"gone:Old", "gone:Old", "", false, "2025-06 removed"},
	} {
		ah, ok := h.Timeline(tc.id)
		if !ok {
			t.Errorf("Timeline(%s): not found", tc.id)
			continue
		}
		if ah.ID != tc.wantID || ah.FirstSeen != tc.firstSeen || ah.Since != "2025-01-01" || ah.Present != tc.present || timeline(ah) != tc.changes {
			t.Errorf("Timeline(%s) = %s first %q since %q present %v: %q\nwant %s first %q present %v: %q", tc.id, ah.ID, ah.FirstSeen, ah.Since, ah.Present, timeline(ah), tc.wantID, tc.firstSeen, tc.present, tc.changes)
		}
	}
	if ah, ok := h.Timeline("keep:Dropped"); ok && (ah.Changes[1].From != "2025-01-01" || ah.Changes[1].Record.Description != "dropped") {
		t.Errorf("keep:Dropped removal = %+v", ah.Changes[1])
	}
	if _, ok := h.Timeline("keep:Nothing"); ok {
		t.Errorf("Timeline(keep:Nothing) found")
	}
}

func TestRemoved(t *testing.T) {
	h, err := Load(historyFS(threeCatalogs(t)...))
	if err != nil {
		t.Fatal(err)
	}
	ids := func(rs []RemovedEntity) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.ID()+"@"+r.Last+"→"+r.Removed)
		}
		return strings.Join(s, ", ")
	}
	// keep:Dropped came back, so it is not a removed action.
	if got, want := ids(h.Removed()), "gone:Old@2025-01-01→2025-06"; got != want {
		t.Errorf("Removed = %s, want %s", got, want)
	}
	if r := h.Removed(); len(r) == 1 && (r[0].Record.Description != "old one" || r[0].Record.AccessLevel != catalog.Read || len(r[0].Record.ResourceTypes) != 1) {
		t.Errorf("Removed()[0].Record = %+v", r[0].Record)
	}
	if got, want := ids(h.RemovedResourceTypes()), "gone/thing@2025-01-01→2025-06, keep/oldres@2025-01-01→2025-06"; got != want {
		t.Errorf("RemovedResourceTypes = %s, want %s", got, want)
	}
	if got, want := ids(h.RemovedConditionKeys()), "gone gone:Key@2025-01-01→2025-06, keep keep:Old@2025-01-01→2025-06"; got != want {
		t.Errorf("RemovedConditionKeys = %s, want %s", got, want)
	}
	if got, want := ids(h.RemovedServices()), "gone@2025-01-01→2025-06"; got != want {
		t.Errorf("RemovedServices = %s, want %s", got, want)
	}
}

func TestCountsAndServiceChanges(t *testing.T) {
	cats := threeCatalogs(t)
	h, err := Load(historyFS(cats...))
	if err != nil {
		t.Fatal(err)
	}
	L := func(kv ...any) map[catalog.AccessLevel]int {
		m := map[catalog.AccessLevel]int{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(catalog.AccessLevel)] = kv[i+1].(int)
		}
		return m
	}
	want := []Count{
		{"2025-01-01", 8, L(catalog.Read, 3, catalog.Write, 4, catalog.Tagging, 1)},
		{"2025-06", 8, L(catalog.List, 1, catalog.Read, 1, catalog.Write, 5, catalog.PermissionsManagement, 1)},
		{"2025-09-01", 9, L(catalog.List, 1, catalog.Read, 1, catalog.Write, 6, catalog.Tagging, 1)},
	}
	if got := h.Counts(""); !reflect.DeepEqual(got, want) {
		t.Errorf("Counts(\"\") = %v\nwant %v", got, want)
	}
	for i, c := range cats {
		if got := h.Counts("")[i].Actions; got != c.ActionCount() {
			t.Errorf("snapshot %d: %d actions, the catalog has %d", i, got, c.ActionCount())
		}
	}
	wantGone := []Count{{"2025-01-01", 1, L(catalog.Read, 1)}, {"2025-06", 0, L()}, {"2025-09-01", 0, L()}}
	if got := h.Counts("gone"); !reflect.DeepEqual(got, wantGone) {
		t.Errorf("Counts(gone) = %v, want %v", got, wantGone)
	}
	if got := h.Counts("nope"); got != nil {
		t.Errorf("Counts(nope) = %v, want nil", got)
	}

	gone := h.ServiceChanges("gone")
	if len(gone) != 1 || gone[0].To.Date != "2025-06" || len(gone[0].Changes) != 4 || !reflect.DeepEqual(gone[0].ActionsRemoved, L(catalog.Read, 1)) || len(gone[0].ActionsAdded) != 0 {
		t.Errorf("ServiceChanges(gone) = %+v", gone)
	}
	keep := h.ServiceChanges("keep")
	if len(keep) != 2 || keep[0].To.Date != "2025-09-01" || keep[1].To.Date != "2025-06" {
		t.Fatalf("ServiceChanges(keep) = %+v", keep)
	}
	for _, tr := range keep {
		for _, c := range tr.Changes {
			if c.Service != "keep" {
				t.Errorf("ServiceChanges(keep) holds %s", c.ID())
			}
		}
	}
	if got := dump(keep[0].Changes); got != "added action keep:Dropped fields=[] record={Name: Description: AccessLevel:Tagging ResourceTypes:[] ARN: ConditionKeys:[] Type:}\n"+
		"changed action keep:Level fields=[{Field:access_level Resource: Row:false Old:Permissions management New:Write Added:[] Removed:[] Source:false}]\n" {
		t.Errorf("ServiceChanges(keep)[0]:\n%s", got)
	}
	if len(h.ServiceChanges("fresh")) != 1 || h.ServiceChanges("nope") != nil {
		t.Errorf("ServiceChanges(fresh) = %v, ServiceChanges(nope) = %v", h.ServiceChanges("fresh"), h.ServiceChanges("nope"))
	}
}

func TestCheck(t *testing.T) {
	cats := threeCatalogs(t)
	h, err := Load(historyFS(cats...))
	if err != nil {
		t.Fatal(err)
	}
	// An older catalog: the dates differ.
	err = h.Check(cats[0])
	if err == nil || !strings.Contains(err.Error(), "history/snapshots.yaml:12: the history ends at the snapshot of 2025-09-01 but the catalog (catalog/snapshot.yaml) is of 2025-01-01") {
		t.Errorf("Check(older catalog) = %v", err)
	}
	// The same date, other content: the hash and the replay both tell.
	other := load(t, "2025-09-01", tService{prefix: "keep", name: "Keep", actions: []tAction{{name: "Same", desc: "same", level: "Write", rows: []tRow{{name: ""}}}}})
	err = h.Check(other)
	for _, want := range []string{
		"the catalog's files changed since the history recorded the snapshot of 2025-09-01",
		"the catalog has 1 actions, the history's latest snapshot 9",
		"action keep:Same is Write in the catalog, Read in the history",
		"the history ends with 2 services, 9 actions, 3 resource types, 3 condition keys; the catalog has 1, 1, 0, 0",
		// Named, not only counted.
		"service fresh is in the history but not in the catalog",
		"action keep:Desc is in the history but not in the catalog",
		"condition key keep:K1 of keep is in the history but not in the catalog",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check(other catalog) = %v\nwant it to say %q", err, want)
		}
	}
	if _, err := LoadChecked(historyFS(cats...), cats[2]); err != nil {
		t.Errorf("LoadChecked: %v", err)
	}
	if _, err := LoadChecked(historyFS(cats...), cats[1]); err == nil {
		t.Errorf("LoadChecked with an older catalog succeeded")
	}
}

// TestLoadErrors breaks a valid history one way at a time.
func TestLoadErrors(t *testing.T) {
	cats := threeCatalogs(t)
	for _, tc := range []struct {
		name, file, old, new, want string
	}{
		{"bad date", SnapshotsFile, `date: "2025-06"`, `date: "2025-13"`, `history/snapshots.yaml:7:9: date "2025-13": want YYYY-MM-DD, or YYYY-MM`},
		{"wrong count", SnapshotsFile, "actions: 9", "actions: 10", "history/snapshots.yaml:12: snapshot 2025-09-01: actions: 10, but the history lists 9 actions at this snapshot"},
		{"unknown key", SnapshotsFile, "label: \"June 2025\"", "title: \"June 2025\"", `history/snapshots.yaml:8:3: unknown key "title"`},
		{"missing key", SnapshotsFile, "  hash: \"", "  hashed: \"", "snapshot: hash is missing"},
		{"out of order", SnapshotsFile, `date: "2025-09-01"`, `date: "2025-05-01"`, "snapshot 2025-05-01 does not follow 2025-06"},
		{"unknown op", "history/2025-06.jsonl", `{"op":"added","entity":"service","service":"fresh"`, `{"op":"frobbed","entity":"service","service":"fresh"`, `history/2025-06.jsonl:2:7: op "frobbed": want added, removed or changed`},
		{"bad JSON", "history/2025-06.jsonl", `{"op":"added","entity":"service","service":"fresh"`, `{"op":"added" "entity":"service","service":"fresh"`, "history/2025-06.jsonl:2:15: invalid JSON: unexpected '\"' in object"},
		{"removed twice", "history/2025-06.jsonl", `"service":"gone","name":"Old"`, `"service":"gone","name":"Older"`, "history/2025-06.jsonl:5:1: action gone:Older removed, but the snapshot of 2025-01-01 does not list it"},
		{"level mismatch", "history/2025-06.jsonl", `"old":"Read","new":"Permissions management"`, `"old":"List","new":"Permissions management"`, "action keep:Level: access level changed from List, but the history has it as Read"},
		{"added twice", "history/2025-09-01.jsonl", `"name":"Dropped"`, `"name":"Desc"`, "history/2025-09-01.jsonl:2:1: action keep:Desc added, but the snapshot of 2025-06 already lists it"},
		{"header", "history/2025-06.jsonl", `{"from":"2025-01-01","to":"2025-06"}`, `{"from":"2024-01-01","to":"2025-06"}`, `history/2025-06.jsonl:1:1: header says from "2024-01-01" to "2025-06"`},
		{"unsorted", "history/2025-06.jsonl", `"service":"fresh","name":"Hello"`, `"service":"zzz","name":"Hello"`, "history/2025-06.jsonl:4:1: service gone removed comes after action zzz:Hello added: changes must be sorted"},
		{"record key", "history/2025-06.jsonl", `"record":{"access_level":"List"}`, `"record":{"access_level":"List","arn":"x"}`, "added action fresh:Hello: record: arn does not belong in the record of a added action"},
		{"missing record", "history/2025-06.jsonl", `,"record":{"access_level":"List"}`, ``, "added action fresh:Hello: record is missing"},
		{"row field without resource", "history/2025-06.jsonl", `{"field":"dependent_actions","resource":"",`, `{"field":"dependent_actions",`, `field "dependent_actions": resource is missing`},
		{"field of another entity", "history/2025-06.jsonl", `{"field":"arn","old"`, `{"field":"access_level","old"`, `field "access_level": not a field of a resource_type`},
		{"bad row state", "history/2025-06.jsonl", `"old":"optional","new":"required"`, `"old":"optional","new":"mandatory"`, `"mandatory": want "", "optional" or "required"`},
		{"equal old and new", "history/2025-06.jsonl", `"old":"before","new":"after"`, `"old":"after","new":"after"`, "old and new are equal"},
		{"service with actions left", "history/2025-06.jsonl", "{\"op\":\"removed\",\"entity\":\"action\",\"service\":\"gone\",\"name\":\"Old\",\"record\":{\"description\":\"old one\",\"access_level\":\"Read\",\"resource_types\":[{\"name\":\"\",\"required\":false}]}}\n", "", "service gone removed, but 1 of its actions, resource types and condition keys are not"},
		{"empty line", "history/2025-06.jsonl", "\n{\"op\":\"added\",\"entity\":\"service\"", "\n\n{\"op\":\"added\",\"entity\":\"service\"", "history/2025-06.jsonl:2:1: empty line"},
		{"listing dup", "history/2025-01-01.jsonl", `"actions":["Level","Same"]`, `"actions":["Level","Level"]`, "history/2025-01-01.jsonl:5:53: action keep:Level listed twice"},
		{"listing level", "history/2025-01-01.jsonl", `"level":"Tagging"`, `"level":"tagging"`, `history/2025-01-01.jsonl:7:27: unknown access level "tagging"`},
		{"listing dup across lines", "history/2025-01-01.jsonl", `"actions":["Dropped"]`, `"actions":["Same"]`, `history/2025-01-01.jsonl:7:48: action keep:Same listed twice`},
		{"listing orphan", "history/2025-01-01.jsonl", `{"service":"gone","level":"Read"`, `{"service":"keep","level":"List"`, `history/2025-01-01.jsonl:3:1: actions of keep: not right after the line of service keep`},
		{"listing mixed", "history/2025-01-01.jsonl", `"level":"Read","actions":["Old"]`, `"level":"Read","actions":["Old"],"resource_types":[]`, `history/2025-01-01.jsonl:3:1: an actions line has service, level and actions`},
		{"listing service twice", "history/2025-01-01.jsonl", `{"service":"keep","resource_types"`, `{"service":"gone","resource_types"`, `history/2025-01-01.jsonl:4:1: service gone listed twice`},
		{"listing header", "history/2025-01-01.jsonl", `{"snapshot":"2025-01-01"}`, `{"snapshot":"2025-01-02"}`, `history/2025-01-01.jsonl:1:1: header says snapshot "2025-01-02"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := historyFS(cats...)
			src := string(fsys[tc.file].Data)
			if !strings.Contains(src, tc.old) {
				t.Fatalf("%s does not contain %q:\n%s", tc.file, tc.old, src)
			}
			fsys[tc.file] = &fstest.MapFile{Data: []byte(strings.Replace(src, tc.old, tc.new, 1))}
			_, err := Load(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v\nwant an error containing %q", err, tc.want)
			}
			if _, ok := err.(diag.List); err != nil && !ok {
				t.Errorf("error is a %T, want a diag.List", err)
			}
		})
	}

	fsys := historyFS(cats...)
	fsys["history/2025-07.jsonl"] = &fstest.MapFile{Data: []byte("{}\n")}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), "history/2025-07.jsonl: unexpected file") {
		t.Errorf("extra file: %v", err)
	}
	fsys = historyFS(cats...)
	delete(fsys, "history/2025-06.jsonl")
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), "history/2025-06.jsonl: open") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Load(fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "history/snapshots.yaml: missing") {
		t.Errorf("no history: %v", err)
	}
}

func TestValidDateAndLabel(t *testing.T) {
	for s, want := range map[string]bool{"2025-06": true, "2025-06-30": true, "2025-06-31": false, "2025-6": false, "2025-13": false, "25-06-01": false, "": false, "2025-06-01x": false} {
		if ValidDate(s) != want {
			t.Errorf("ValidDate(%q) = %v", s, !want)
		}
	}
	for d, want := range map[string]string{"2024-11-12": "12 November 2024", "2025-05": "May 2025", "junk": "junk"} {
		if got := Label(d); got != want {
			t.Errorf("Label(%q) = %q, want %q", d, got, want)
		}
	}
}

// A service with more actions than a listing line holds is listed over
// several lines and read back whole.
func TestListingChunks(t *testing.T) {
	var actions []tAction
	for i := range 2*listingChunk + 5 {
		actions = append(actions, tAction{name: fmt.Sprintf("Act%03d", i), desc: "d", level: "Write", rows: []tRow{{name: ""}}})
	}
	actions = append(actions, tAction{name: "Look", desc: "d", level: "Read", rows: []tRow{{name: ""}}})
	c := load(t, "2025-01-01", tService{prefix: "big", name: "Big", actions: actions}, tService{prefix: "empty", name: "Empty"})
	fsys := historyFS(c)
	src := string(fsys["history/2025-01-01.jsonl"].Data)
	if n := strings.Count(src, `"level":"Write"`); n != 3 {
		t.Errorf("%d Write lines, want 3:\n%s", n, src)
	}
	h, err := LoadChecked(fsys, c)
	if err != nil {
		t.Fatal(err)
	}
	counts := h.Counts("big")
	if len(counts) != 1 || counts[0].Actions != 2*listingChunk+6 || counts[0].ByLevel[catalog.Write] != 2*listingChunk+5 {
		t.Errorf("Counts(big) = %+v", counts)
	}
	if got := h.Counts("empty"); len(got) != 1 || got[0].Actions != 0 {
		t.Errorf("Counts(empty) = %+v", got)
	}
}
