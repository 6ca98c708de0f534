package site

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// grantRefs and allowedDocs are the allowed list as encoding/json would
// write it from the documented structs: allowedList must match them.
func grantRefs(refs []policy.GrantRef) []grantRefDoc {
	out := make([]grantRefDoc, len(refs))
	for i, r := range refs {
		out[i] = grantRefDoc{Statement: r.Statement + 1, Sid: r.Sid, Pattern: r.Pattern, NotAction: r.NotAction}
	}
	return out
}

func allowedDocs(allowed []policy.Grant) []allowedDoc {
	out := make([]allowedDoc, len(allowed))
	for i := range allowed {
		g := &allowed[i]
		out[i] = allowedDoc{Action: g.Action.ID(), AccessLevel: string(g.Action.AccessLevel), GrantedBy: grantRefs(g.GrantedBy),
			Conditional: g.Conditional, ResourceScoped: g.ResourceScoped, PartlyDenied: g.PartlyDenied}
		if len(g.DeniedBy) > 0 {
			out[i].DeniedBy = grantRefs(g.DeniedBy)
		}
	}
	return out
}

func TestAppendAllowed(t *testing.T) {
	svc := &catalog.Service{Prefix: "demo"}
	odd := &catalog.Service{Prefix: "we<ird>&"}
	act := func(s *catalog.Service, name string, level catalog.AccessLevel) *catalog.Action {
		return &catalog.Action{Service: s, Name: name, AccessLevel: level}
	}
	star := policy.GrantRef{Statement: 0, Pattern: "*"}
	cases := map[string][]policy.Grant{
		"empty": nil,
		"one":   {{Action: act(svc, "GetWidget", "Read"), GrantedBy: []policy.GrantRef{star}}},
		"shared refs, flags, denials": {
			{Action: act(svc, "A", "Write"), GrantedBy: []policy.GrantRef{star, {Statement: 2, Sid: "S2", Pattern: "demo:*"}}, Conditional: true},
			{Action: act(svc, "B", "List"), GrantedBy: []policy.GrantRef{star}, ResourceScoped: true, PartlyDenied: true, DeniedBy: []policy.GrantRef{{Statement: 3, Sid: "NoB", Pattern: "demo:B"}}},
			{Action: act(svc, "C", "Tagging"), GrantedBy: []policy.GrantRef{{Statement: 1, NotAction: true}}},
		},
		"no grant refs": {{Action: act(svc, "D", "Read")}},
		"strings that need escaping": {
			{Action: act(odd, "Quote\"Back\\slash", "Permissions management"), GrantedBy: []policy.GrantRef{{Statement: 4, Sid: "tab\there", Pattern: "we<ird>&:*\u2028"}}},
			{Action: act(svc, "Ctl\x01\x7fé\xff", ""), GrantedBy: []policy.GrantRef{{Sid: "\u00e9\u2029", Pattern: "\x00"}}},
		},
	}
	for name, allowed := range cases {
		want := jsonValue(allowedDocs(allowed))
		list := newAllowedList(allowed)
		size := list.size()
		got := list.append([]byte("["))
		got = append(got, ']')
		if len(got)-2 > size {
			t.Errorf("%s: wrote %d bytes, more than the size %d", name, len(got)-2, size)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
		if !json.Valid(got) {
			t.Errorf("%s: invalid JSON %s", name, got)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "chime:CreateMeeting", "a\"b\\c", "<&>", "\u2028", "\xff", "\x00\x1f\x7f", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := jsonValue(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// BenchmarkPolicyJSON writes the JSON twins of all managed policies, and
// for comparison their allowed lists through encoding/json.
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
	b.Run("allowed-encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range bld.pol.managed {
				encodeJSON(allowedDocs(m.View.Result.Allowed), "")
			}
		}
	})
}
