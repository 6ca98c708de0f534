package policyreport

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/timingdoc"
)

// TestEncodeAnalysis holds EncodeAnalysis to what the worker made of two
// calls before it: the report is Encode's, byte for byte, and "known"
// names exactly the suggested names that `policy expand` finds as an
// action of that very name, with the access level it gives.
func TestEncodeAnalysis(t *testing.T) {
	c, managed := shipped(t)
	e := policy.NewEngine(c)
	ids := timingdoc.IDs(c, "s3", "chime", "iam", "kms", "sts")
	big := timingdoc.Document(ids)
	docs := map[string]string{
		"timing": big,
		// Misspelt and mis-cased names, a wildcard matching nothing, an
		// unknown service: suggestions of every sort.
		"misspelt": strings.NewReplacer(`"s3:AbortMultipartUpload"`, `"s3:AbortMultipartUplod"`, `"s3:CreateAccessGrant"`, `"s3:createaccessgrant"`,
			`"chime:`, `"chimee:`, `"iam:`, `"iam:Gett*`).Replace(big),
		"empty":  `{"Version": "2012-10-17", "Statement": []}`,
		"broken": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjct", "Resource": "*"`,
	}
	for i, m := range managed {
		if i%50 == 0 {
			docs[m.Name] = string(m.Document)
		}
	}
	for name, doc := range docs {
		a := e.Analyze([]byte(doc), policy.Options{})
		subject := Subject{Kind: Document, Name: name}
		got := EncodeAnalysis(subject, a, c)
		var v struct {
			Report json.RawMessage   `json:"report"`
			Known  map[string]string `json:"known"`
		}
		if err := json.Unmarshal(got, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := Encode(subject, a, c.Snapshot); !bytes.Equal(append(v.Report, '\n'), want) {
			t.Errorf("%s: the report differs from Encode's", name)
		}
		var rep struct {
			Findings []struct{ Suggestions []string } `json:"findings"`
			Unknown  []struct{ Suggestions []string } `json:"unknown"`
		}
		if err := json.Unmarshal(v.Report, &rep); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		suggested := 0
		for _, list := range [][]struct{ Suggestions []string }{rep.Findings, rep.Unknown} {
			for _, f := range list {
				for _, s := range f.Suggestions {
					suggested++
					var x struct {
						Actions []struct {
							Action      string `json:"action"`
							AccessLevel string `json:"access_level"`
						} `json:"actions"`
					}
					if err := json.Unmarshal(EncodeExpansion(e, s), &x); err != nil {
						t.Fatal(err)
					}
					for _, act := range x.Actions {
						if act.Action == s {
							want[s] = act.AccessLevel
						}
					}
				}
			}
		}
		if len(v.Known) != len(want) {
			t.Errorf("%s: %d names known, want %d", name, len(v.Known), len(want))
		}
		for k, lvl := range want {
			if v.Known[k] != lvl {
				t.Errorf("%s: known[%q] = %q, want %q", name, k, v.Known[k], lvl)
			}
		}
		if name == "misspelt" && (suggested == 0 || len(want) == 0) {
			t.Errorf("misspelt: %d suggestions, %d known: the test checks nothing", suggested, len(want))
		}
	}
}

// TestAppendReuse: reports written one after another into one buffer, as
// the browser's engine writes them, and after bytes already in it, are
// Encode's and EncodeAnalysis's, byte for byte (a reused allowed list
// that kept a reference of the report before would show here).
func TestAppendReuse(t *testing.T) {
	c, managed := shipped(t)
	e := policy.NewEngine(c)
	big := timingdoc.Document(timingdoc.IDs(c, "s3", "chime", "iam", "kms", "sts"))
	docs := []string{big, strings.Replace(big, `"Sid": "`, `"Sid": "x\"`, 1), `{"Statement": {"Effect": "Allow", "Action": "s3:GetObjct", "Resource": "*"}}`, big}
	for i, m := range managed {
		if i%100 == 0 {
			docs = append(docs, string(m.Document))
		}
	}
	var rep, ans []byte
	for i, doc := range docs {
		a := e.Analyze([]byte(doc), policy.Options{Incremental: i%2 == 0})
		s := Subject{Kind: Document, Name: "reuse"}
		rep = AppendEncode(rep[:0], s, a, c.Snapshot)
		if want := Encode(s, a, c.Snapshot); !bytes.Equal(rep, want) {
			t.Errorf("document %d: AppendEncode into a used buffer differs from Encode", i)
		}
		ans = AppendAnalysis(ans[:0], s, a, c)
		if want := EncodeAnalysis(s, a, c); !bytes.Equal(ans, want) {
			t.Errorf("document %d: AppendAnalysis into a used buffer differs from EncodeAnalysis", i)
		}
		if got := AppendEncode([]byte("prefix"), s, a, c.Snapshot); !bytes.Equal(got, append([]byte("prefix"), rep...)) {
			t.Errorf("document %d: AppendEncode after bytes in the buffer differs", i)
		}
	}
}

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

// TestEncodeAnalysisHeld: a document a wrapper holds as a string is said,
// after the report and the known names, which are the wrapper's analysis
// as they would be without it, byte for byte; its text is the decoded
// document, quoted as encoding/json reads it back.
func TestEncodeAnalysisHeld(t *testing.T) {
	c, _ := shipped(t)
	e := policy.NewEngine(c)
	scp := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"s3:DeleteBucket\", \"Resource\": \"*\", \"Sid\": \"\u00e9\u2028<>&\"}]\n}"
	quoted, _ := json.Marshal(scp)
	for _, src := range []string{
		`{"Policy": {"PolicySummary": {"Name": "deny"}, "Content": ` + string(quoted) + `}}`,
		`{"PolicyVersion": {"Document": "` + strings.NewReplacer("\n", "%0A", " ", "%20", `"`, "%22", "{", "%7B", "}", "%7D").Replace(scp) + `"}}`,
	} {
		doc, held := policy.Unwrap([]byte(src))
		if held == nil {
			t.Fatalf("%s: no held document", src)
		}
		a := e.Analyze(doc, policy.Options{})
		without := EncodeAnalysis(Subject{Kind: Document, Name: "p"}, a, c)
		got := EncodeAnalysis(Subject{Kind: Document, Name: "p", Held: held}, a, c)
		if !bytes.HasPrefix(got, without[:len(without)-2]) {
			t.Errorf("%s: the report and known names differ from the answer without a held document", src)
		}
		var v struct {
			Held struct {
				Path       string `json:"path"`
				Line       int    `json:"line"`
				Column     int    `json:"column"`
				URLEncoded bool   `json:"url_encoded"`
				Document   string `json:"document"`
			} `json:"held"`
		}
		if err := json.Unmarshal(got, &v); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		h := v.Held
		if h.Path != held.Path || h.Line != held.At.Line || h.Column != held.At.Col || h.URLEncoded != held.URLEncoded || h.Document != scp {
			t.Errorf("%s: held %+v, want %s at %d:%d, %q", src, h, held.Path, held.At.Line, held.At.Col, scp)
		}
	}
}
