package query_test

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/iamref/iamref/builder/iampattern"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
)

// corpus is a small catalog slice with the shapes the engine must handle.
var corpus = []search.Document{
	{Kind: "service", ID: "chime", Title: "Amazon Chime", URL: "/chime/", Service: "chime", ServiceName: "Amazon Chime"},
	{Kind: "action", ID: "chime:CreateMeeting", Title: "CreateMeeting", URL: "/chime/CreateMeeting/", Service: "chime", AccessLevel: "Write",
		Description: "Grants permission to create a new meeting in the specified media Region, with no initial attendees"},
	{Kind: "action", ID: "chime:CreateMeetingWithAttendees", Title: "CreateMeetingWithAttendees", URL: "/chime/CreateMeetingWithAttendees/", Service: "chime", AccessLevel: "Write",
		Description: "Grants permission to create a new meeting with attendees"},
	{Kind: "action", ID: "chime:GetMeeting", Title: "GetMeeting", URL: "/chime/GetMeeting/", Service: "chime", AccessLevel: "Read",
		Description: "Grants permission to get the meeting record for a specified meeting ID"},
	{Kind: "action", ID: "chime:ListMeetings", Title: "ListMeetings", URL: "/chime/ListMeetings/", Service: "chime", AccessLevel: "List",
		Description: "Grants permission to list up to 100 active Amazon Chime SDK meetings"},
	{Kind: "action", ID: "chime:ListMeetingsReportData", Title: "ListMeetingsReportData", URL: "/chime/ListMeetingsReportData/", Service: "chime", AccessLevel: "Read", AccessOverride: "List",
		Description: "Grants permission to list meetings ended during the specified date range"},
	{Kind: "action", ID: "chime:TagResource", Title: "TagResource", URL: "/chime/TagResource/", Service: "chime", AccessLevel: "Tagging",
		Description: "Grants permission to apply the specified tags to the specified Amazon Chime SDK meeting resource"},
	{Kind: "action", ID: "chime:PutRetentionSettings", Title: "PutRetentionSettings", URL: "/chime/PutRetentionSettings/", Service: "chime", AccessLevel: "Permissions management",
		Description: "Grants permission to create or update retention settings for an Amazon Chime Enterprise account"},
	{Kind: "resource", ID: "chime:meeting", Title: "meeting", URL: "/chime/#meeting", Service: "chime",
		Description: "arn:${Partition}:chime::${AccountId}:meeting/${MeetingId}"},
	{Kind: "service", ID: "s3", Title: "Amazon S3", URL: "/s3/", Service: "s3", ServiceName: "Amazon S3"},
	{Kind: "action", ID: "s3:PutObject", Title: "PutObject", URL: "/s3/PutObject/", Service: "s3", AccessLevel: "Write",
		Description: "Grants permission to add an object to a bucket"},
	{Kind: "action", ID: "s3:GetObject", Title: "GetObject", URL: "/s3/GetObject/", Service: "s3", AccessLevel: "Read", Risk: "dataaccess",
		Description: "Grants permission to retrieve objects from Amazon S3"},
	{Kind: "action", ID: "s3:GetObjectTagging", Title: "GetObjectTagging", URL: "/s3/GetObjectTagging/", Service: "s3", AccessLevel: "Read",
		Description: "Grants permission to return the tag set of an object"},
	{Kind: "action", ID: "s3:PutBucketPolicy", Title: "PutBucketPolicy", URL: "/s3/PutBucketPolicy/", Service: "s3", AccessLevel: "Permissions management", Risk: "privesc resourceexposure",
		Description: "Grants permission to add or replace a bucket policy on a bucket"},
	{Kind: "condition", ID: "s3:x-amz-acl", Title: "s3:x-amz-acl", URL: "/s3/#s3:x-amz-acl", Service: "s3",
		Description: "Filters access by canned ACL in the request's x-amz-acl header"},
	{Kind: "action", ID: "mediastore:PutObject", Title: "PutObject", URL: "/mediastore/PutObject/", Service: "mediastore", AccessLevel: "Write",
		Description: "Grants permission to upload an object"},
	{Kind: "policy", ID: "AmazonChimeReadOnly", Title: "AmazonChimeReadOnly", URL: "/policies/AmazonChimeReadOnly/",
		Description: "Provides read only access to Amazon Chime"},
	{Kind: "guide", ID: "chime-getting-started", Title: "Getting started with Chime policies", URL: "/guides/chime/",
		Description: "How to write a policy that lets people join meetings"},
}

var (
	engOnce sync.Once
	eng     *query.Engine
	engErr  error
)

func engine(tb testing.TB) *query.Engine {
	tb.Helper()
	engOnce.Do(func() {
		var idx *search.Index
		idx, engErr = search.Build(corpus, search.Options{})
		if engErr == nil {
			eng, engErr = query.OpenAll(idx.Names(), idx.Descriptions())
		}
	})
	if engErr != nil {
		tb.Fatal(engErr)
	}
	return eng
}

func ids(r query.Results) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchTop(t *testing.T) {
	e := engine(t)
	for q, want := range map[string]string{
		"chime:CreateMeeting":      "chime:CreateMeeting",
		"CHIME:createmeeting":      "chime:CreateMeeting",
		"createmeeting":            "chime:CreateMeeting",
		"CreateMeeting":            "chime:CreateMeeting",
		"create meeting":           "chime:CreateMeeting",
		"create meet":              "chime:CreateMeeting",
		"ListMeetingReportData":    "chime:ListMeetingsReportData",
		"list meetings report":     "chime:ListMeetingsReportData",
		"put object":               "s3:PutObject",
		"s3 put object":            "s3:PutObject",
		"mediastore put object":    "mediastore:PutObject",
		"chime":                    "chime",
		"amazon chime":             "chime",
		"amazon s3":                "s3",
		"upload":                   "mediastore:PutObject",
		"creat meting":             "chime:CreateMeeting",
		"meeting kind:resource":    "chime:meeting",
		"kind:policy chime":        "AmazonChimeReadOnly",
		"read only access":         "AmazonChimeReadOnly",
		"kind:guide join meetings": "chime-getting-started",
		"s3:x-amz-acl":             "s3:x-amz-acl",
		"bucket policy":            "s3:PutBucketPolicy",
		"access:permissions chime": "chime:PutRetentionSettings",
		"retention access:\"Permissions management\"": "chime:PutRetentionSettings",
	} {
		r := e.Search(q, 5)
		if r.Error != "" {
			t.Errorf("%q: %s", q, r.Error)
			continue
		}
		if got := ids(r); len(got) == 0 || got[0] != want {
			t.Errorf("%q: got %v, want %s first", q, got, want)
		}
	}
}

func TestFilters(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		q    string
		pred func(h query.Hit) bool
	}{
		{"meeting access:write", func(h query.Hit) bool { return h.AccessLevel == "Write" }},
		{"meeting access:READ", func(h query.Hit) bool { return h.AccessLevel == "Read" }},
		{"access:tagging", func(h query.Hit) bool { return h.AccessLevel == "Tagging" }},
		{"object service:s3", func(h query.Hit) bool { return h.Service == "s3" }},
		{"object service:s3 service:mediastore", func(h query.Hit) bool { return h.Service == "s3" || h.Service == "mediastore" }},
		{"kind:action service:chime", func(h query.Hit) bool { return h.Kind == "action" && h.Service == "chime" }},
		{"kind:service", func(h query.Hit) bool { return h.Kind == "service" }},
		{"risk:data", func(h query.Hit) bool { return h.Risk == "dataaccess" }},
		{"object risk:dataaccess", func(h query.Hit) bool { return h.ID == "s3:GetObject" }},
		{"risk:resource risk:credential", func(h query.Hit) bool { return strings.Contains(h.Risk, "resourceexposure") }},
		{`risk:"Resource Exposure" service:s3`, func(h query.Hit) bool { return h.ID == "s3:PutBucketPolicy" }},
	} {
		r := e.Search(tc.q, 50)
		if len(r.Hits) == 0 {
			t.Errorf("%q: no results", tc.q)
		}
		for _, h := range r.Hits {
			if !tc.pred(h) {
				t.Errorf("%q: %s (%s, %s, %s) does not pass the filter", tc.q, h.ID, h.Kind, h.Service, h.AccessLevel)
			}
		}
	}
	// access: matches the official level or the override
	for _, q := range []string{"meetings report access:read", "meetings report access:list"} {
		if r := e.Search(q, 5); len(r.Hits) == 0 || r.Hits[0].ID != "chime:ListMeetingsReportData" || r.Hits[0].AccessOverride != "List" {
			t.Errorf("%q: got %v, want chime:ListMeetingsReportData (Read, corrected to List) first", q, ids(r))
		}
	}
	if r := e.Search("meetings report access:write", 5); slices.Contains(ids(r), "chime:ListMeetingsReportData") {
		t.Errorf("access:write matched %v", ids(r))
	}
	if r := e.Search("s3:", 50); r.Total != 6 || len(r.Hits) != 6 || r.Hits[0].ID != "s3" {
		t.Errorf("s3: total %d, hits %v; want the service and its 5 documents", r.Total, ids(r))
	}
	if r := e.Search("risk:privesc", 50); r.Total != 1 || r.Hits[0].ID != "s3:PutBucketPolicy" {
		t.Errorf("risk:privesc: total %d, hits %v; want s3:PutBucketPolicy alone", r.Total, ids(r))
	}
	if r := e.Search("meeting risk:privesc", 50); r.Total != 0 {
		t.Errorf("meeting risk:privesc: %v, want nothing", ids(r))
	}
	if r := e.Search("kind:service", 50); r.Total != 2 || len(r.Hits) != 2 {
		t.Errorf("kind:service: total %d, %d hits; want the 2 services", r.Total, len(r.Hits))
	}
}

func TestWildcardsExact(t *testing.T) {
	e := engine(t)
	for _, pat := range []string{"chime:List*", "s3:*Object*", "S3:GETOBJECT?AGGING", "chime:*Meeting", "*:Put*", "*", "s3:Get?bject", "nomatch:*"} {
		var want []string
		for _, d := range corpus {
			if d.Kind == "action" && iampattern.Match(pat, d.ID) {
				want = append(want, d.ID)
			}
		}
		r := e.Search(pat, 100)
		got := ids(r)
		slices.Sort(got)
		slices.Sort(want)
		if !reflect.DeepEqual(got, want) || r.Total != len(want) {
			t.Errorf("%q: got %v (total %d), want exactly %v", pat, got, r.Total, want)
		}
	}
	// words narrow a pattern
	if got := ids(e.Search("s3:*Object* tag", 10)); !reflect.DeepEqual(got, []string{"s3:GetObjectTagging"}) {
		t.Errorf("s3:*Object* tag: got %v", got)
	}
	// a pattern without a prefix matches action names of any service
	if got := ids(e.Search("PutObj*", 10)); len(got) != 2 {
		t.Errorf("PutObj*: got %v, want the two PutObject actions", got)
	}
}

func TestSnippet(t *testing.T) {
	e := engine(t)
	r := e.Search("create meeting", 1)
	if len(r.Hits) != 1 {
		t.Fatalf("no hit")
	}
	var text strings.Builder
	var marked []string
	for _, s := range r.Hits[0].Snippet {
		text.WriteString(s.Text)
		if s.Mark {
			marked = append(marked, s.Text)
		}
	}
	if text.String() != corpus[1].Description {
		t.Errorf("snippet text %q, want the description", text.String())
	}
	if !reflect.DeepEqual(marked, []string{"create", "meeting"}) {
		t.Errorf("marked %q, want create, meeting", marked)
	}
}

func TestLongSnippetWindow(t *testing.T) {
	long := strings.Repeat("lorem ipsum dolor ", 30) + "the special needle word " + strings.Repeat("sit amet ", 30)
	idx, err := search.Build([]search.Document{{Kind: "guide", ID: "g", Title: "G", URL: "/g/", Description: long}}, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := query.OpenAll(idx.Names(), idx.Descriptions())
	if err != nil {
		t.Fatal(err)
	}
	r := e.Search("needle", 1)
	if len(r.Hits) != 1 {
		t.Fatal("no hit")
	}
	sn := r.Hits[0].Snippet
	var text strings.Builder
	found := false
	for _, s := range sn {
		text.WriteString(s.Text)
		found = found || s.Mark && s.Text == "needle"
	}
	if !found || len(text.String()) > query.SnippetLen+10 || !strings.HasPrefix(text.String(), "…") || !strings.HasSuffix(text.String(), "…") {
		t.Errorf("snippet %q: want a window around a marked needle, with ellipses", text.String())
	}
}

func TestResultFields(t *testing.T) {
	r := engine(t).Search("s3:PutObject", 1)
	want := query.Hit{ID: "s3:PutObject", Kind: "action", Title: "PutObject", URL: "/s3/PutObject/", Service: "s3", AccessLevel: "Write"}
	if len(r.Hits) != 1 {
		t.Fatal("no hit")
	}
	got := r.Hits[0]
	got.Score, got.Snippet = 0, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hit %+v, want %+v", got, want)
	}
}

func TestEmptyAndLimits(t *testing.T) {
	e := engine(t)
	for _, q := range []string{"", "   ", "\"\"", "access:", ":", "zzzzzzzz"} {
		r := e.Search(q, 10)
		if r.Error != "" || len(r.Hits) != 0 {
			t.Errorf("%q: %d hits, error %q; want none", q, len(r.Hits), r.Error)
		}
	}
	if r := e.Search("meeting", 2); len(r.Hits) != 2 || r.Total < 4 {
		t.Errorf("meeting limit 2: %d hits, total %d", len(r.Hits), r.Total)
	}
}

func TestParse(t *testing.T) {
	p := query.Parse(`chime:List* create  access:"permissions management" service:S3 kind:policy "put object" level:read`)
	want := query.Parsed{
		Words:    []string{"create", "put", "object"},
		Patterns: []string{"chime:List*"},
		Access:   []string{"permissions management", "read"},
		Service:  []string{"s3"},
		Kind:     []string{"policy"},
		Partial:  true,
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("Parse = %+v\nwant    %+v", p, want)
	}
	if !query.Parse("create meet").Partial || query.Parse("create meeting ").Partial {
		t.Error("Partial wrong")
	}
	if p := query.Parse("chime:CreateMeeting"); !reflect.DeepEqual(p.Words, []string{"chime:CreateMeeting"}) {
		t.Errorf("an id is one word, got %q", p.Words)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"chime:List*", `access:"permissions management" x`, "s3:*Object* tag", "create meet", "\"", "a:b:c", "kind:", "ä*?", "\xff\xfe"} {
		f.Add(s)
	}
	e := engine(f)
	f.Fuzz(func(t *testing.T, q string) {
		p := query.Parse(q)
		for _, w := range p.Words {
			if w == "" || strings.ContainsAny(w, " \t\n*?\"") {
				t.Fatalf("Parse(%q): bad word %q", q, w)
			}
		}
		for _, pat := range p.Patterns {
			if !iampattern.HasWildcard(pat) {
				t.Fatalf("Parse(%q): pattern %q has no wildcard", q, pat)
			}
		}
		r := e.Search(q, 5)
		if r.Error != "" {
			t.Fatalf("Search(%q): %s", q, r.Error)
		}
		if len(r.Hits) > 5 {
			t.Fatalf("Search(%q): %d hits over the limit", q, len(r.Hits))
		}
		for i := 1; i < len(r.Hits); i++ {
			if r.Hits[i].Score > r.Hits[i-1].Score {
				t.Fatalf("Search(%q): scores not in order: %v", q, r.Hits)
			}
		}
	})
}
