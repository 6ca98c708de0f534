package linediff

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"a", []string{"a"}},
		{"a\n", []string{"a"}},
		{"a\nb\n", []string{"a", "b"}},
		{"a\n\nb", []string{"a", "", "b"}},
		{"\n", []string{""}},
	} {
		if got := Split(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Split(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func render(d []Line) string {
	var b strings.Builder
	for _, l := range d {
		b.WriteByte(byte(l.Op))
		b.WriteString(l.Text)
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

func TestDiff(t *testing.T) {
	for _, c := range []struct {
		a, b, want string
	}{
		{"", "", ""},
		{"a b c", "a b c", "=a =b =c"},
		{"", "a b", "+a +b"},
		{"a b", "", "-a -b"},
		{"a b c", "a c", "=a -b =c"},
		{"a c", "a b c", "=a +b =c"},
		{"a b c d", "a x c d", "=a -b +x =c =d"},
		{"x a b", "a b y", "-x =a =b +y"},
	} {
		d := Diff(strings.Fields(c.a), strings.Fields(c.b))
		if got := render(d); got != c.want {
			t.Errorf("Diff(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
		checkLines(t, strings.Fields(c.a), strings.Fields(c.b), d)
	}
}

// checkLines verifies a diff reproduces both texts with the right numbers.
func checkLines(t *testing.T, a, b []string, d []Line) {
	t.Helper()
	var ga, gb []string
	for _, l := range d {
		if l.Op != Insert {
			ga = append(ga, l.Text)
			if l.Old != len(ga) {
				t.Fatalf("old line %q numbered %d, want %d", l.Text, l.Old, len(ga))
			}
		} else if l.Old != 0 {
			t.Fatalf("inserted line %q has old number %d", l.Text, l.Old)
		}
		if l.Op != Delete {
			gb = append(gb, l.Text)
			if l.New != len(gb) {
				t.Fatalf("new line %q numbered %d, want %d", l.Text, l.New, len(gb))
			}
		} else if l.New != 0 {
			t.Fatalf("deleted line %q has new number %d", l.Text, l.New)
		}
	}
	if !reflect.DeepEqual(ga, nilIfEmpty(a)) || !reflect.DeepEqual(gb, nilIfEmpty(b)) {
		t.Fatalf("diff gives %q → %q, want %q → %q", ga, gb, a, b)
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// lcs is the length of the longest common subsequence, by dynamic programming.
func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func randomText(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('a' + r.IntN(4)))
	}
	return out
}

// TestDiffIsShortest checks, against brute force, that Diff keeps a longest
// common subsequence (so its edit script is the shortest) and reproduces
// both texts; and that Script and Apply round-trip.
func TestDiffIsShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		a := randomText(r, r.IntN(14))
		b := randomText(r, r.IntN(14))
		if n%3 == 0 && len(a) > 0 { // similar texts, as policy versions are
			b = append(append([]string(nil), a[:r.IntN(len(a))]...), randomText(r, r.IntN(3))...)
			b = append(b, a[r.IntN(len(a)):]...)
		}
		d := Diff(a, b)
		checkLines(t, a, b, d)
		eq := 0
		for _, l := range d {
			if l.Op == Equal {
				eq++
			}
		}
		if want := lcs(a, b); eq != want {
			t.Fatalf("Diff(%q, %q) keeps %d lines, the LCS has %d: %s", a, b, eq, want, render(d))
		}
		got, err := Apply(a, Script(a, b))
		if err != nil || !reflect.DeepEqual(got, nilIfEmpty(b)) && !(len(got) == 0 && len(b) == 0) {
			t.Fatalf("Apply(%q, Script(%q, %q)) = %q, %v", a, a, b, got, err)
		}
	}
}

func TestHunks(t *testing.T) {
	a := strings.Fields("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20")
	b := append([]string(nil), a...)
	b[2] = "x"  // line 3
	b[4] = "y"  // line 5: within 2×3 of line 3, same hunk
	b[15] = "z" // line 16: a hunk of its own
	hs := Hunks(Diff(a, b), 3)
	if len(hs) != 2 {
		t.Fatalf("%d hunks, want 2: %+v", len(hs), hs)
	}
	if h := hs[0]; h.OldStart != 1 || h.OldLines != 8 || h.NewStart != 1 || h.NewLines != 8 {
		t.Errorf("first hunk %d,%d %d,%d, want 1,8 1,8", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
	}
	if h := hs[1]; h.OldStart != 13 || h.OldLines != 7 || h.NewStart != 13 || h.NewLines != 7 {
		t.Errorf("second hunk %d,%d %d,%d, want 13,7 13,7", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
	}
	if hs := Hunks(Diff(a, a), 3); len(hs) != 0 {
		t.Errorf("equal texts: %d hunks", len(hs))
	}
	// An insertion at the very start and a deletion at the very end.
	hs = Hunks(Diff([]string{"a", "b"}, []string{"x", "a"}), 1)
	if len(hs) != 1 || render(hs[0].Lines) != "+x =a -b" {
		t.Errorf("hunks = %+v", hs)
	}
}

func TestApplyRejectsBadScripts(t *testing.T) {
	base := []string{"a", "b", "c"}
	for _, s := range [][]Edit{
		{{At: 5, Delete: 0}},
		{{At: 2, Delete: 3}},
		{{At: 2, Delete: 1}, {At: 2, Delete: 1}},
		{{At: 0, Delete: 1}},
		{{At: 1, Delete: -1}},
	} {
		if _, err := Apply(base, s); err == nil {
			t.Errorf("Apply(%v) succeeded", s)
		}
	}
	got, err := Apply(base, []Edit{{At: 4, Insert: []string{"d"}}})
	if err != nil || !reflect.DeepEqual(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("append: %q, %v", got, err)
	}
}

func BenchmarkDiffPolicyVersions(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	a := make([]string, 5000)
	for i := range a {
		a[i] = "        \"svc:Action" + string(rune('A'+r.IntN(26))) + string(rune('a'+r.IntN(26))) + "\","
	}
	c := append([]string(nil), a...)
	for k := 0; k < 20; k++ {
		i := r.IntN(len(c))
		c = append(c[:i], append([]string{"        \"new:Thing\","}, c[i:]...)...)
	}
	for b.Loop() {
		Diff(a, c)
	}
}

// TestScriptHunks checks, on random texts, that the hunks worked out from
// a script describe the change from its target to its base: every line at
// its number in its text, as many changed lines as the shortest diff,
// context of at most the asked size, the same hunks as Hunks of the
// script's own diff.
func TestScriptHunks(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := 0; n < 3000; n++ {
		a := randomText(r, r.IntN(20)) // the older text: the target
		b := randomText(r, r.IntN(20)) // the newer: the base
		if n%2 == 0 && len(a) > 0 {
			b = append(append(append([]string(nil), a[:r.IntN(len(a))]...), randomText(r, r.IntN(3))...), a[r.IntN(len(a)):]...)
		}
		ctx := r.IntN(3)
		script := Script(b, a)
		hs := ScriptHunks(b, script, ctx)
		changed := 0
		for _, h := range hs {
			lead := 0
			for lead < len(h.Lines) && h.Lines[lead].Op == Equal {
				lead++
			}
			trail := 0
			for trail < len(h.Lines) && h.Lines[len(h.Lines)-1-trail].Op == Equal {
				trail++
			}
			if lead > ctx || trail > ctx {
				t.Fatalf("a=%q b=%q ctx %d: hunk with %d, %d lines of context", a, b, ctx, lead, trail)
			}
			for _, l := range h.Lines {
				switch l.Op {
				case Equal:
					if a[l.Old-1] != l.Text || b[l.New-1] != l.Text {
						t.Fatalf("a=%q b=%q: equal line %+v", a, b, l)
					}
				case Delete:
					changed++
					if a[l.Old-1] != l.Text {
						t.Fatalf("a=%q b=%q: deleted line %+v", a, b, l)
					}
				case Insert:
					changed++
					if b[l.New-1] != l.Text {
						t.Fatalf("a=%q b=%q: inserted line %+v", a, b, l)
					}
				}
			}
		}
		if want := len(a) + len(b) - 2*lcs(a, b); changed != want {
			t.Fatalf("a=%q b=%q: %d changed lines, the shortest diff has %d", a, b, changed, want)
		}
	}
}
