package policyreport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/policy"
)

// TestSize holds Size to the length of the report Encode writes, within
// 15 % and 8 kB (the head's risks and snapshot, which it leaves out), on
// every managed policy and on documents whose Sids make most of the report.
func TestSize(t *testing.T) {
	c, ps := shipped(t)
	e := policy.NewEngine(c)
	type doc struct {
		name string
		src  []byte
		opts policy.Options
	}
	var docs []doc
	for _, p := range ps {
		docs = append(docs, doc{p.Name, p.Document, policy.Options{Kind: policy.Identity, AWSManaged: true}})
	}
	for _, n := range []int{0, 40, 2000} {
		docs = append(docs, doc{fmt.Sprintf("Sid of %d on *", n), longSid(n), policy.Options{}})
	}
	for _, d := range docs {
		a := e.Analyze(d.src, d.opts)
		got, want := Size(a), len(Encode(Subject{Kind: Document, Name: d.name}, a, c.Snapshot))
		if diff := got - want; diff < -(want+8000)*15/100 || diff > (want+8000)*15/100 {
			t.Errorf("%s: Size %d, the report is %d bytes", d.name, got, want)
		}
	}
}

// longSid is a document of one statement allowing every action, Sid
// n characters long, and a second statement after it.
func longSid(n int) []byte {
	return []byte(`{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Short", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
    {"Sid": "` + strings.Repeat("L", n) + `", "Effect": "Allow", "Action": "*", "Resource": "*"}
  ]
}`)
}

// TestCheckSize: a report over the bound is refused before it is
// written, with the statement that takes the most of it.
func TestCheckSize(t *testing.T) {
	c, _ := shipped(t)
	e := policy.NewEngine(c)
	if o := CheckSize(e.Analyze(longSid(2000), policy.Options{}), MaxSize); o != nil {
		t.Errorf("a Sid of 2,000 characters: %v", o)
	}
	// The same document is over the browser's bound (44 MB).
	if o := CheckSize(e.Analyze(longSid(2000), policy.Options{}), MaxBrowserSize); o == nil || o.Statement != 1 || o.Max != MaxBrowserSize {
		t.Errorf("a Sid of 2,000 characters, the browser's bound: %+v", o)
	}
	a := e.Analyze(longSid(20000), policy.Options{})
	o := CheckSize(a, MaxSize)
	if o == nil {
		t.Fatalf("a Sid of 20,000 characters on every action (%d): no Oversize", len(a.Result.Allowed))
	}
	if want := (Oversize{Size: Size(a), Max: MaxSize, Statement: 1, Share: o.Share, Sid: 20000, Pattern: 1, Times: len(a.Result.Allowed), Line: 5, Col: 5}); *o != want || 2*o.Share < o.Size {
		t.Errorf("Oversize = %+v, want %+v, most of it the statement's", *o, want)
	}
	if o.Size <= MaxSize || o.Size > 2*MaxSize {
		t.Errorf("Size %d: want over MaxSize (%d), about 22,000 × 20 kB", o.Size, MaxSize)
	}
	contains(t, o.Error(), "the report would be about 4", "more than the 256 MiB iamref writes", "statement 2 takes most of it, named with each of the "+fmt.Sprint(len(a.Result.Allowed))+" actions it allows or denies, its Sid (20000 characters) with it every time")

	// Names the catalog lacks, each written with the statement's Sid.
	var names []string
	for i := range 3000 {
		names = append(names, fmt.Sprintf(`"zzz:Missing%d"`, i))
	}
	unknown := `{"Version": "2012-10-17", "Statement": [
    {"Sid": "Short", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
    {"Sid": "` + strings.Repeat("U", 100000) + `", "Effect": "Allow", "Action": [` + strings.Join(names, ", ") + `], "Resource": "*"}]}`
	o = CheckSize(e.Analyze([]byte(unknown), policy.Options{}), MaxSize)
	if o == nil || o.Statement != 1 || o.Unknown != 3000 || o.Times != 0 || o.Sid != 100000 {
		t.Fatalf("3,000 unknown names with a Sid of 100,000 characters: %+v", o)
	}
	contains(t, o.Error(), "statement 2 takes most of it, named with each of the 3000 names it gives that the catalog lacks, its Sid (100000 characters) with it every time")

	// Many statements, none most of it.
	var sts []string
	for i := range 20 {
		sts = append(sts, fmt.Sprintf(`{"Sid": "S%02d%s", "Effect": "Allow", "Action": "*", "Resource": "*"}`, i, strings.Repeat("M", 1000)))
	}
	o = CheckSize(e.Analyze([]byte(`{"Version": "2012-10-17", "Statement": [`+strings.Join(sts, ", ")+`]}`), policy.Options{}), MaxSize)
	if o == nil || o.Statement != 0 || 4*o.Share > o.Size {
		t.Fatalf("20 statements of *: %+v", o)
	}
	contains(t, o.Error(), "statement 1 takes ", " MiB of it, the most of any statement, named with each of the ")
}

func contains(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%q lacks %q", s, w)
		}
	}
}
