package arnfmt

import (
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/search/internal/arnfmt/arnfmttest"
)

func TestMatch(t *testing.T) {
	const (
		bucket = "arn:${Partition}:s3:::${BucketName}"
		object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
		role   = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
		fn     = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"
		alias  = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}"
		meet   = "arn:${Partition}:chime::${AccountId}:meeting/${MeetingId}"
		backup = "arn:${Partition}:opsworks-cm::${Account}:backup/${ServerName}-{Date-and-Time-Stamp-of-Backup}"
		vol    = "arn:${Partition}:ec2:${Region}:${Account}:volume/${VolumeId}"
	)
	for _, tc := range []struct {
		format, arn string
		want        bool
	}{
		{bucket, "arn:aws:s3:::my-bucket", true},
		{object, "arn:aws:s3:::my-bucket", false}, // no slash: no object
		{object, "arn:aws:s3:::my-bucket/", false},
		{object, "arn:aws:s3:::my-bucket/photos/cat.jpg", true},
		{bucket, "arn:aws:s3:::my-bucket/photos/cat.jpg", true}, // ${BucketName} ends the format: the rest
		{object, "arn:aws:s3:::/cat.jpg", false},                // a variable is never empty
		{object, "arn:aws-cn:s3:::b/k", true},
		{object, "arn:aws:s3:us-east-1::b/k", false}, // the region is empty in the format
		{bucket, "arn:aws:S3:::b", false},            // case-sensitive
		{bucket, "arn:aws:s3::", false},              // five parts
		{bucket, "arn:${Partition}:s3:::${BucketName}", true},
		{object, "arn:${Partition}:s3:::${BucketName}", false},
		{object, "arn:${Partition}:s3:::${BucketName}/${ObjectName}", true},
		{role, "arn:aws:iam::123456789012:role/service-role/my-role", true},
		{role, "arn:aws:iam::123456789012:role", false},
		{role, "arn:aws:iam::123456789012:user/bob", false},
		{fn, "arn:aws:lambda:us-east-1:123456789012:function:my-fn", true},
		{fn, "arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod", true},
		{alias, "arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod", true},
		{alias, "arn:aws:lambda:us-east-1:123456789012:function:my-fn", false},
		{alias, "arn:aws:lambda:us-east-1:123456789012:function:a/b:prod", false}, // a segment holds no slash
		{meet, "arn:aws:chime:us-east-1:123456789012:meeting/abc", false},         // chime's meeting has no region
		{meet, "arn:aws:chime::123456789012:meeting/abc", true},
		{meet, "arn:aws:chime::123456789012:meeting/abc/def", true},
		{meet, "arn:aws:chime::123:456:meeting/abc", false}, // a colon in the account
		{backup, "arn:aws:opsworks-cm::1:backup/srv-{Date-and-Time-Stamp-of-Backup}", true},
		{backup, "arn:aws:opsworks-cm::1:backup/srv-2026", false},
		{vol, "arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc", true},
		{vol, "arn:aws:ec2:us-east-1:123456789012:volume/*", true}, // "*" is text like any other
		{"*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b", "arn:aws:s3:::b", true},
		{"arn:${P}:svc:::${A}-${B}-${C}", "arn:x:svc:::a-b-c", true},
		{"arn:${P}:svc:::${A}-${B}-${C}", "arn:x:svc:::a--c", false},
		{"arn:${P}:svc:::${A}-${B}-${C}", "arn:x:svc:::a-b-c-d", true},
	} {
		f, err := Compile(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Match(tc.arn); got != tc.want {
			t.Errorf("%s matches %s: %v, want %v", tc.format, tc.arn, got, tc.want)
		}
	}
	if _, err := Compile("arn:${Partition:s3:::x"); err != ErrUnclosed {
		t.Errorf("unclosed ${: %v", err)
	}
}

func TestCompare(t *testing.T) {
	c := func(s string) *Format {
		f, err := Compile(s)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	object, bucket := c("arn:${Partition}:s3:::${BucketName}/${ObjectName}"), c("arn:${Partition}:s3:::${BucketName}")
	if Compare(object, bucket) >= 0 || Compare(bucket, object) <= 0 || Compare(bucket, bucket) != 0 {
		t.Errorf("the object format is not more specific than the bucket format")
	}
	alias, fn := c("arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}"), c("arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}")
	if Compare(alias, fn) >= 0 {
		t.Errorf("the alias format is not more specific than the function format")
	}
}

// catalogFormats are every ARN format of the shipped catalog.
func catalogFormats(tb testing.TB) []string {
	tb.Helper()
	cat, err := catalog.Load(os.DirFS("../../../../content"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, s := range cat.Services {
		for _, rt := range s.ResourceTypes {
			out = append(out, rt.ARNs()...)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) < 1000 {
		tb.Fatalf("%d ARN formats in the catalog", len(out))
	}
	return out
}

// sample is an ARN made from a format: each variable replaced by a short
// random value (slashes, colons, braces and dollars among its letters),
// and now and then one more edit.
func sample(r *rand.Rand, format string) string {
	const alphabet = "ab9-_./:*${}"
	vars := arnfmttest.Vars
	s := vars.ReplaceAllStringFunc(format, func(v string) string {
		if r.IntN(8) == 0 {
			return v // the placeholder itself, as pasted from the docs
		}
		// mostly plain values; now and then an empty one, or one with
		// the characters that end segments and parts
		b := make([]byte, 1+r.IntN(4))
		if r.IntN(4) == 0 {
			b = b[:r.IntN(len(b))]
		}
		letters := alphabet[:6]
		if r.IntN(4) == 0 {
			letters = alphabet
		}
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		return string(b)
	})
	if r.IntN(3) == 0 && s != "" {
		i := r.IntN(len(s))
		switch r.IntN(3) {
		case 0:
			s = s[:i] + s[i+1:]
		case 1:
			s = s[:i] + string(alphabet[r.IntN(len(alphabet))]) + s[i:]
		default:
			s = s[:i] + s[i:i+1] + s[i:]
		}
	}
	return s
}

// TestMatchAgainstBruteForce: over every ARN format of the catalog, ARNs
// made from it and from other formats match as the regular expressions
// say.
func TestMatchAgainstBruteForce(t *testing.T) {
	formats := catalogFormats(t)
	r := rand.New(rand.NewPCG(1, 2))
	compiled := make([]*Format, len(formats))
	res := make([]*regexp.Regexp, len(formats))
	for i, f := range formats {
		c, err := Compile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		compiled[i], res[i] = c, arnfmttest.Regexp(f)
	}
	checked, matched := 0, 0
	for i, f := range formats {
		var arns []string
		for range 12 {
			arns = append(arns, sample(r, f))
		}
		for range 8 {
			arns = append(arns, sample(r, formats[r.IntN(len(formats))]))
		}
		for _, a := range arns {
			want := res[i].MatchString(a)
			if got := compiled[i].Match(a); got != want {
				t.Errorf("%s matches %q: %v, the regular expression says %v", f, a, got, want)
			}
			checked++
			if want {
				matched++
			}
		}
	}
	t.Logf("%d formats, %d pairs checked, %d matching", len(formats), checked, matched)
	if matched < checked/5 {
		t.Errorf("only %d of %d pairs match: the samples do not exercise matching", matched, checked)
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/k/x")
	f.Add("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::b")
	f.Add("arn:${P}:svc:::${A}-${B}-${C}", "arn:x:svc:::a-b-c-d")
	f.Add("arn:${P:x", "arn:x")
	f.Add("arn:a:b:c:d:${X}:${Y}/z", "arn:a:b:c:d:1:2/z")
	f.Fuzz(func(t *testing.T, format, arn string) {
		if !utf8.ValidString(format) {
			return // the regular expression cannot say
		}
		c, err := Compile(format)
		if err != nil {
			if !strings.Contains(format, "${") {
				t.Fatalf("%q: %v", format, err)
			}
			return
		}
		if got, want := c.Match(arn), arnfmttest.Regexp(format).MatchString(arn); got != want {
			t.Fatalf("%q matches %q: %v, the regular expression says %v", format, arn, got, want)
		}
	})
}
