package policyreport

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// keystrokeDocument is the /analyze/ page's timing document (builder/site's
// timingDocument, cmd/policywasm's wideDocument): 10 kB, statements of six
// actions of five services named in full, a third with conditions.
func keystrokeDocument(cat *catalog.Catalog) string {
	var ids []string
	for _, p := range []string{"s3", "chime", "iam", "kms", "sts"} {
		for _, a := range cat.Service(p).Actions {
			ids = append(ids, a.ID())
		}
	}
	var sts []string
	for i := 0; len(strings.Join(sts, ",\n")) < 10000; i++ {
		acts, _ := json.Marshal(ids[(i*37)%len(ids):][:min(6, len(ids)-(i*37)%len(ids))])
		cond := ""
		if i%3 == 0 {
			cond = fmt.Sprintf(`, "Condition": {"StringEquals": {"aws:PrincipalTag/team": "t%d"}}`, i)
		}
		sts = append(sts, fmt.Sprintf(`    {"Sid": "S%d", "Effect": "Allow", "Action": %s, "Resource": "arn:aws:s3:::bucket-%d/*"%s}`, i, acts, i, cond))
	}
	return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n" + strings.Join(sts, ",\n") + "\n  ]\n}"
}

// BenchmarkKeystroke is what /analyze/ does for a keystroke in a 10 kB
// policy: the analysis and its report, the document one byte different
// each time (the last action of a statement misspelt and mended, in turn).
func BenchmarkKeystroke(b *testing.B) {
	c, _ := shipped(b)
	e := policy.NewEngine(c)
	doc := keystrokeDocument(c)
	i := strings.Index(doc, `", "`)
	docs := [][]byte{[]byte(doc), []byte(doc[:i-1] + doc[i:])}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		a := e.Analyze(docs[n%2], policy.Options{Kind: policy.Identity, Incremental: true})
		Encode(Subject{Kind: Document}, a, c.Snapshot)
		n++
	}
}
