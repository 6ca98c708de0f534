package catalog

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// globalsByLoop is what link's loop over the global keys gives, done the
// plain way on key names: each global key in turn goes to every name that
// folds to it, or makes its own name when none does.
func globalsByLoop(names []string, globals []*GlobalConditionKey) map[string]*GlobalConditionKey {
	out := map[string]*GlobalConditionKey{}
	for _, n := range names {
		out[n] = nil
	}
	for _, g := range globals {
		found := false
		for n := range out {
			if strings.EqualFold(n, g.Name) {
				out[n], found = g, true
			}
		}
		if !found {
			out[g.Name] = g
		}
	}
	return out
}

// TestLinkGlobals: every key gets the global key the loop would give it,
// and the keys made for global keys no service names are the loop's, for
// random spellings of a few names (global keys that fold alike, keys that
// fold to none), and with a name outside ASCII (the loop itself).
func TestLinkGlobals(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	spell := func(base string) string {
		b := []byte(base)
		for i := range b {
			if rng.IntN(2) == 0 && 'a' <= b[i] && b[i] <= 'z' {
				b[i] -= 'a' - 'A'
			}
		}
		return string(b)
	}
	bases := []string{"aws:sourceip", "aws:principaltag/${tagkey}", "demo:color", "aws:requestedregion", "aws:userid"}
	for round := range 200 {
		var keys []*ConditionKey
		seen := map[string]bool{}
		for range rng.IntN(6) {
			n := spell(bases[rng.IntN(len(bases))])
			if round%7 == 0 {
				n += "\u212a" // the Kelvin sign, which folds to k
			}
			if !seen[n] {
				seen[n] = true
				keys = append(keys, &ConditionKey{Name: n, Type: "String"})
			}
		}
		var globals []*GlobalConditionKey
		for range rng.IntN(5) {
			globals = append(globals, &GlobalConditionKey{Name: spell(bases[rng.IntN(len(bases))])})
		}
		c, err := New(Contents{
			Services:   []*Service{{Prefix: "demo", ConditionKeys: keys}},
			GlobalKeys: globals,
		})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, k := range keys {
			names = append(names, k.Name)
		}
		want := globalsByLoop(names, globals)
		got := map[string]*GlobalConditionKey{}
		for _, k := range c.ConditionKeys() {
			got[k.Name] = k.Global
		}
		if !maps(got, want) {
			t.Fatalf("keys %q, global keys %q: got %s, want %s", names, globalNames(globals), show(got), show(want))
		}
	}
}

func maps(a, b map[string]*GlobalConditionKey) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func globalNames(gs []*GlobalConditionKey) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

func show(m map[string]*GlobalConditionKey) string {
	var out []string
	for k, v := range m {
		g := "-"
		if v != nil {
			g = fmt.Sprintf("%s@%p", v.Name, v)
		}
		out = append(out, k+"→"+g)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// TestServiceAction: exact names by binary search (the last of two that
// share a name, as the map before it kept), then case-insensitively (the
// first in sort order).
func TestServiceAction(t *testing.T) {
	list := &Action{Name: "listThings"}
	s := &Service{Prefix: "demo", Actions: []*Action{list, {Name: "GetThing"}, {Name: "Getthing"}, {Name: "GetThing"}}}
	if _, err := New(Contents{Services: []*Service{s}}); err != nil {
		t.Fatal(err)
	}
	// Sorted: GetThing, GetThing, Getthing, listThings.
	for name, want := range map[string]*Action{
		"GetThing": s.Actions[1], "Getthing": s.Actions[2], "listThings": list, "LISTTHINGS": list, "getthing": s.Actions[0], "Nothing": nil, "": nil,
	} {
		if got := s.Action(name); got != want {
			t.Errorf("Action(%q) = %p, want %p", name, got, want)
		}
	}
}

// TestServiceActionConcurrent: the case-insensitive map is made on the
// first such lookup, once, while others look up (go test -race).
func TestServiceActionConcurrent(t *testing.T) {
	var acts []*Action
	for i := range 50 {
		acts = append(acts, &Action{Name: fmt.Sprintf("Get%02dThing", i)})
	}
	c, err := New(Contents{Services: []*Service{{Prefix: "demo", Actions: acts}}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				n := (i + g) % 50
				if a := c.Action(fmt.Sprintf("DEMO:get%02dthing", n)); a != acts[n] {
					t.Errorf("demo:get%02dthing is %v", n, a)
				}
			}
		})
	}
	wg.Wait()
}
