// Package timingdoc makes the policy document /analyze/'s timings are
// measured on (builder/site's TestWorkbench timings, cmd/policywasm's
// TestBrowser, builder/policyreport's BenchmarkKeystroke): about 10 kB, as
// people write policies.
package timingdoc

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
)

// IDs are the ids of the actions of the services with the prefixes, in
// catalog order; with no prefixes, of every service.
func IDs(cat *catalog.Catalog, prefixes ...string) []string {
	var ids []string
	add := func(s *catalog.Service) {
		for _, a := range s.Actions {
			ids = append(ids, a.ID())
		}
	}
	if len(prefixes) == 0 {
		for _, s := range cat.Services {
			add(s)
		}
		return ids
	}
	for _, p := range prefixes {
		if s := cat.Service(p); s != nil {
			add(s)
		}
	}
	return ids
}

// Document is a policy of about 10 kB: statements of six of the actions
// named in full (every 37th stretch of ids), each on its own bucket's
// objects, a third with a condition.
func Document(ids []string) string {
	if len(ids) == 0 {
		return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"
	}
	var sts []string
	for i := 0; len(strings.Join(sts, ",\n")) < 10000; i++ {
		acts, _ := json.Marshal(ids[(i*37)%len(ids):][:min(6, len(ids)-(i*37)%len(ids))]) // strings always encode
		cond := ""
		if i%3 == 0 {
			cond = fmt.Sprintf(`, "Condition": {"StringEquals": {"aws:PrincipalTag/team": "t%d"}}`, i)
		}
		sts = append(sts, fmt.Sprintf(`    {"Sid": "S%d", "Effect": "Allow", "Action": %s, "Resource": "arn:aws:s3:::bucket-%d/*"%s}`, i, acts, i, cond))
	}
	return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n" + strings.Join(sts, ",\n") + "\n  ]\n}"
}
