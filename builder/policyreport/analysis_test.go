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
