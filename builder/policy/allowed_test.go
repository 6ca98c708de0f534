package policy

import (
	"strings"
	"testing"
)

// TestAllowedIsEvaluate: Allowed gives exactly the actions Evaluate allows,
// for every version of every shipped managed policy (6,245 documents:
// NotAction, Deny with and without Condition, unknown names, every shape).
func TestAllowedIsEvaluate(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates every version of every managed policy")
	}
	e, ps := shipped(t)
	n := 0
	for _, p := range ps {
		err := p.Walk(func(i int, v PolicyVersion, lines []string) error {
			doc, _ := e.Parse([]byte(strings.Join(lines, "\n") + "\n"))
			r := e.Evaluate(doc)
			got := e.Allowed(doc)
			if len(got) != len(r.Allowed) {
				t.Fatalf("%s %s: Allowed has %d actions, Evaluate %d", p.Name, v.ID, len(got), len(r.Allowed))
			}
			for k, a := range got {
				if r.Allowed[k].Action != a {
					t.Fatalf("%s %s: action %d is %s, Evaluate says %s", p.Name, v.ID, k, a.ID(), r.Allowed[k].Action.ID())
				}
			}
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 6000 || e.Allowed(nil) != nil {
		t.Errorf("%d documents", n)
	}
}
