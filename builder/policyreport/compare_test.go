package policyreport

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/iamref/iamref/builder/policy"
)

func TestCompare(t *testing.T) {
	c := smallCatalog(t)
	e := policy.NewEngine(c)
	get := []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`)
	all := []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`)
	put := []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}`)
	// A report: of another snapshot, with an action this catalog lacks.
	report := Encode(Subject{Kind: Managed, Name: "AllOfS3"}, e.Analyze(all, policy.Options{}), c.Snapshot)
	var r map[string]any
	if err := json.Unmarshal(report, &r); err != nil {
		t.Fatal(err)
	}
	r["allowed"] = append(r["allowed"].([]any), map[string]any{"action": "s3:GetObjectRetention", "access_level": "Read"})
	report2, _ := json.Marshal(r)

	for _, tc := range []struct {
		name         string
		a, b         []byte
		aName, bName string
		want         string
	}{
		{"documents", get, put, "get.json", "put.json",
			`{"schema":"iamref.compare.v1","snapshot":{"date":"2026-06-14","hash":"` + c.Snapshot.Hash + `"},` +
				`"a":{"name":"get.json","source":"document","allowed":1,"errors":0},"b":{"name":"put.json","source":"document","allowed":1,"errors":0},` +
				`"only_a":[{"action":"s3:GetObject","access_level":"Read"}],"only_b":[{"action":"s3:PutObject","access_level":"Write"}],"both":[]}` + "\n"},
		{"document and report", get, report, "get.json", "ignored",
			`{"schema":"iamref.compare.v1","snapshot":{"date":"2026-06-14","hash":"` + c.Snapshot.Hash + `"},` +
				`"a":{"name":"get.json","source":"document","allowed":1,"errors":0},"b":{"name":"AllOfS3","source":"report","allowed":2,"errors":0},` +
				`"only_a":[],"only_b":[{"action":"s3:PutObject","access_level":"Write"}],"both":[{"action":"s3:GetObject","access_level":"Read"}]}` + "\n"},
		{"a report's unknown action by name", report2, put, "", "put.json",
			`{"schema":"iamref.compare.v1","snapshot":{"date":"2026-06-14","hash":"` + c.Snapshot.Hash + `"},` +
				`"a":{"name":"AllOfS3","source":"report","allowed":3,"errors":0},"b":{"name":"put.json","source":"document","allowed":1,"errors":0},` +
				`"only_a":[{"action":"s3:GetObject","access_level":"Read"},{"action":"s3:GetObjectRetention","access_level":""}],"only_b":[],"both":[{"action":"s3:PutObject","access_level":"Write"}]}` + "\n"},
		{"a broken document", []byte(`{"Statement": [`), put, "bad.json", "put.json",
			`{"schema":"iamref.compare.v1","snapshot":{"date":"2026-06-14","hash":"` + c.Snapshot.Hash + `"},` +
				`"a":{"name":"bad.json","source":"document","allowed":0,"errors":1},"b":{"name":"put.json","source":"document","allowed":1,"errors":0},` +
				`"only_a":[],"only_b":[{"action":"s3:PutObject","access_level":"Write"}],"both":[]}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := DocumentOrReport(e, tc.aName, tc.a, policy.Options{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := DocumentOrReport(e, tc.bName, tc.b, policy.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(EncodeComparison(a, b, c.Snapshot)); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	if IsReport(get) || !IsReport(report) || IsReport([]byte(`{"schema": "iamref.catalog.v1"}`)) || IsReport([]byte(`["iamref.policy.v1"]`)) {
		t.Error("IsReport")
	}
	if _, err := ReportSide([]byte(`{"schema": "iamref.policy.v1", "allowed": {}}`), c); err == nil {
		t.Error("a report with a bad allowed list: no error")
	}
}

func TestExpansion(t *testing.T) {
	e := policy.NewEngine(smallCatalog(t))
	for pattern, want := range map[string]string{
		"s3:*Object":   `{"schema":"iamref.expand.v1","pattern":"s3:*Object","actions":[{"action":"s3:GetObject","access_level":"Read"},{"action":"s3:PutObject","access_level":"Write"}],"suggestions":[]}` + "\n",
		"S3:GETOBJECT": `{"schema":"iamref.expand.v1","pattern":"S3:GETOBJECT","actions":[{"action":"s3:GetObject","access_level":"Read"}],"suggestions":[]}` + "\n",
		"s3:GetObjekt": `{"schema":"iamref.expand.v1","pattern":"s3:GetObjekt","actions":[],"suggestions":["s3:GetObject"]}` + "\n",
		"s3:Nothing*":  `{"schema":"iamref.expand.v1","pattern":"s3:Nothing*","actions":[],"suggestions":[]}` + "\n",
	} {
		if got := string(EncodeExpansion(e, pattern)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", pattern, got, want)
		}
	}
}

// FuzzReport: the report of any document is one line of valid JSON, is
// recognised as a report, and read back as a comparison's side it allows
// what the analysis allows.
func FuzzReport(f *testing.F) {
	for _, s := range []string{
		`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`,
		`{"Statement": [{"Effect": "Deny", "NotAction": "s3:Get*", "Resource": "*"}, {"Effect": "Allow", "Action": "*", "Resource": "*"}]}`,
		`{"Statement": [`, `[]`, `{"schema": "iamref.policy.v1"}`, "{\"Statement\": {\"Sid\": \"\u2028<&>\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\"}}",
	} {
		f.Add([]byte(s))
	}
	c := smallCatalog(f)
	e := policy.NewEngine(c)
	f.Fuzz(func(t *testing.T, src []byte) {
		a := e.Analyze(src, policy.Options{})
		out := Encode(Subject{Kind: Document, Name: string(src)}, a, c.Snapshot)
		if !json.Valid(out) || bytes.Count(out, []byte("\n")) != 1 || !IsReport(out) {
			t.Fatalf("report of %q: %s", src, out)
		}
		side, err := ReportSide(out, c)
		if err != nil {
			t.Fatal(err)
		}
		want := AnalysisSide("", a)
		if len(side.Allowed) != len(want.Allowed) || side.Errors != want.Errors {
			t.Fatalf("%q: read back %d allowed, %d errors; the analysis has %d, %d", src, len(side.Allowed), side.Errors, len(want.Allowed), want.Errors)
		}
		for i := range side.Allowed {
			if side.Allowed[i].Action != want.Allowed[i].Action {
				t.Fatalf("%q: allowed %d is %s, want %s", src, i, side.Allowed[i].ID, want.Allowed[i].ID)
			}
		}
	})
}
