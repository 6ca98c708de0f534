package format

import (
	"reflect"
	"strings"
	"testing"
)

func TestDocsRoundTrip(t *testing.T) {
	docs := []Doc{
		{Kind: "service", ID: "chime", Title: "Amazon Chime", URL: "/chime/", Service: "chime"},
		{Kind: "action", ID: "chime:CreateMeeting", Title: "CreateMeeting", URL: "/chime/createmeeting/", Service: "chime",
			AccessLevel: "Write", Description: GrantsPrefix + "create a meeting"},
		{Kind: "action", ID: "chime:GetMeetingDetail", Title: "GetMeetingDetail", URL: "/chime/GetMeetingDetail/", Service: "chime",
			AccessLevel: "Read", AccessOverride: "List", Risk: "dataaccess privesc", Description: GrantsPrefix + "get details"},
		{Kind: "action", ID: "chime:CreateMeetingDialOut", Title: "CreateMeetingDialOut", URL: "/chime/CreateMeetingDialOut/#chime:CreateMeetingDialOut", Service: "chime",
			AccessLevel: "Write", Description: "no prefix here; mentions chime and CreateMeetingDialOut"},
		{Kind: "policy", ID: "P", Title: "", URL: "", Description: "control \x01\x02\x07 bytes stay as they are"},
		{Kind: "guide", ID: "", Title: "\x07literal", URL: "/x/", Description: "ünïcödé ✓"},
		{Kind: "condition", ID: "aws:RequestTag/${TagKey}", Title: "aws:RequestTag/${TagKey}", URL: "/s3/#condition-aws:requesttag/${tagkey}", Service: "s3"},
		{Kind: RemovedAction, ID: "chime:OldThing", Title: "OldThing", URL: "/chime/OldThing/", Service: "chime", Removed: "2026-05-10", Description: "was there"},
		{Kind: RemovedService, ID: "gone", Title: "Gone", URL: "/gone/", Service: "gone", Removed: "2025-11"},
		{Kind: "resource", ID: "chime:meeting", Title: "meeting", URL: "/chime/resources/meeting/", Service: "chime",
			ARNs: []string{"arn:${Partition}:chime::${AccountId}:meeting/${MeetingId}"}, Actions: []int32{1, 2, 3}},
		{Kind: "resource", ID: "s3:object", Title: "object", URL: "/s3/resources/object/", Service: "s3",
			ARNs: []string{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:\x07:s3:::${B}"}, Actions: []int32{10}},
		{Kind: "resource", ID: "s3:none", Title: "none", URL: "/s3/resources/none/", Service: "s3", ARNs: []string{"arn:x"}},
	}
	tab, err := DecodeDocs(EncodeDocs(docs))
	if err != nil {
		t.Fatal(err)
	}
	if tab, err = tab.WithDescriptions(EncodeDescriptions(docs)); err != nil {
		t.Fatal(err)
	}
	if len(tab.Docs) != len(docs) {
		t.Fatalf("%d docs, want %d", len(tab.Docs), len(docs))
	}
	var arns []ARNEntry
	for i, d := range docs {
		if len(d.ARNs) > 0 {
			arns = append(arns, ARNEntry{Doc: int32(i), Formats: d.ARNs, Actions: d.Actions})
		}
	}
	if !reflect.DeepEqual(tab.ARNs(), arns) {
		t.Errorf("ARNs:\n got %+v\nwant %+v", tab.ARNs(), arns)
	}
	for i, want := range docs {
		want.ARNs, want.Actions = nil, nil // in ARNs
		if got := tab.Full(i); !reflect.DeepEqual(got, want) {
			t.Errorf("doc %d:\n got %+v\nwant %+v", i, got, want)
		}
		r := tab.Refs[i]
		if tab.Kinds[r.Kind] != want.Kind || tab.Access[r.Access] != want.AccessLevel ||
			tab.Services[r.Service] != want.Service || tab.Access[r.Override] != want.AccessOverride || tab.Access[r.Risk] != want.Risk || tab.Access[r.Removed] != want.Removed {
			t.Errorf("doc %d: refs %+v do not name its kind, access levels, service and removal", i, r)
		}
	}
}

func TestOrders(t *testing.T) {
	docs := []Doc{
		{Kind: "action", ID: "s3:PutObject"},
		{Kind: "service", ID: "s3"},
		{Kind: "action", ID: "mediastore:PutObject"},
		{Kind: "action", ID: "a:putobject"},
		{Kind: "condition", ID: "s3:x-amz-acl"},
		{Kind: "action", ID: "s3:GetObject"},
		{Kind: "policy", ID: "S3:PUTOBJECT"},
		{Kind: "action", ID: "NoPrefix"},
		{Kind: RemovedAction, ID: "s3:OldObject"},
		{Kind: RemovedService, ID: "gone"},
	}
	tab, err := DecodeDocs(EncodeDocs(docs))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		order func() (func(int) int32, int)
		want  []int32
	}{
		// by lower-cased id, documents in order among equal ids
		{"ByID", tab.ByID, []int32{3, 9, 2, 7, 1, 5, 8, 0, 6, 4}},
		// the actions, live and removed, by lower-cased name
		{"ByName", tab.ByName, []int32{5, 7, 8, 0, 2, 3}},
	} {
		at, n := tc.order()
		var got []int32
		for i := 0; i < n; i++ {
			got = append(got, at(i))
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMarkersShrink(t *testing.T) {
	d := Doc{Kind: "action", ID: "chime:CreateMeeting", Service: "chime"}
	if got := encodeStr(&d, "/chime/createmeeting/"); got != "/\x04/\x03/" {
		t.Errorf("encoded URL %q", got)
	}
	if got := encodeStr(&d, "CreateMeeting"); got != "\x02" {
		t.Errorf("encoded title %q", got)
	}
}

func TestDocIDs(t *testing.T) {
	seen := map[string]bool{}
	prev := ""
	for _, n := range []int{0, 1, 254, 255, 256, 65024, 65025, 100000, MaxDocs - 1} {
		id := DocID(n)
		for _, c := range id {
			if c == 0xff {
				t.Fatalf("DocID(%d) = %q has 0xff", n, id)
			}
		}
		if DocNum(id) != n {
			t.Errorf("DocNum(DocID(%d)) = %d", n, DocNum(id))
		}
		if string(id) <= prev || seen[string(id)] {
			t.Errorf("DocID(%d) = %q not after %q", n, id, prev)
		}
		prev = string(id)
		seen[prev] = true
	}
	for _, bad := range [][]byte{nil, {1, 2}, {0xff, 0, 0}, {0, 0, 0, 0}} {
		if DocNum(bad) != -1 {
			t.Errorf("DocNum(%q) = %d, want -1", bad, DocNum(bad))
		}
	}
}

func TestFileRoundTrip(t *testing.T) {
	in := File{Part: PartDescriptions, Set: [SetIDLen]byte{1, 2, 3}, KV: []byte("kv"), Rest: []byte("docs")}
	b := in.Encode()
	f, err := Decode(b)
	if err != nil || !reflect.DeepEqual(f, in) {
		t.Fatalf("Decode(Encode) = %+v, %v; want %+v", f, err, in)
	}
	badPart := append([]byte{}, b...)
	badPart[len(magic)+1] = 'x'
	for _, bad := range [][]byte{nil, []byte("IAMREFSX"), b[:len(b)-1], append(append([]byte{}, b...), 0), []byte("XXXXXXXX\x04n0123456789abcdef\x00\x00"), badPart} {
		if _, err := Decode(bad); err == nil {
			t.Errorf("Decode(%q) succeeded", bad)
		}
	}
	other := append([]byte{}, b...)
	other[len(magic)] = Version + 1
	if _, err := Decode(other); err == nil {
		t.Error("Decode accepted another version")
	}
}

func TestDescriptions(t *testing.T) {
	docs := []Doc{
		{Kind: "action", ID: "chime:CreateMeeting", Service: "chime", Description: GrantsPrefix + "create a meeting"},
		{Kind: "action", ID: "chime:GetMeeting", Service: "chime"},
		{Kind: "guide", ID: "G", Description: strings.Repeat("long ", 100)},
	}
	tab, err := DecodeDocs(EncodeDocs(docs))
	if err != nil {
		t.Fatal(err)
	}
	if tab.HasDescriptions() || tab.Full(0).Description != "" {
		t.Fatal("a table without its descriptions has them")
	}
	col := EncodeDescriptions(docs)
	full, err := tab.WithDescriptions(col)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range docs {
		if got := full.Full(i); !reflect.DeepEqual(got, want) {
			t.Errorf("doc %d: %+v, want %+v", i, got, want)
		}
	}
	if tab.HasDescriptions() {
		t.Error("WithDescriptions changed the table it was called on")
	}
	for _, bad := range [][]byte{nil, col[:len(col)-1], append(append([]byte{}, col...), 0), EncodeDescriptions(docs[:2])} {
		if _, err := tab.WithDescriptions(bad); err == nil {
			t.Errorf("WithDescriptions accepted %d bytes", len(bad))
		}
	}
}

func TestDecodeDocsCorrupt(t *testing.T) {
	b := EncodeDocs([]Doc{{Kind: "action", ID: "a:B", Title: "B", Description: "x"}, {Kind: "action", ID: "a:C"}})
	for n := 0; n < len(b); n++ {
		if _, err := DecodeDocs(b[:n]); err == nil {
			t.Errorf("DecodeDocs accepted %d of %d bytes", n, len(b))
		}
	}
}

// FuzzDecodeDocs: a table DecodeDocs accepts can be read whole without a
// panic, and a valid table survives its round trip.
func FuzzDecodeDocs(f *testing.F) {
	f.Add(EncodeDocs(nil))
	f.Add(EncodeDocs([]Doc{
		{Kind: "service", ID: "chime", Title: "Amazon Chime", URL: "/chime/", Service: "chime"},
		{Kind: "action", ID: "chime:CreateMeeting", Title: "CreateMeeting", URL: "/chime/createmeeting/", Service: "chime",
			AccessLevel: "Write", AccessOverride: "List", Description: GrantsPrefix + "create a meeting"},
	}))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := DecodeDocs(b)
		if err != nil {
			return
		}
		docs := make([]Doc, len(tab.Docs))
		for i := range tab.Docs {
			docs[i] = tab.Full(i)
		}
		if _, err := tab.WithDescriptions(EncodeDescriptions(docs)); err != nil {
			t.Fatalf("descriptions of the table's documents: %v", err)
		}
		for _, order := range []func() (func(int) int32, int){tab.ByID, tab.ByName} {
			at, n := order()
			for i := 0; i < n; i++ {
				if d := at(i); d < 0 || int(d) >= len(docs) {
					t.Fatalf("order names document %d of %d", d, len(docs))
				}
			}
		}
		again, err := DecodeDocs(EncodeDocs(docs))
		if err != nil {
			t.Fatalf("re-encoded table: %v", err)
		}
		for i := range docs {
			if got := again.Full(i); !reflect.DeepEqual(got, docs[i]) {
				t.Fatalf("doc %d after a round trip: %+v, want %+v", i, got, docs[i])
			}
		}
	})
}

// FuzzDecode: a file Decode accepts encodes to bytes that decode to the
// same file (not always the same bytes: a varint may be written longer
// than it needs).
func FuzzDecode(f *testing.F) {
	f.Add((&File{Part: PartNames, KV: []byte("kv"), Rest: []byte("docs")}).Encode())
	f.Add((&File{Part: PartDescriptions, Set: [SetIDLen]byte{9}}).Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Decode(file.Encode())
		if err != nil || !reflect.DeepEqual(again, file) {
			t.Fatalf("Decode(Encode(%+v)) = %+v, %v", file, again, err)
		}
	})
}

// FuzzWithDescriptions: descriptions WithDescriptions accepts can be read
// for every document without a panic.
func FuzzWithDescriptions(f *testing.F) {
	docs := []Doc{
		{Kind: "action", ID: "chime:CreateMeeting", Service: "chime", Description: GrantsPrefix + "create a meeting"},
		{Kind: "guide", ID: "G", Description: "\x07literal"},
	}
	tab, err := DecodeDocs(EncodeDocs(docs))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(EncodeDescriptions(docs))
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		full, err := tab.WithDescriptions(b)
		if err != nil {
			return
		}
		for i := range full.Docs {
			_ = full.Full(i)
		}
	})
}
