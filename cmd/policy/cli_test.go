package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// TestEmbedded: without -content, from a directory that is not the
// repository, the commands use the embedded catalog: the shipped one.
func TestEmbedded(t *testing.T) {
	c, err := catalog.Load(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "chime:ListMeetingReportData", "Resource": "*"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, dir, "", "expand", "chime:CreateMeeting", "iam:createrole")
	if code != exitOK || stdout != "chime:CreateMeeting\tWrite\niam:CreateRole\tPermissions management (reference: Write)\n" {
		t.Errorf("expand: exit %d, %q %q", code, stdout, stderr)
	}
	stdout, _, code = runCLI(t, dir, "", "lint", "p.json")
	if code != exitOK || !strings.Contains(stdout, "p.json:1:70: warning: UNKNOWN_ACTION:") || !strings.Contains(stdout, "did you mean chime:ListMeetingsReportData?") {
		t.Errorf("lint: exit %d, %q", code, stdout)
	}
	stdout, _, _ = runCLI(t, dir, "", "analyze", "p.json")
	var r struct{ Snapshot struct{ Date, Hash string } }
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || r.Snapshot.Date != c.Snapshot.Date || r.Snapshot.Hash != c.Snapshot.Hash {
		t.Errorf("analyze: snapshot %+v (%v), the content's is %+v", r.Snapshot, err, c.Snapshot)
	}
}

// TestCompareReport: a side may be an iamref.policy.v1 report, as
// analyze (and the site's /api/policies/) writes it.
func TestCompareReport(t *testing.T) {
	content, _ := filepath.Abs("testdata/content")
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.json", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}}`)
	write("b.json", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:List*", "s3:GetObject"], "Resource": "*"}}`)
	report, _, code := runCLI(t, dir, "", "analyze", "-content", content, "-name", "ListAndGet", "b.json")
	if code != exitOK {
		t.Fatal(code)
	}
	write("b-report.json", report)
	fromDoc, _, _ := runCLI(t, "", "", "compare", "-content", content, "-format", "json", "a.json", "b.json")
	fromReport, stderr, code := runCLI(t, "", "", "compare", "-content", content, "-format", "json", "a.json", "b-report.json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := strings.Replace(fromDoc, `"b":{"name":"b.json","source":"document"`, `"b":{"name":"ListAndGet","source":"report"`, 1)
	if fromReport != want || !strings.Contains(fromReport, `"only_b":[{"action":"s3:ListAllMyBuckets","access_level":"List"},{"action":"s3:ListBucket","access_level":"List"}]`) {
		t.Errorf("from the report:\n%s\nwant:\n%s", fromReport, want)
	}
}

// TestWriteThenLint: what write writes, lint finds no error or warning
// in, and analyze allows exactly the chosen actions of.
func TestWriteThenLint(t *testing.T) {
	content, _ := filepath.Abs("testdata/content")
	for _, args := range [][]string{
		{"-action", "s3:GetObject,s3:ListBucket,s3:ListAllMyBuckets", "-var", "s3:object:BucketName=reports"},
		{"-level", "kms", "-level", "iam=List,Read"},
		{"-action", "s3:Put*", "-all-dependent", "-arn", "s3:object=arn:aws:s3:::a/*", "-arn", "s3:object=arn:aws:s3:::b/*"},
	} {
		doc, stderr, code := runCLI(t, "", "", append([]string{"write", "-content", content}, args...)...)
		if code != exitOK {
			t.Errorf("%q: exit %d: %s", args, code, stderr)
			continue
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "w.json"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		lint, _, _ := runCLI(t, dir, "", "lint", "-content", content, "-kind", "identity", "w.json")
		for _, l := range strings.Split(strings.TrimSpace(lint), "\n") {
			if strings.Contains(l, ": error: ") || strings.Contains(l, ": warning: ") {
				t.Errorf("%q: %s", args, l)
			}
		}
		report, _, _ := runCLI(t, "", "", append([]string{"write", "-content", content, "-format", "report"}, args...)...)
		analysis, _, _ := runCLI(t, dir, "", "analyze", "-content", content, "-kind", "identity", "w.json")
		var w struct{ Actions []struct{ Action string } }
		var a struct{ Allowed []struct{ Action string } }
		if json.Unmarshal([]byte(report), &w) != nil || json.Unmarshal([]byte(analysis), &a) != nil {
			t.Fatalf("%q: not JSON", args)
		}
		var chosen, allowed []string
		for _, x := range w.Actions {
			chosen = append(chosen, x.Action)
		}
		for _, x := range a.Allowed {
			allowed = append(allowed, x.Action)
		}
		if !slices.Equal(chosen, allowed) || len(chosen) == 0 {
			t.Errorf("%q: chosen %v, allowed %v", args, chosen, allowed)
		}
	}
}

// BenchmarkLintManaged lints every managed policy, as CI would lint a
// repository of policies (the budget: under 2 s on this machine).
//
//	go test ./cmd/policy -run '^$' -bench LintManaged -benchtime 5x
func BenchmarkLintManaged(b *testing.B) {
	ps, err := policy.LoadManaged(os.DirFS("../../content"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	args := []string{"lint", "-kind", "identity", "-aws-managed", "-format", "sarif"}
	for _, p := range ps {
		f := filepath.Join(dir, p.Name+".json")
		if err := os.WriteFile(f, p.Document, 0o644); err != nil {
			b.Fatal(err)
		}
		args = append(args, f)
	}
	for b.Loop() {
		var out strings.Builder
		code := runWith(&env{ctx: b.Context(), stdin: strings.NewReader(""), stdout: &out, stderr: &out}, args)
		if code == exitUsage {
			b.Fatal(out.String())
		}
	}
	b.ReportMetric(float64(len(ps)), "policies")
}

// TestAnalyzeTooLarge: a document whose report would be longer than
// policyreport.MaxSize (a Sid of 20,000 characters on every action of the
// embedded catalog: about 400 MB) is an error at its statement, and the
// other files' reports are written.
func TestAnalyzeTooLarge(t *testing.T) {
	dir := t.TempDir()
	long := `{"Version": "2012-10-17",
  "Statement": {"Sid": "` + strings.Repeat("L", 20000) + `", "Effect": "Allow", "Action": "*", "Resource": "*"}}`
	for name, src := range map[string]string{"long.json": long, "p.json": `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := runCLI(t, dir, "", "analyze", "long.json", "p.json")
	if code != exitUsage || !strings.HasPrefix(stderr, "policy analyze: long.json:2:16: the report would be about ") ||
		!strings.Contains(stderr, "statement 1 takes most of it, named with each of the ") || !strings.Contains(stderr, "actions it allows or denies, its Sid (20000 characters) with it every time") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, `"name":"p.json"`) {
		t.Errorf("stdout: %.300q", stdout)
	}
}
