package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/leastprivilege"
	"github.com/iamref/iamref/builder/policy"
)

// FuzzWriteSpec: any bytes as a spec file either fail to parse with a
// diagnostic or give a spec the writer writes a valid policy and report
// for, without panicking.
func FuzzWriteSpec(f *testing.F) {
	for _, s := range []string{
		"actions: [s3:GetObject]\n",
		"levels:\n  - service: kms\n    levels: [Read, List]\nexclude: [kms:Describe*]\nall_dependent: true\n",
		"resources:\n  - type: s3:object\n    values: {BucketName: b}\n  - type: s3:bucket\n    arns: [\"arn:aws:s3:::b\"]\nactions: [s3:*]\n",
		`{"actions": ["iam:PassRole"], "dependent": ["x"], "name": "9"}`,
		"actions: s3:GetObject\n", "- a\n", "{", "levels: [{service: s3, levels: [7]}]\n",
	} {
		f.Add([]byte(s))
	}
	content, err := filepath.Abs("testdata/content")
	if err != nil {
		f.Fatal(err)
	}
	c, err := loadCatalog(content)
	if err != nil {
		f.Fatal(err)
	}
	eng := policy.NewEngine(c)
	f.Fuzz(func(t *testing.T, src []byte) {
		spec, err := parseSpec("spec.yaml", src)
		if err != nil {
			return
		}
		p := leastprivilege.Write(eng, spec)
		if !json.Valid(p.JSON) || !json.Valid(leastprivilege.Encode(p, catalog.Snapshot{})) {
			t.Fatalf("invalid JSON for %q", src)
		}
		if len(p.Problems) == 0 && !p.Verification.Exact && len(p.Verification.Missing) > 0 {
			for _, x := range p.Verification.Findings {
				if x.Severity == policy.Error {
					return // an ARN given as written that IAM rejects: said
				}
			}
			t.Errorf("%q: misses %v without a problem or an error finding", src, p.Verification.Missing)
		}
	})
}
