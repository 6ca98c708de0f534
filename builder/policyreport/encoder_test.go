package policyreport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/timingdoc"
)

// TestEncoder holds the Encoder to AppendAnalysis, byte for byte, over
// keystrokes that leave the allowed list as it was (a line broken, a
// condition's value edited) and keystrokes that change one thing of it
// each: a Sid, a pattern's spelling, a Condition (conditional), a
// Resource (resource-scoped), a conditional Deny (partly denied, denied
// by, the Deny's spelling alone), the statements' order, an action
// removed; and it checks that the kept encoding was used where the list
// stayed, so that both paths run. (A grant's action and its partly-denied
// term do not change while its references and the others stay, so no
// keystroke tells a comparison without them.)
func TestEncoder(t *testing.T) {
	c, managed := shipped(t)
	e := policy.NewEngine(c)
	base := timingdoc.Document(timingdoc.IDs(c, "s3", "chime", "kms"))
	first := strings.Index(base, "\n    {")
	line := base[first+1 : first+1+strings.Index(base[first+1:], "\n")]
	edit := func(old, new string) func(string) string {
		return func(doc string) string {
			if !strings.Contains(doc, old) {
				t.Fatalf("no %q in the document", old)
			}
			return strings.Replace(doc, old, new, 1)
		}
	}
	steps := []struct {
		name string
		edit func(string) string
		same bool // the allowed list stays as it was
	}{
		{"a line broken", edit(`"Effect": "Allow",`, "\"Effect\": \"Allow\",\n"), true},
		{"the line joined", edit("\"Effect\": \"Allow\",\n", `"Effect": "Allow",`), true},
		{"a condition's value", edit(`"t0"`, `"t0x"`), true},
		{"a Sid", edit(`"Sid": "S1"`, `"Sid": "S1x"`), false},
		{"a pattern's spelling", edit(`"s3:DescribeJob"`, `"s3:DescribeJo*"`), false},
		{"a Condition added", edit(`"Resource": "arn:aws:s3:::bucket-1/*"}`, `"Resource": "arn:aws:s3:::bucket-1/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}`), false},
		{"a Resource", edit(`"Resource": "arn:aws:s3:::bucket-2/*"`, `"Resource": "*"`), false},
		{"a conditional Deny", edit("\n  ]\n}", ",\n    {\"Effect\": \"Deny\", \"Action\": \"kms:*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"false\"}}}\n  ]\n}"), false},
		{"the Deny's pattern spelt in capitals", edit(`"Effect": "Deny", "Action": "kms:*"`, `"Effect": "Deny", "Action": "KMS:*"`), false},
		{"the Deny's pattern", edit(`"Effect": "Deny", "Action": "KMS:*"`, `"Effect": "Deny", "Action": "kms:C*"`), false},
		{"the statements' order", func(doc string) string {
			return strings.Replace(strings.Replace(doc, line+"\n", "", 1), "\n  ]\n}", ",\n"+strings.TrimSuffix(line, ",")+"\n  ]\n}", 1)
		}, false},
		{"an action removed", edit(`"s3:DescribeJo*",`, ``), false},
		{"nothing allowed", func(string) string { return `{"Version": "2012-10-17", "Statement": []}` }, false},
		{"nothing allowed again", func(doc string) string { return doc + " " }, true},
		{"a managed policy", func(string) string { return string(managed[0].Document) }, false},
	}
	var enc Encoder
	var out []byte
	doc := base
	out = enc.AppendAnalysis(out[:0], Subject{Kind: Document}, e.Analyze([]byte(doc), policy.Options{Incremental: true}), c)
	for _, st := range steps {
		doc = st.edit(doc)
		a := e.Analyze([]byte(doc), policy.Options{Incremental: true})
		before := enc.kept
		out = enc.AppendAnalysis(out[:0], Subject{Kind: Document}, a, c)
		if want := AppendAnalysis(nil, Subject{Kind: Document}, a, c); !bytes.Equal(out, want) {
			n := 0
			for n < min(len(out), len(want)) && out[n] == want[n] {
				n++
			}
			t.Fatalf("%s: the Encoder's answer differs from AppendAnalysis's at byte %d:\n%.200s\nwant\n%.200s", st.name, n, out[n:], want[n:])
		}
		if used := enc.kept > before; used != st.same {
			t.Errorf("%s: the kept encoding used: %v; want %v", st.name, used, st.same)
		}
	}
}
