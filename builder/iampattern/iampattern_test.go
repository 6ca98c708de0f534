package iampattern

import (
	"regexp"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pat, s string
		want   bool
	}{
		{"chime:List*", "chime:ListMeetings", true},
		{"chime:list*", "CHIME:LISTMEETINGS", true},
		{"chime:List*", "chime:CreateMeeting", false},
		{"chime:List*", "chime:List", true},
		{"s3:*Object*", "s3:GetObject", true},
		{"s3:*Object*", "s3:PutObjectAcl", true},
		{"s3:*Object*", "s3:ListBucket", false},
		{"s3:*object", "s3:GetObject", true},
		{"s3:Get?bject", "s3:GetObject", true},
		{"s3:Get?bject", "s3:Getbject", false},
		{"s3:Get??bject", "s3:GetObject", false},
		{"*", "anything:AtAll", true},
		{"*", "", true},
		{"", "", true},
		{"", "x", false},
		{"?", "", false},
		{"s3:GetObject", "S3:getobject", true},
		{"s3:GetObject", "s3:GetObjects", false},
		{"s3:Get*Tag*ing", "s3:GetObjectTagging", true},
		{"s3:Get*Tag*ing", "s3:GetObjectTag", false},
		{"*:*", "ec2:RunInstances", true},
		{"*:*", "noColon", false},
		{"a*b*c", "aXXbYYbZZc", true},
		{"a*b*c", "aXXbYYbZZ", false},
		{"ec2:[a]*", "ec2:[a]X", true}, // brackets are literal
		{"ec2:a.b", "ec2:aXb", false},  // dots are literal
		{"**a**", "xyzaxyz", true},
		{"*", "*000", true},
		{"a\\*", "a*", false},
	}
	for _, c := range cases {
		if got := Match(c.pat, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pat, c.s, got, c.want)
		}
	}
}

// reference is a regular-expression implementation of the same semantics.
func reference(pat, s string) bool {
	var b strings.Builder
	b.WriteString("(?is)^")
	for _, r := range pat {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()).MatchString(s)
}

func FuzzMatch(f *testing.F) {
	f.Add("s3:*Object*", "s3:GetObject")
	f.Add("chime:List?eetings", "chime:ListMeetings")
	f.Add("a*?*b", "aXb")
	f.Fuzz(func(t *testing.T, pat, s string) {
		if len(pat) > 40 || len(s) > 60 {
			return
		}
		for _, x := range []string{pat, s} {
			for i := 0; i < len(x); i++ {
				if x[i] >= 0x80 {
					return // keep to ASCII, where case folding is one to one
				}
			}
		}
		if got, want := Match(pat, s), reference(pat, s); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference says %v", pat, s, got, want)
		}
	})
}
