package site

import (
	"context"
	"os"
	"testing"
)

// BenchmarkPolicyJSON writes the JSON twins of all managed policies
// (policyreport's BenchmarkEncode compares the allowed list's writer with
// encoding/json).
func BenchmarkPolicyJSON(b *testing.B) {
	bld, _, err := prepare(context.Background(), Config{Content: os.DirFS("../../content"), Search: false})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("twins", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, m := range bld.pol.managed {
				n += len(bld.policyJSON(m.Policy, nil, m.View))
			}
			b.ReportMetric(float64(n)/1e6, "MB")
		}
	})
}
