// Package iampattern matches IAM action patterns such as "chime:List*" or
// "s3:Get?bject" against action names such as "chime:ListAccounts".
//
// The rules are IAM's: the comparison ignores letter case on the whole
// "prefix:action", "*" matches any run of characters (including an empty
// one), "?" matches exactly one character, and every other character stands
// for itself. Search and policy evaluation share this one matcher so that a
// pattern typed in the search box selects exactly the actions a policy with
// that pattern would.
package iampattern

import (
	"unicode"
	"unicode/utf8"
)

// Match reports whether pattern matches id, ignoring letter case.
//
// It runs in O(len(pattern)·len(id)) time in the worst case and allocates
// nothing: a "*" remembers where it stood, and a mismatch after it retries
// with the star absorbing one more character.
func Match(pattern, id string) bool {
	p, s := 0, 0
	starP, starS := -1, 0
	for s < len(id) {
		if p < len(pattern) {
			switch pc := pattern[p]; {
			case pc == '*':
				starP, starS = p, s
				p++
				continue
			case pc == '?':
				p++
				s += runeLen(id, s)
				continue
			case pc < utf8.RuneSelf && id[s] < utf8.RuneSelf:
				if lower(pc) == lower(id[s]) {
					p++
					s++
					continue
				}
			default:
				pr, pw := utf8.DecodeRuneInString(pattern[p:])
				sr, sw := utf8.DecodeRuneInString(id[s:])
				if equalFold(pr, sr) {
					p += pw
					s += sw
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last star absorb one more character and retry.
		starS += runeLen(id, starS)
		p, s = starP+1, starS
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// HasWildcard reports whether pattern contains "*" or "?".
func HasWildcard(pattern string) bool {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' || pattern[i] == '?' {
			return true
		}
	}
	return false
}

// LiteralPrefix is the part of pattern before its first wildcard.
func LiteralPrefix(pattern string) string {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' || pattern[i] == '?' {
			return pattern[:i]
		}
	}
	return pattern
}

func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, w := utf8.DecodeRuneInString(s[i:])
	return w
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFold reports whether two runes are equal under Unicode simple case
// folding, as strings.EqualFold and regexp's (?i) compare them.
func equalFold(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
