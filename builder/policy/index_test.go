package policy

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
)

// checkIndex holds the index newIndex builds to what its fields mean,
// computed the plain way: the lower-case ids, every number sorted by id
// and then number, each id's numbers in ascending order, and each
// action's number.
func checkIndex(t *testing.T, name string, c *catalog.Catalog) {
	t.Helper()
	x := newIndex(c)
	var actions []*catalog.Action
	for _, s := range c.Services {
		actions = append(actions, s.Actions...)
	}
	if !slices.Equal(x.actions, actions) {
		t.Fatalf("%s: the actions are not in catalog order", name)
	}
	exact := map[string][]int32{}
	for n, a := range actions {
		id := strings.ToLower(a.ID())
		if x.ids[n] != id {
			t.Errorf("%s: id %d is %q, want %q", name, n, x.ids[n], id)
		}
		exact[id] = append(exact[id], int32(n))
		if got, ok := x.number(a); !ok || got != int32(n) {
			t.Errorf("%s: number(%s) = %d, %v; want %d", name, a.ID(), got, ok, n)
		}
	}
	sorted := make([]int32, len(actions))
	for i := range sorted {
		sorted[i] = int32(i)
	}
	slices.SortFunc(sorted, func(a, b int32) int {
		if c := strings.Compare(x.ids[a], x.ids[b]); c != 0 {
			return c
		}
		return int(a - b)
	})
	if !slices.Equal(x.sorted, sorted) {
		t.Errorf("%s: sorted is not every number by id, then number", name)
	}
	if len(x.exact) != len(exact) {
		t.Errorf("%s: %d exact ids, want %d", name, len(x.exact), len(exact))
	}
	for id, nums := range exact {
		if !slices.Equal(x.exact[id], nums) {
			t.Errorf("%s: exact[%q] = %v, want %v", name, id, x.exact[id], nums)
		}
	}
	for _, pi := range x.prefixes {
		for i := range pi.names {
			if n := pi.nums[i]; pi.names[i] != x.ids[n][len(pi.prefix)+1:] {
				t.Errorf("%s: %s's name %d is %q for %q", name, pi.prefix, i, pi.names[i], x.ids[n])
			}
			if i > 0 && (pi.names[i] < pi.names[i-1] || pi.names[i] == pi.names[i-1] && pi.nums[i] < pi.nums[i-1]) {
				t.Errorf("%s: %s's names out of order at %d", name, pi.prefix, i)
			}
		}
	}
	// An action of another catalog has no number here, even of the same name.
	other, err := catalog.New(catalog.Contents{Services: []*catalog.Service{{Prefix: actions[0].Service.Prefix, Actions: []*catalog.Action{{Name: actions[0].Name}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := x.number(other.Services[0].Actions[0]); ok {
		t.Errorf("%s: another catalog's %s has number %d", name, actions[0].ID(), n)
	}
}

// TestIndex: on the shipped catalog, on random ones whose prefixes begin
// alike (ab, ab-c, abc: "ab-c:" sorts before "ab:"), and on catalogs the
// shortcuts do not apply to (names outside ASCII, a colon in a name).
func TestIndex(t *testing.T) {
	if !testing.Short() {
		e, _ := shipped(t)
		checkIndex(t, "shipped", e.cat)
	}
	rng := rand.New(rand.NewPCG(14, 1))
	for i := range 50 {
		services := map[string][]string{}
		for _, p := range []string{"ab", "ab-c", "abc", "b", "b2"} {
			seen := map[string]bool{}
			for n := 1 + rng.IntN(12); len(seen) < n; {
				name := randomWord(rng, "aAbBc-", 1+rng.IntN(5))
				if !seen[strings.ToLower(name)] {
					seen[strings.ToLower(name)] = true
					services[p] = append(services[p], name)
				}
			}
		}
		checkIndex(t, "random "+string(rune('A'+i%26)), synthCatalog(t, services, nil))
	}
	for name, names := range map[string][]string{
		"not ASCII":     {"Ünïcode", "unicode", "ZÄHLEN", "Zahl"},
		"colon in name": {"Get:Thing", "Get", "GetThing"},
		"same in lower": {"GetThing", "Getthing", "GETTHING"},
	} {
		var acts []*catalog.Action
		for _, n := range names {
			acts = append(acts, &catalog.Action{Name: n, AccessLevel: catalog.Read})
		}
		c, err := catalog.New(catalog.Contents{Services: []*catalog.Service{
			{Prefix: "demo", Actions: acts},
			{Prefix: "demo-x", Actions: []*catalog.Action{{Name: "Get", AccessLevel: catalog.Read}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		checkIndex(t, name, c)
	}
}

// TestLowerASCII: eight bytes at a time, as strings.ToLower byte by byte,
// for every ASCII byte at every position, and non-ASCII anywhere is seen.
func TestLowerASCII(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	for n := range 40 {
		for range 50 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.IntN(128))
			}
			want := strings.ToLower(string(b))
			if !lowerASCII(b) || string(b) != want {
				t.Fatalf("lowerASCII(%q) = %q, want %q", want, b, want)
			}
			if n > 0 {
				b[rng.IntN(n)] |= 0x80
				if lowerASCII(b) {
					t.Fatalf("lowerASCII(%q) reports ASCII", b)
				}
			}
		}
	}
	all := make([]byte, 0, 128*3)
	for c := range 128 {
		all = append(all, byte(c), byte(c), byte(c))
	}
	want := strings.ToLower(string(all))
	if !lowerASCII(all) || string(all) != want {
		t.Errorf("every ASCII byte: %q, want %q", all, want)
	}
}
