package textan

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	for in, want := range map[string][]string{
		"CreateMeeting":            {"Create", "Meeting"},
		"chime:CreateMeeting":      {"chime", "Create", "Meeting"},
		"DescribeDBInstances":      {"Describe", "DB", "Instances"},
		"EC2Instance":              {"EC2", "Instance"},
		"s3:x-amz-acl":             {"s3", "x", "amz", "acl"},
		"aws:RequestTag/${TagKey}": {"aws", "Request", "Tag", "Tag", "Key"},
		"listmeetings":             {"listmeetings"},
		"ÜberCool Ünïcode":         {"Über", "Cool", "Ünïcode"},
		"":                         nil,
		"--":                       nil,
	} {
		var got []string
		Split(in, func(w string, start, end int) {
			if in[start:end] != w {
				t.Errorf("%q: word %q at %d:%d", in, w, start, end)
			}
			got = append(got, w)
		})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Split(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTerms(t *testing.T) {
	for in, want := range map[string][]string{
		"Grants permission to create a new meeting": {"grant", "permiss", "creat", "new", "meet"},
		"ListMeetings":     {"list", "meet"},
		"S3 Buckets":       {"s3", "bucket"},
		"the of and":       nil,
		"PutObjectAcl":     {"put", "object", "acl"},
		"ec2:RunInstances": {"ec2", "run", "instanc"},
	} {
		if got := Terms(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Terms(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNameAndDescText(t *testing.T) {
	if got := NameText("chime:CreateMeeting", "CreateMeeting"); got != "CreateMeeting" {
		t.Errorf("NameText = %q", got)
	}
	if got := NameText("AmazonChimeReadOnly", "Amazon Chime read-only access"); got != "AmazonChimeReadOnly Amazon Chime read-only access" {
		t.Errorf("NameText = %q", got)
	}
	if got := DescText(GrantsPrefix + "create"); got != "create" {
		t.Errorf("DescText = %q", got)
	}
}

func TestAnalyzer(t *testing.T) {
	ts := Analyzer{}.Analyze([]byte("CreateMeeting meetings"))
	var terms []string
	for i, tok := range ts {
		terms = append(terms, string(tok.Term))
		if tok.Position != i+1 {
			t.Errorf("token %d has position %d", i, tok.Position)
		}
	}
	if !reflect.DeepEqual(terms, []string{"creat", "meet", "meet"}) {
		t.Errorf("terms %q", terms)
	}
}
