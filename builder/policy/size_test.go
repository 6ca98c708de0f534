package policy

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// policySizeRunes is policySize the plain way: rune by rune, each space
// tested with unicode.IsSpace.
func policySizeRunes(src []byte, whitespace bool) int {
	n := 0
	for i := 0; i < len(src); {
		r, w := utf8.DecodeRune(src[i:])
		i += w
		if whitespace || !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// TestPolicySizeFast holds policySize to the rune loop, non-ASCII spaces
// and invalid bytes included.
func TestPolicySizeFast(t *testing.T) {
	for _, tc := range []struct {
		src         string
		with, witho int
	}{
		{"", 0, 0},
		{`{"a": 1}`, 8, 7},
		{" \t\r\n\v\f", 6, 0},
		{"a\u00a0b", 3, 2},         // no-break space
		{"a\u0085b", 3, 2},         // next line
		{"a\u2003b\u3000", 4, 2},   // em space, ideographic space
		{"é\u200bx", 3, 3},         // a zero-width space is not white space
		{"\xff\xfe a", 4, 3},       // invalid bytes count one each
		{"\xe2\x80", 2, 2},         // a truncated sequence
		{"\x1c\x1d\x1e\x1f", 4, 4}, // separators IsSpace does not count
		{"日本語 ", 4, 3},
	} {
		for _, ws := range []bool{true, false} {
			want := tc.witho
			if ws {
				want = tc.with
			}
			if got := policySize([]byte(tc.src), ws); got != want {
				t.Errorf("policySize(%q, %v) = %d, want %d", tc.src, ws, got, want)
			}
			if got := policySizeRunes([]byte(tc.src), ws); got != want {
				t.Errorf("policySizeRunes(%q, %v) = %d, want %d (the table is wrong)", tc.src, ws, got, want)
			}
		}
	}
	for c := range 256 {
		b := []byte{'x', byte(c), 'y'}
		for _, ws := range []bool{true, false} {
			if got, want := policySize(b, ws), policySizeRunes(b, ws); got != want {
				t.Errorf("policySize(%q, %v) = %d, the rune loop %d", b, ws, got, want)
			}
		}
	}
}

func FuzzPolicySize(f *testing.F) {
	for _, s := range []string{"", `{"Version": "2012-10-17"}`, "a\u00a0\u2028\u3000b", "\xff\x85 \t", "\u0085"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, ws := range []bool{true, false} {
			if got, want := policySize(src, ws), policySizeRunes(src, ws); got != want {
				t.Fatalf("policySize(%q, %v) = %d, the rune loop %d", src, ws, got, want)
			}
		}
	})
}
