package query_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
)

// removedDocs are tombstones: a removed action of a live service, and a
// removed service with a removed action whose name live actions share.
var removedDocs = []search.Document{
	{Kind: search.RemovedAction, ID: "chime:OldMeetingThing", Title: "OldMeetingThing", URL: "/chime/OldMeetingThing/", Service: "chime",
		Removed: "2026-05-10", Description: "Grants permission to do the old meeting thing"},
	{Kind: search.RemovedService, ID: "oldsvc", Title: "Old Service", URL: "/oldsvc/", Service: "oldsvc", ServiceName: "Old Service", Removed: "2025-11"},
	{Kind: search.RemovedAction, ID: "oldsvc:PutObject", Title: "PutObject", URL: "/oldsvc/PutObject/", Service: "oldsvc",
		Removed: "2025-11", Description: "Grants permission to add an object to a bucket"},
}

func engineWithRemoved(t *testing.T) *query.Engine {
	t.Helper()
	idx, err := search.Build(append(slices.Clone(corpus), removedDocs...), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := query.OpenAll(idx.Names(), idx.Descriptions())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRemovedActions(t *testing.T) {
	e := engineWithRemoved(t)
	for _, q := range []string{"chime:OldMeetingThing", "OldMeetingThing", "oldmeetingthing", "old meeting thing", "chime:oldmeetingthing"} {
		r := e.Search(q, 5)
		if len(r.Hits) == 0 {
			t.Errorf("%q: no results", q)
			continue
		}
		h := r.Hits[0]
		if h.ID != "chime:OldMeetingThing" || h.Kind != search.RemovedAction || h.Removed != "2026-05-10" || h.URL != "/chime/OldMeetingThing/" || h.AccessLevel != "" {
			t.Errorf("%q: first hit %+v, want the tombstone of chime:OldMeetingThing, removed 2026-05-10", q, h)
		}
		if r.NoAction != nil {
			t.Errorf("%q names a removed action: no %+v", q, r.NoAction)
		}
	}
	// a removed action after the live ones of the same name
	if got := ids(e.Search("PutObject", 5)); len(got) < 3 || got[2] != "oldsvc:PutObject" || slices.Index(got, "oldsvc:PutObject") < slices.Index(got, "mediastore:PutObject") {
		t.Errorf("PutObject: %v, want the live PutObject actions before the removed one", got)
	}
	if r := e.Search("oldsvc", 5); len(r.Hits) == 0 || r.Hits[0].ID != "oldsvc" || r.Hits[0].Kind != search.RemovedService || r.Hits[0].Removed != "2025-11" {
		t.Errorf("oldsvc: %+v, want the removed service first", r.Hits)
	}
	// the policy engine's wildcards expand to live actions only
	for _, pat := range []string{"*:Put*", "chime:Old*", "*"} {
		for _, h := range e.Search(pat, 100).Hits {
			if h.Kind != "action" {
				t.Errorf("%q matched %s (%s)", pat, h.ID, h.Kind)
			}
		}
	}
	if got := ids(e.Search("kind:removed-action", 10)); !reflect.DeepEqual(got, []string{"chime:OldMeetingThing", "oldsvc:PutObject"}) {
		t.Errorf("kind:removed-action: %v", got)
	}
	if got := ids(e.Search("kind:action put object", 10)); slices.Contains(got, "oldsvc:PutObject") {
		t.Errorf("kind:action matched a removed action: %v", got)
	}
}

func TestNoAction(t *testing.T) {
	e := engineWithRemoved(t)
	for _, tc := range []struct {
		q       string
		closest []string // nil: no line
	}{
		{"ListMeetingReportData", []string{"chime:ListMeetingsReportData"}},
		{"chime:ListMeetingReportData", []string{"chime:ListMeetingsReportData"}},
		{"CHIME:ListMeetingReportData", []string{"chime:ListMeetingsReportData"}},
		{"GetObjekt ", []string{"s3:GetObject"}},
		{"CreateMeetin ", []string{"chime:CreateMeeting"}},              // complete: a typo
		{"PutObjact", []string{"s3:PutObject", "mediastore:PutObject"}}, // the bigger service first; never the removed one
		{"ListMeetingReportData access:list", []string{"chime:ListMeetingsReportData"}},
		// an exact name or id, in any case
		{"ListMeetingsReportData", nil},
		{"chime:LISTMEETINGSREPORTDATA", nil},
		{"chime:listmeetingsreportdata", nil},
		{"AmazonChimeReadOnly", nil},   // a policy's id
		{"OldMeetingThing", nil},       // a removed action: its tombstone answers
		{"CreateMeetin", nil},          // still being typed: CreateMeeting starts so
		{"listmeetingreportdata", nil}, // not shaped as a name: no prefix, no camel case
		{"lamda", nil},
		{"meetings", nil},
		{"list meeting report data", nil}, // words
		{"chime:List*", nil},              // a pattern
		{"s3:CreateMeetin ", nil},         // nothing close in s3
		{"nosuch:CreateMeetin ", nil},     // not a service
		{"ListMeetingReportData access:write", nil},
		{"ZzzzzzzzQqqq", nil}, // nothing close
	} {
		r := e.Search(tc.q, 10)
		var got []string
		if r.NoAction != nil {
			for _, c := range r.NoAction.Closest {
				got = append(got, c.ID)
			}
			if r.NoAction.Name != strings.Fields(tc.q)[0] || len(r.NoAction.Closest) == 0 || r.NoAction.Closest[0].URL == "" {
				t.Errorf("%q: %+v", tc.q, r.NoAction)
			}
		}
		if !reflect.DeepEqual(got, tc.closest) {
			t.Errorf("%q: closest %v, want %v", tc.q, got, tc.closest)
		}
	}
}
