package history

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
)

func oldCatalog(t testing.TB) *catalog.Catalog {
	return load(t, "2025-01-01",
		tService{prefix: "gone", name: "Gone Service",
			actions:   []tAction{{name: "Old", desc: "old one", level: "Read", rows: []tRow{{name: ""}}}},
			resources: []tResource{{name: "thing", arn: "arn:gone", keys: []string{"gone:Key"}}},
			keys:      []tKey{{name: "gone:Key", desc: "a key", typ: "String"}},
		},
		tService{prefix: "keep", name: "Keep",
			actions: []tAction{
				{name: "Same", desc: "same", level: "Read", rows: []tRow{{name: "bucket", required: true, keys: []string{"keep:K1"}}}},
				{name: "Desc", desc: "before", level: "Write", rows: []tRow{{name: ""}}},
				{name: "Level", desc: "level", level: "Read", rows: []tRow{{name: ""}}},
				{name: "Rows", desc: "rows", level: "Write", rows: []tRow{{name: "bucket", required: true}, {name: "object"}}},
				{name: "Keys", desc: "keys", level: "Write", rows: []tRow{{name: "bucket", required: true, keys: []string{"keep:K1", "aws:TagKeys"}, deps: []string{"s3:GetObject"}}}},
				{name: "Deps", desc: "deps", level: "Write", rows: []tRow{{name: "", deps: []string{"iam:PassRole", "kms:Decrypt"}}}},
				{name: "Dropped", desc: "dropped", level: "Tagging", rows: []tRow{{name: "bucket", required: true, keys: []string{"aws:TagKeys"}, deps: []string{"iam:PassRole"}}}},
			},
			resources: []tResource{
				{name: "bucket", arn: "arn:${Partition}:keep:::bucket/${Name}", keys: []string{"aws:ResourceTag/${TagKey}"}},
				{name: "object", arn: "arn:${Partition}:keep:::object/${Name}"},
				{name: "oldres", arn: "arn:${Partition}:keep:::old/${Name}", keys: []string{"keep:Old"}},
			},
			keys: []tKey{
				{name: "keep:K1", desc: "k1", typ: "String"},
				{name: "keep:K2", desc: "k2", typ: "String"},
				{name: "keep:Old", desc: "old key", typ: "Bool"},
			},
		},
	)
}

func newCatalog(t testing.TB) *catalog.Catalog {
	return load(t, "2025-06-01",
		tService{prefix: "fresh", name: "Fresh",
			actions: []tAction{{name: "Hello", desc: "hello", level: "List", rows: []tRow{{name: ""}}}},
		},
		tService{prefix: "keep", name: "Keep Renamed",
			actions: []tAction{
				{name: "Same", desc: "same", level: "Read", rows: []tRow{{name: "bucket", required: true, keys: []string{"keep:K1"}}}},
				{name: "Brand", desc: "brand new", level: "Write", rows: []tRow{{name: ""}}},
				{name: "Desc", desc: "after", level: "Write", rows: []tRow{{name: ""}}},
				{name: "Level", desc: "level", level: "Permissions management", rows: []tRow{{name: ""}}},
				{name: "Rows", desc: "rows", level: "Write", rows: []tRow{{name: "object", required: true}, {name: "table"}}},
				{name: "Keys", desc: "keys", level: "Write", rows: []tRow{{name: "bucket", required: true, keys: []string{"keep:K1", "keep:K2"}, deps: []string{"s3:GetObject", "kms:Decrypt"}}}},
				{name: "Deps", desc: "deps", level: "Write", rows: []tRow{{name: "", deps: []string{"kms:Decrypt"}}}},
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
}

// wantChanges is every change from oldCatalog to newCatalog, written out by hand.
var wantChanges = []Change{
	{Kind: Added, Entity: ServiceEntity, Service: "fresh", Record: &Record{Name: "Fresh"}},
	{Kind: Added, Entity: ActionEntity, Service: "fresh", Name: "Hello", Record: &Record{AccessLevel: catalog.List}},

	{Kind: Removed, Entity: ServiceEntity, Service: "gone", Record: &Record{Name: "Gone Service"}},
	{Kind: Removed, Entity: ActionEntity, Service: "gone", Name: "Old", Record: &Record{Description: "old one", AccessLevel: catalog.Read, ResourceTypes: []ResourceRow{{Name: ""}}}},
	{Kind: Removed, Entity: ResourceTypeEntity, Service: "gone", Name: "thing", Record: &Record{ARN: "arn:gone", ConditionKeys: []string{"gone:Key"}}},
	{Kind: Removed, Entity: ConditionKeyEntity, Service: "gone", Name: "gone:Key", Record: &Record{Description: "a key", Type: "String"}},

	{Kind: Changed, Entity: ServiceEntity, Service: "keep", Fields: []FieldChange{{Field: NameField, Old: "Keep", New: "Keep Renamed"}}},
	{Kind: Added, Entity: ActionEntity, Service: "keep", Name: "Brand", Record: &Record{AccessLevel: catalog.Write}},
	{Kind: Changed, Entity: ActionEntity, Service: "keep", Name: "Deps", Fields: []FieldChange{
		{Field: DependentActionsField, Resource: "", Row: true, Removed: []string{"iam:PassRole"}},
	}},
	{Kind: Changed, Entity: ActionEntity, Service: "keep", Name: "Desc", Fields: []FieldChange{
		{Field: DescriptionField, Old: "before", New: "after"},
	}},
	{Kind: Removed, Entity: ActionEntity, Service: "keep", Name: "Dropped", Record: &Record{Description: "dropped", AccessLevel: catalog.Tagging, ResourceTypes: []ResourceRow{
		{Name: "bucket", Required: true, ConditionKeys: []string{"aws:TagKeys"}, DependentActions: []string{"iam:PassRole"}},
	}}},
	{Kind: Changed, Entity: ActionEntity, Service: "keep", Name: "Keys", Fields: []FieldChange{
		{Field: ConditionKeysField, Resource: "bucket", Row: true, Added: []string{"keep:K2"}, Removed: []string{"aws:TagKeys"}},
		{Field: DependentActionsField, Resource: "bucket", Row: true, Added: []string{"kms:Decrypt"}},
	}},
	{Kind: Changed, Entity: ActionEntity, Service: "keep", Name: "Level", Fields: []FieldChange{
		{Field: AccessLevelField, Old: "Read", New: "Permissions management"},
	}},
	{Kind: Changed, Entity: ActionEntity, Service: "keep", Name: "Rows", Fields: []FieldChange{
		{Field: ResourceTypeField, Resource: "bucket", Row: true, Old: RowRequired, New: RowAbsent},
		{Field: ResourceTypeField, Resource: "object", Row: true, Old: RowOptional, New: RowRequired},
		{Field: ResourceTypeField, Resource: "table", Row: true, Old: RowAbsent, New: RowOptional},
	}},
	{Kind: Changed, Entity: ResourceTypeEntity, Service: "keep", Name: "bucket", Fields: []FieldChange{
		{Field: ARNField, Old: "arn:${Partition}:keep:::bucket/${Name}", New: "arn:${Partition}:keep:::bucket/${BucketName}"},
	}},
	{Kind: Added, Entity: ResourceTypeEntity, Service: "keep", Name: "newres", Record: &Record{ARN: "arn:${Partition}:keep:::new/${Name}"}},
	{Kind: Changed, Entity: ResourceTypeEntity, Service: "keep", Name: "object", Fields: []FieldChange{
		{Field: ConditionKeysField, Added: []string{"keep:K1"}},
	}},
	{Kind: Removed, Entity: ResourceTypeEntity, Service: "keep", Name: "oldres", Record: &Record{ARN: "arn:${Partition}:keep:::old/${Name}", ConditionKeys: []string{"keep:Old"}}},
	{Kind: Changed, Entity: ConditionKeyEntity, Service: "keep", Name: "keep:K1", Fields: []FieldChange{
		{Field: TypeField, Old: "String", New: "ArrayOfString"},
	}},
	{Kind: Changed, Entity: ConditionKeyEntity, Service: "keep", Name: "keep:K2", Fields: []FieldChange{
		{Field: DescriptionField, Old: "k2", New: "k2, now explained"},
	}},
	{Kind: Added, Entity: ConditionKeyEntity, Service: "keep", Name: "keep:New", Record: &Record{Type: "Numeric"}},
	{Kind: Removed, Entity: ConditionKeyEntity, Service: "keep", Name: "keep:Old", Record: &Record{Description: "old key", Type: "Bool"}},
}

func dump(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s %s fields=%+v", c.Kind, c.Entity, c.ID(), c.Fields)
		if c.Record != nil {
			fmt.Fprintf(&b, " record=%+v", *c.Record)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestDiffEveryKind(t *testing.T) {
	tr := Diff(oldCatalog(t), newCatalog(t))
	if got, want := dump(tr.Changes), dump(wantChanges); got != want {
		t.Errorf("changes:\n%s\nwant:\n%s", got, want)
	}
	if !reflect.DeepEqual(tr.Changes, wantChanges) {
		t.Errorf("changes differ from the expected ones in a way dump does not show")
	}
	if want := map[catalog.AccessLevel]int{catalog.List: 1, catalog.Write: 1}; !reflect.DeepEqual(tr.ActionsAdded, want) {
		t.Errorf("ActionsAdded = %v, want %v", tr.ActionsAdded, want)
	}
	if want := map[catalog.AccessLevel]int{catalog.Read: 1, catalog.Tagging: 1}; !reflect.DeepEqual(tr.ActionsRemoved, want) {
		t.Errorf("ActionsRemoved = %v, want %v", tr.ActionsRemoved, want)
	}
	if tr.From.Date != "2025-01-01" || tr.To.Date != "2025-06-01" || tr.From.Actions != 8 || tr.To.Actions != 8 {
		t.Errorf("From, To = %+v, %+v", tr.From, tr.To)
	}
	if tr.From.Label != "1 January 2025" || tr.To.Hash == "" || tr.To.Hash == tr.From.Hash {
		t.Errorf("From, To = %+v, %+v", tr.From, tr.To)
	}
}

func TestDiffIdentical(t *testing.T) {
	if tr := Diff(oldCatalog(t), oldCatalog(t)); len(tr.Changes) != 0 {
		t.Errorf("a catalog differs from itself:\n%s", dump(tr.Changes))
	}
}

// An action whose name changes only in letter case is a different action to
// the catalog (IAM matches case-insensitively, the reference lists one name).
func TestDiffCaseRename(t *testing.T) {
	a := load(t, "2025-01-01", tService{prefix: "x", name: "X", actions: []tAction{{name: "GetThing", desc: "d", level: "Read", rows: []tRow{{name: ""}}}}})
	b := load(t, "2025-02-01", tService{prefix: "x", name: "X", actions: []tAction{{name: "Getthing", desc: "d", level: "Read", rows: []tRow{{name: ""}}}}})
	got := dump(Diff(a, b).Changes)
	want := "removed action x:GetThing fields=[] record={Name: Description:d AccessLevel:Read ResourceTypes:[{Name: Required:false ConditionKeys:[] DependentActions:[]}] ARN: ConditionKeys:[] Type:}\n" +
		"added action x:Getthing fields=[] record={Name: Description: AccessLevel:Read ResourceTypes:[] ARN: ConditionKeys:[] Type:}\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestListDiff(t *testing.T) {
	add, rem := listDiff([]string{"a", "b", "b", "c"}, []string{"c", "d", "d", "a"})
	if !reflect.DeepEqual(add, []string{"d"}) || !reflect.DeepEqual(rem, []string{"b"}) {
		t.Errorf("listDiff = %q, %q", add, rem)
	}
	if add, rem := listDiff(nil, nil); add != nil || rem != nil {
		t.Errorf("listDiff(nil, nil) = %q, %q", add, rem)
	}
}
