package policy

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
)

func actionIDs(as []*catalog.Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID())
	}
	return out
}

func TestCompare(t *testing.T) {
	e := NewEngine(testCatalog(t))
	a := e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "ec2:Describe*"], "Resource": "*"}]}`))
	b := e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject*", "chime:List*", "ec2:DescribeImages"], "Resource": "*"}]}`))
	c := Compare(a, b)
	want := map[string][]string{
		"OnlyA": {"ec2:DescribeInstances", "s3:GetBucketPolicy"},
		"OnlyB": {"chime:ListAccounts", "chime:ListMeetingsReportData"},
		"Both":  {"ec2:DescribeImages", "s3:GetObject", "s3:GetObjectAcl"},
	}
	got := map[string][]string{"OnlyA": actionIDs(c.OnlyA), "OnlyB": actionIDs(c.OnlyB), "Both": actionIDs(c.Both)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Compare = %v\nwant      %v", got, want)
	}
	if c := Compare(a, &Result{}); len(c.OnlyA) != len(a.Allowed) || len(c.OnlyB)+len(c.Both) != 0 {
		t.Errorf("Compare with an empty result = %+v", c)
	}
}

func TestServiceMatrix(t *testing.T) {
	e := NewEngine(testCatalog(t))
	docs := map[string]string{
		"Wide":  `{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`,
		"Mixed": `{"Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, {"Effect": "Deny", "Action": "s3:GetObjectAcl", "Resource": "arn:aws:s3:::b/secret"}`,
		"Tie":   `{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"], "Resource": "*"}`,
		"Other": `{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}`,
	}
	var policies []*ManagedPolicy
	var results []*Result
	for _, name := range []string{"Mixed", "Other", "Tie", "Wide"} {
		policies = append(policies, &ManagedPolicy{Name: name})
		results = append(results, e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [`+docs[name]+`]}`)))
	}
	m := ServiceMatrix(e.Catalog().Service("s3"), policies, results)
	var cols []string
	for _, c := range m.Columns {
		cols = append(cols, c.Policy.Name)
	}
	// Wide allows all 6; Mixed and Tie allow 4 each (ties by name); Other none.
	if want := []string{"Wide", "Mixed", "Tie"}; !reflect.DeepEqual(cols, want) {
		t.Fatalf("columns = %v, want %v", cols, want)
	}
	var levels []catalog.AccessLevel
	cells := map[string][]CellState{}
	for _, g := range m.Groups {
		levels = append(levels, g.Level)
		for _, r := range g.Rows {
			for _, c := range r.Cells {
				cells[r.Action.Name] = append(cells[r.Action.Name], c.State)
				if c.State.Allowed() != (c.Grant != nil) || (c.Grant != nil && c.Grant.Action != r.Action) {
					t.Errorf("%s: cell %v holds grant %+v", r.Action.ID(), c.State, c.Grant)
				}
			}
		}
	}
	if want := []catalog.AccessLevel{catalog.Read, catalog.Write}; !reflect.DeepEqual(levels, want) {
		t.Errorf("groups = %v, want %v", levels, want)
	}
	const A, C, S, P = CellAllowed, CellConditional, CellResourceScoped, CellPartlyDenied
	want := map[string][]CellState{
		"GetBucketPolicy": {A, A | C | S, 0},
		"GetObject":       {A, A | C | S, A},
		"GetObjectAcl":    {A, A | C | S | P, 0},
		"ListBucket":      {A, 0, A},
		"PutObject":       {A, A | C | S, A},
		"DeleteObject":    {A, 0, A},
	}
	if !reflect.DeepEqual(cells, want) {
		t.Errorf("cells = %v\nwant    %v", cells, want)
	}
	if s := (A | C | S).String(); s != "allowed+conditional+resource-scoped" || CellState(0).String() != "none" || !(A | C).Has(C) || (A | C).Unrestricted() {
		t.Errorf("CellState helpers: %q", s)
	}
}

func TestManagedMatrixAndReverseIndex(t *testing.T) {
	e, ps, byName := evaluated(t)
	c := e.Catalog()
	results := make([]*Result, len(ps))
	for i, p := range ps {
		results[i] = byName[p.Name]
	}
	chime := c.Service("chime")
	m := ServiceMatrix(chime, ps, results)
	var cols []string
	for _, col := range m.Columns[:5] {
		cols = append(cols, col.Policy.Name)
	}
	n := len(chime.Actions)
	// Five policies allow every chime action (ties by name, and upper-case
	// sorts first in byte order): AIDevOpsAgentActionsPolicy by NotAction
	// (its newest version), AWSMcpServiceActionsFullAccess with "*"
	// under a Condition.
	if want := []string{"AIDevOpsAgentActionsPolicy", "AWSMcpServiceActionsFullAccess", "AdministratorAccess", "AmazonChimeFullAccess", "PowerUserAccess"}; !reflect.DeepEqual(cols, want) || m.Columns[0].Count != n || m.Columns[4].Count != n {
		t.Errorf("first columns = %v (first allows %d of %d)", cols, m.Columns[0].Count, n)
	}
	for _, g := range m.Groups {
		for _, r := range g.Rows {
			if r.Cells[0].State != CellAllowed || r.Cells[1].State != CellAllowed|CellConditional {
				t.Fatalf("%s: cells %v, %v; want unrestricted, then conditional", r.Action.ID(), r.Cells[0].State, r.Cells[1].State)
			}
		}
	}
	rows := 0
	for i, g := range m.Groups {
		rows += len(g.Rows)
		if i > 0 && g.Level.Index() <= m.Groups[i-1].Level.Index() {
			t.Errorf("group %s after %s", g.Level, m.Groups[i-1].Level)
		}
	}
	if rows != n {
		t.Errorf("matrix has %d rows, service has %d actions", rows, n)
	}
	for i := 1; i < len(m.Columns); i++ {
		if m.Columns[i].Count > m.Columns[i-1].Count {
			t.Errorf("column %s (%d) after %s (%d)", m.Columns[i].Policy.Name, m.Columns[i].Count, m.Columns[i-1].Policy.Name, m.Columns[i-1].Count)
		}
	}

	x := NewReverseIndex(ps, results)
	found := false
	grants := x.Grants(c.Action("chime:GetGlobalSettings"))
	for _, pg := range grants {
		if pg.Policy.Name == "AmazonChimeReadOnly" {
			found = pg.Grant.GrantedBy[0].Pattern == "chime:Get*"
		}
	}
	if !found || len(grants) < 4 {
		t.Errorf("reverse index of chime:GetGlobalSettings = %d policies, AmazonChimeReadOnly via chime:Get*: %v", len(grants), found)
	}
	if got := len(x.Grants(c.Action("iam:CreateRole"))); got == 0 || got >= len(ps) {
		t.Errorf("iam:CreateRole granted by %d policies", got)
	}
	// securityagent:CreateThreatModel, unknown to the June catalog, is in
	// the September one; builderid is a prefix no catalog has had.
	refs := x.Unknown("BUILDERID:CreateInvitation")
	if len(refs) != 2 || refs[0].Policy.Name != "AWSManagedSettingsAdminAccess" {
		t.Errorf("unknown builderid:CreateInvitation referenced by %+v", refs)
	}
	total := 0
	for _, id := range x.UnknownIDs() {
		total += len(x.Unknown(id))
	}
	if total != 139 {
		t.Errorf("reverse index holds %d unknown references, want 139", total)
	}
}

const inlineTable = `source: {name: "Guide", url: "https://example.com/guide"}
policies:
  W: Wide
  N: Narrow
rows:
  - {action: "s3:GetObject", group: "Objects", policies: [W, N]}
  - {action: "s3:PutObject", group: "Objects", policies: [W, N]}
  - {action: "s3:GetObjekt", group: "Objects", policies: [N]}
  - {action: "s3:ListBucket", group: "Buckets", policies: []}
`

func TestDriftInline(t *testing.T) {
	e := NewEngine(testCatalog(t))
	fsys := fstest.MapFS{"docs/t.yaml": {Data: []byte(inlineTable)}}
	table, err := LoadDocumentedTable(fsys, "docs/t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if table.Source.URL != "https://example.com/guide" || len(table.Policies) != 2 || table.Policies[0] != (TablePolicy{"W", "Wide"}) || len(table.Rows) != 4 || table.Rows[2].Line != 8 {
		t.Fatalf("table = %+v", table)
	}
	results := map[string]*Result{
		"Wide":   e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`)),
		"Narrow": e.Evaluate(mustParse(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}`)),
	}
	rows := e.Drift(table, results)
	type cell struct{ doc, comp, sugg bool }
	got := map[string][]cell{}
	var undocumented []string
	for _, r := range rows {
		if r.Undocumented {
			undocumented = append(undocumented, r.Action)
			continue
		}
		for _, c := range r.Cells {
			got[r.Action] = append(got[r.Action], cell{c.Documented, c.Computed, c.SuggestedComputed})
		}
	}
	want := map[string][]cell{
		"s3:GetObject":  {{true, true, false}, {true, true, false}},
		"s3:PutObject":  {{true, true, false}, {true, false, false}}, // Narrow: documented, not computed
		"s3:GetObjekt":  {{false, false, true}, {true, false, true}}, // not in the catalog; the suggestion is granted by both
		"s3:ListBucket": {{false, true, false}, {false, false, false}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("drift cells = %v\nwant          %v", got, want)
	}
	if want := []string{"s3:DeleteObject", "s3:GetBucketPolicy", "s3:GetObjectAcl"}; !reflect.DeepEqual(undocumented, want) {
		t.Errorf("undocumented rows = %v, want %v", undocumented, want)
	}
	if r := rows[2]; r.Catalog != nil || !reflect.DeepEqual(r.Suggestions, []string{"s3:GetObject"}) || !r.HasDrift() {
		t.Errorf("row s3:GetObjekt = %+v", r)
	}
	if rows[0].HasDrift() || !rows[1].HasDrift() {
		t.Error("HasDrift wrong for rows 1 and 2")
	}
	// A policy without a result is marked missing, not drifting.
	delete(results, "Narrow")
	if c := e.Drift(table, results)[1].Cells[1]; !c.Missing || c.Drift() {
		t.Errorf("cell without a result = %+v", c)
	}
}

func TestLoadDocumentedTableErrors(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"unknown abbreviation": {strings.Replace(inlineTable, "[W, N]}", "[W, X]}", 1), "t.yaml:6:5: action s3:GetObject: unknown policy abbreviation \"X\""},
		"duplicate row":        {inlineTable + "  - {action: \"S3:getobject\", group: \"x\", policies: []}\n", "t.yaml:10:5: action S3:getobject is listed twice (also line 6)"},
		"unknown field":        {inlineTable + "extra: 1\n", `t.yaml:10:1: unknown key "extra"`},
		"not yaml":             {"rows: [", "t.yaml:"},
	} {
		_, err := LoadDocumentedTable(fstest.MapFS{"t.yaml": {Data: []byte(tc.src)}}, "t.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", name, err, tc.want)
		}
		if list := (diag.List)(nil); !errors.As(err, &list) {
			t.Errorf("%s: error is a %T, want a diag.List", name, err)
		}
	}
}

func TestDriftChimeGuide(t *testing.T) {
	e, _, results := evaluated(t)
	table, err := LoadDocumentedTable(os.DirFS("../../content"), "docs/chime-managed-policy-table.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(table.Rows) != 84 || len(table.Policies) != 3 {
		t.Fatalf("table has %d rows and %d policies, want 84 and 3", len(table.Rows), len(table.Policies))
	}
	rows := e.Drift(table, results)
	byAction := map[string]DriftRow{}
	for _, r := range rows {
		byAction[r.Action] = r
	}
	// The two names the guide spells differently from the catalog.
	for action, sugg := range map[string]string{
		"chime:ListMeetingReportData": "chime:ListMeetingsReportData",
		"chime:RetrieveDataExport":    "chime:RetrieveDataExports",
	} {
		r := byAction[action]
		if r.Catalog != nil || len(r.Suggestions) == 0 || r.Suggestions[0] != sugg {
			t.Errorf("%s: catalog %v, suggestions %v; want missing with %s", action, r.Catalog, r.Suggestions, sugg)
		}
	}
	// The guide lists chime:ListMeetingReportData for FA and UM; UM's
	// document grants the catalog's chime:ListMeetingsReportData by name,
	// and RO grants it through chime:List*.
	for _, c := range byAction["chime:ListMeetingReportData"].Cells {
		if !c.SuggestedComputed || c.Computed {
			t.Errorf("chime:ListMeetingReportData %s: %+v", c.Policy.Abbrev, c)
		}
	}
	// The guide says only FA grants chime:GetGlobalSettings; RO's chime:Get* grants it too.
	var drifts []string
	for _, c := range byAction["chime:GetGlobalSettings"].Cells {
		if c.Drift() {
			drifts = append(drifts, c.Policy.Abbrev)
		}
	}
	if !reflect.DeepEqual(drifts, []string{"RO"}) {
		t.Errorf("chime:GetGlobalSettings drifts for %v, want [RO]", drifts)
	}
	// Rows the guide does not list: chime actions FA grants (chime:*) that
	// are newer than the guide, e.g. the Chime SDK's chime:CreateMeeting.
	if r, ok := byAction["chime:CreateMeeting"]; !ok || !r.Undocumented || !r.Cells[0].Computed {
		t.Errorf("chime:CreateMeeting undocumented row = %+v", r)
	}
	undocumented := 0
	for _, r := range rows {
		if r.Undocumented {
			undocumented++
		}
	}
	if want := len(e.Catalog().Service("chime").Actions) - (84 - 2); undocumented != want {
		t.Errorf("%d undocumented rows, want %d (every chime action FA's chime:* grants beyond the 82 the guide names)", undocumented, want)
	}
}
