// Package iampattern matches IAM action patterns such as "s3:Get*" or
// "chime:List?eetings" against action names, the way IAM policies do:
// the whole "prefix:Action" string is compared without regard to case,
// '*' matches any run of characters (also none), '?' matches exactly one
// character, and every other character stands for itself.
package iampattern

import "strings"

// Pattern is a compiled pattern.
type Pattern struct {
	src   string
	runes []rune // lower-cased pattern
	lit   bool   // no wildcard: compare directly
}

// Compile prepares pattern for repeated matching.
func Compile(pattern string) Pattern {
	lower := strings.ToLower(pattern)
	return Pattern{src: pattern, runes: []rune(lower), lit: !HasWildcard(pattern)}
}

// String returns the pattern as given.
func (p Pattern) String() string { return p.src }

// HasWildcard reports whether s contains '*' or '?'.
func HasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// Match reports whether action (for example "chime:CreateMeeting")
// matches pattern.
func Match(pattern, action string) bool { return Compile(pattern).Match(action) }

// Match reports whether action matches the pattern.
func (p Pattern) Match(action string) bool {
	if p.lit {
		return strings.EqualFold(p.src, action)
	}
	s := []rune(strings.ToLower(action))
	pat := p.runes
	// Iterative matching with a single backtrack point: the position
	// after the last '*' seen and the input position it was tried at.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pat) && pat[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(pat) && (pat[pi] == '?' || pat[pi] == s[si]):
			pi++
			si++
		case star >= 0:
			// let the last '*' swallow one more character
			mark++
			si = mark
			pi = star + 1
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}
