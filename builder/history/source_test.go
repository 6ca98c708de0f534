package history

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestMarkSourceChange classifies each kind of difference at a change of
// source, and the marks survive encoding and loading.
func TestMarkSourceChange(t *testing.T) {
	old := load(t, "2026-06-14",
		tService{prefix: "svc", name: "Service",
			actions: []tAction{
				{name: "Run", desc: "Grants permission to run", level: "Write", rows: []tRow{
					{name: "thing", required: true, keys: []string{"svc:Moved"}},
					{name: "thing* other* extra", required: false}, // a resource-set row read as a type
					{name: "", keys: []string{"svc:Old"}},
				}},
				{name: "Tag", desc: "tag", level: "Write", rows: []tRow{{name: "thing", required: true}}},
			},
			resources: []tResource{{name: "thing", arn: "arn:${Partition}:svc:::thing/${Id}"}, {name: "gone", arn: "arn:gone"}},
			keys:      []tKey{{name: "svc:Moved", desc: "m", typ: "String"}, {name: "svc:Old", desc: "o", typ: "String"}},
		})
	next := load(t, "2026-08-25",
		tService{prefix: "svc", name: "Service V2",
			actions: []tAction{
				{name: "Run", desc: "Grants permission to run things", level: "Write", rows: []tRow{
					{name: "thing", required: false, keys: []string{"svc:New"}},
					{name: "fresh"},
					{name: "", keys: []string{"svc:Moved"}},
				}},
				{name: "Tag", desc: "tag", level: "Tagging", rows: []tRow{{name: "thing", required: true}}},
			},
			resources: []tResource{{name: "thing", arn: "arn:${Partition}:svc:::thing/${ID}"}, {name: "fresh", arn: "arn:fresh"}},
			keys:      []tKey{{name: "svc:Moved", desc: "m", typ: "ArrayOfString"}, {name: "svc:New", desc: "n", typ: "String"}},
		})
	tr := Diff(old, next)
	MarkSourceChange(&tr)
	var real, source []string
	for _, c := range tr.Changes {
		for _, f := range c.Fields {
			s := c.ID() + " " + string(f.Field)
			if f.Row {
				s += " [" + f.Resource + "]"
			}
			if f.Added != nil || f.Removed != nil {
				s += " +" + strings.Join(f.Added, ",") + " -" + strings.Join(f.Removed, ",")
			}
			if f.Source {
				source = append(source, s)
			} else {
				real = append(real, s)
			}
		}
	}
	wantReal := []string{
		"svc:Run condition_keys [] + -svc:Old",      // the service's table lost the key
		"svc:Run resource_type [fresh]",             // the service gained the type
		"svc:Run condition_keys [thing] +svc:New -", // the service's table gained the key
		"svc:Tag access_level",
	}
	wantSource := []string{
		"svc name",
		"svc:Run description",
		"svc:Run condition_keys [] +svc:Moved -", // moved between rows
		"svc:Run resource_type [thing]",          // required → optional
		"svc:Run condition_keys [thing] + -svc:Moved",
		"svc:Run resource_type [thing* other* extra]", // the misread row goes
		"svc/thing arn",
		"svc svc:Moved type",
	}
	if strings.Join(real, "\n") != strings.Join(wantReal, "\n") {
		t.Errorf("real changes:\n%s\nwant\n%s", strings.Join(real, "\n"), strings.Join(wantReal, "\n"))
	}
	if strings.Join(source, "\n") != strings.Join(wantSource, "\n") {
		t.Errorf("source differences:\n%s\nwant\n%s", strings.Join(source, "\n"), strings.Join(wantSource, "\n"))
	}
	for _, c := range tr.Changes {
		if c.ID() == "svc" && !c.SourceOnly() || c.ID() == "svc:Tag" && c.SourceOnly() {
			t.Errorf("%s: SourceOnly = %v", c.ID(), c.SourceOnly())
		}
	}

	// Encoded and loaded back, the marks and the header flag stay.
	fsys := fstest.MapFS{
		FileName(old.Snapshot.Date):  {Data: EncodeListing(old)},
		FileName(next.Snapshot.Date): {Data: EncodeTransition(tr)},
		SnapshotsFile:                {Data: EncodeSnapshots([]Snapshot{SnapshotOf(old), SnapshotOf(next)})},
	}
	h, err := LoadChecked(fsys, next)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := h.Transition("2026-08-25")
	if !got.SourceChange || len(got.Changes) != len(tr.Changes) {
		t.Fatalf("loaded %+v", got)
	}
	n := 0
	for _, c := range got.Changes {
		n += len(c.SourceFields())
	}
	if n != len(wantSource) {
		t.Errorf("%d source fields loaded, want %d", n, len(wantSource))
	}

	// A source mark without the header's flag is refused.
	bad := strings.Replace(string(EncodeTransition(tr)), `,"source_change":true`, "", 1)
	fsys[FileName(next.Snapshot.Date)] = &fstest.MapFile{Data: []byte(bad)}
	if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), `has no "source_change": true`) {
		t.Errorf("unflagged source difference: %v", err)
	}
}
