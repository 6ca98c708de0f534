package iampattern

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, id string
		want        bool
	}{
		{"*", "chime:ListAccounts", true},
		{"*", "", true},
		{"chime:*", "chime:ListAccounts", true},
		{"chime:*", "chimesdk:ListAccounts", false},
		{"chime:List*", "chime:ListAccounts", true},
		{"chime:List*", "chime:List", true},
		{"chime:List*", "chime:GetAccount", false},
		{"chime:ListAccounts", "CHIME:listaccounts", true},
		{"S3:getobject", "s3:GetObject", true},
		{"s3:Get?bject", "s3:GetObject", true},
		{"s3:Get?bject", "s3:Getbject", false},
		{"s3:Get??bject", "s3:GetObject", false},
		{"s3:*Object", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObjectAcl", false},
		{"s3:*Object*", "s3:GetObjectAcl", true},
		{"s3:*Obj*Acl", "s3:PutObjectVersionAcl", true},
		{"*:Get*", "s3:GetObject", true},
		{"s3*", "s3:GetObject", true},
		{"s3*", "s3express:CreateSession", true},
		{"s?:*", "s3:GetObject", true},
		{"s?:*", "sts:GetCallerIdentity", false},
		{"ec2:Describe*", "ec2:DescribeInstances", true},
		{"a+b:c", "a+b:c", true},
		{"a+b:c", "aab:c", false},
		{"a.c", "abc", false},
		{"a[b]", "a[b]", true},
		{"a\\*", "a\\anything", true},
		{"", "", true},
		{"", "a", false},
		{"a", "", false},
		{"?", "", false},
		{"?", "é", true},
		{"??", "é", false},
		{"**a**", "bab", true},
		{"*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false},
		{"kms:k*", "KMS:\u212Aey", true}, // Kelvin sign folds to k, as in regexp (?i)
		{"ÉTAT", "état", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.id); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.id, got, tt.want)
		}
		if ref := reference(t, tt.pattern).MatchString(tt.id); ref != tt.want {
			t.Errorf("reference(%q, %q) = %v, want %v: the table or the reference is wrong", tt.pattern, tt.id, ref, tt.want)
		}
	}
}

func TestLiteralPrefix(t *testing.T) {
	for pattern, want := range map[string]string{
		"chime:List*": "chime:List", "s3:Get?bject": "s3:Get", "*": "", "iam:PassRole": "iam:PassRole",
	} {
		if got := LiteralPrefix(pattern); got != want {
			t.Errorf("LiteralPrefix(%q) = %q, want %q", pattern, got, want)
		}
		if got, want := HasWildcard(pattern), want != pattern; got != want {
			t.Errorf("HasWildcard(%q) = %v, want %v", pattern, got, want)
		}
	}
}

// reference is the textbook translation of a pattern into a regular
// expression: every character quoted, * → .*, ? → ., case folded.
func reference(t testing.TB, pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?is)^`)
	for _, r := range pattern {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		t.Fatalf("reference(%q): %v", pattern, err)
	}
	return re
}

func FuzzMatch(f *testing.F) {
	f.Add("chime:List*", "chime:ListAccounts")
	f.Add("s3:Get?bject", "S3:GETOBJECT")
	f.Add("*a*?b", "xxaYb")
	f.Add("a+b", "aab")
	f.Add("k", "\u212A")
	f.Fuzz(func(t *testing.T, pattern, id string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(id) || len(pattern) > 64 || len(id) > 128 {
			return // regexp rejects invalid UTF-8; long inputs only slow the reference
		}
		if got, want := Match(pattern, id), reference(t, pattern).MatchString(id); got != want {
			t.Errorf("Match(%q, %q) = %v, regexp says %v", pattern, id, got, want)
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		Match("ec2:Describe*Attribute", "ec2:DescribeInstanceAttribute")
		Match("chime:List*", "chime:GetAccount")
	}
}
