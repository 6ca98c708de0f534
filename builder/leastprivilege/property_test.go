package leastprivilege

import (
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

var (
	shippedOnce sync.Once
	shippedEng  *policy.Engine
	shippedErr  error
)

// shipped is the engine of the catalog in content/.
func shipped(tb testing.TB) *policy.Engine {
	tb.Helper()
	shippedOnce.Do(func() {
		var c *catalog.Catalog
		c, shippedErr = catalog.Load(os.DirFS("../../content"))
		if shippedErr == nil {
			shippedEng = policy.NewEngine(c)
		}
	})
	if shippedErr != nil {
		tb.Fatal(shippedErr)
	}
	return shippedEng
}

// allActions are every action of the engine's catalog, in catalog order.
func allActions(e *policy.Engine) []*catalog.Action {
	var all []*catalog.Action
	for _, s := range e.Catalog().Services {
		all = append(all, s.Actions...)
	}
	return all
}

// shortRuns is full, or short under -short.
func shortRuns(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}

// TestWriteProperty: for random sets of catalog actions, with random
// choices among the dependent actions offered, the written policy,
// analyzed afresh by the engine, allows every chosen action and nothing
// else, except what the verification reports: an extra action is one
// whose name a chosen one's equals ignoring case (IAM ignores case), a
// missing one comes with an error finding that says why.
func TestWriteProperty(t *testing.T) {
	e := shipped(t)
	all := allActions(e)
	runs := shortRuns(400, 60)
	rng := rand.New(rand.NewPCG(14, 2026))
	extras, missing := 0, 0
	for run := range runs {
		spec := Spec{}
		chosen := map[*catalog.Action]bool{}
		// Some runs stay in one service, where statements share types.
		pool := all
		if s := e.Catalog().Services[rng.IntN(len(e.Catalog().Services))]; run%2 == 0 && len(s.Actions) > 0 {
			pool = s.Actions
		}
		for range 1 + rng.IntN(12) {
			a := pool[rng.IntN(len(pool))]
			chosen[a] = true
			spec.Actions = append(spec.Actions, a.ID())
		}
		// The dependent actions offered, chosen at random: all, some or none.
		offered := Write(e, spec).Dependent
		switch rng.IntN(3) {
		case 0:
			spec.AllDependent = true
		case 1:
			for _, d := range offered {
				if d.Action != nil && rng.IntN(2) == 0 {
					spec.Dependent = append(spec.Dependent, d.Name)
				}
			}
		}
		p := Write(e, spec)
		for _, pr := range p.Problems {
			if !strings.Contains(pr, "is not an ARN: its actions are written on") {
				t.Fatalf("run %d: %v: problem %q", run, spec.Actions, pr)
			}
		}
		want := map[*catalog.Action]bool{}
		for a := range chosen {
			want[a] = true
		}
		for _, d := range offered {
			if d.Action != nil && (spec.AllDependent || contains(spec.Dependent, d.Name)) {
				want[d.Action] = true
			}
		}
		if len(p.Actions) != len(want) {
			t.Errorf("run %d: %d actions written for, want %d", run, len(p.Actions), len(want))
		}
		for _, a := range p.Actions {
			if !want[a] {
				t.Errorf("run %d: written for %s, which was neither chosen nor an included dependent", run, a.ID())
			}
		}

		// The engine's own word, not the verification's.
		an := e.Analyze(p.JSON, policy.Options{Kind: policy.Identity})
		allowed := map[*catalog.Action]bool{}
		for _, g := range an.Result.Allowed {
			allowed[g.Action] = true
		}
		v := p.Verification
		reportedExtra := map[*catalog.Action]bool{}
		for _, x := range v.Extra {
			reportedExtra[x.Action] = true
			if x.Reason == "" {
				t.Errorf("run %d: extra %s without a reason", run, x.Action.ID())
			}
		}
		reportedMissing := map[*catalog.Action]bool{}
		for _, a := range v.Missing {
			reportedMissing[a] = true
		}
		for a := range allowed {
			if want[a] {
				continue
			}
			extras++
			if !reportedExtra[a] {
				t.Errorf("run %d: %v: allows %s unreported", run, spec.Actions, a.ID())
			}
			twin := false
			for w := range want {
				twin = twin || strings.EqualFold(w.ID(), a.ID())
			}
			if !twin {
				t.Errorf("run %d: %v: allows %s, which no chosen name equals ignoring case", run, spec.Actions, a.ID())
			}
		}
		hasError := false
		for _, f := range v.Findings {
			hasError = hasError || f.Severity == policy.Error
		}
		for a := range want {
			if allowed[a] {
				continue
			}
			missing++
			if !reportedMissing[a] {
				t.Errorf("run %d: %v: does not allow %s, unreported", run, spec.Actions, a.ID())
			}
			if !hasError {
				t.Errorf("run %d: %v: does not allow %s, and no error finding says why", run, spec.Actions, a.ID())
			}
		}
		if len(reportedExtra) != len(v.Extra) || len(reportedMissing) != len(v.Missing) {
			t.Errorf("run %d: an action reported twice", run)
		}
		for a := range reportedExtra {
			if !allowed[a] || want[a] {
				t.Errorf("run %d: %s reported extra, but it is not", run, a.ID())
			}
		}
		for a := range reportedMissing {
			if allowed[a] || !want[a] {
				t.Errorf("run %d: %s reported missing, but it is not", run, a.ID())
			}
		}
		if v.Exact != (len(v.Extra) == 0 && len(v.Missing) == 0) {
			t.Errorf("run %d: exact %v with %d extra and %d missing", run, v.Exact, len(v.Extra), len(v.Missing))
		}
	}
	t.Logf("%d runs: %d extra actions (case twins), %d missing", runs, extras, missing)
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}
