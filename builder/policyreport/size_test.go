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

// TestCheckSize: a report over MaxSize is refused before it is written,
// with the statement that makes it so.
func TestCheckSize(t *testing.T) {
	c, _ := shipped(t)
	e := policy.NewEngine(c)
	if o := CheckSize(e.Analyze(longSid(2000), policy.Options{})); o != nil {
		t.Errorf("a Sid of 2,000 characters: %v", o)
	}
	a := e.Analyze(longSid(20000), policy.Options{})
	o := CheckSize(a)
	if o == nil {
		t.Fatalf("a Sid of 20,000 characters on every action (%d): no Oversize", len(a.Result.Allowed))
	}
	want := Oversize{Size: Size(a), Statement: 1, Sid: 20000, Pattern: 1, Line: 5, Col: 5, Times: len(a.Result.Allowed)}
	if *o != want {
		t.Errorf("Oversize = %+v, want %+v", *o, want)
	}
	if o.Size <= MaxSize || o.Size > 2*MaxSize {
		t.Errorf("Size %d: want over MaxSize (%d), about 21,000 × 20 kB", o.Size, MaxSize)
	}
	msg := o.Error()
	for _, w := range []string{"the report would be about 4", "more than the 256 MB iamref writes", "statement 2 is named with each of the " + fmt.Sprint(len(a.Result.Allowed)) + " actions", "its Sid (20000 characters)"} {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
}
