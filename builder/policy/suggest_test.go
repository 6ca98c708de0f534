package policy

import (
	"reflect"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"listmeetingreportdata", "listmeetingsreportdata", 3, 1},
		{"retrievedataexport", "retrievedataexports", 3, 1},
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3}, // over the limit: limit+1
		{"", "abc", 3, 3},
		{"abc", "abc", 0, 0},
		{"a", "abcdef", 2, 3},
	} {
		if got := distance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestSingular(t *testing.T) {
	for name, want := range map[string]string{
		"ListMeetingsReportData": "list meeting report data",
		"ListMeetingReportData":  "list meeting report data",
		"ListPolicies":           "list policy",
		"ListPolicy":             "list policy",
		"GetAccess":              "get access",
		"ListBoxes":              "list box",
		"describeDBInstances":    "describe dbinstance",
	} {
		if got := singular(name); got != want {
			t.Errorf("singular(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSuggestRules(t *testing.T) {
	e := NewEngine(synthCatalog(t, map[string][]string{
		"iam":    {"ListPolicies", "ListPolicyTags", "GetPolicy", "ListRoles"},
		"chime":  {"ListAccounts"},
		"chimex": {"ListAccounts"},
		"s3":     {"GetObject"},
	}, nil))
	for pattern, want := range map[string][]string{
		// distance("listpolicy", "listpolicies") is 3, over the limit of 2
		// for ten letters: only the plural rule finds it (GetPolicy is 4 away).
		"iam:ListPolicy":      {"iam:ListPolicies"},
		"IAM:LISTROLE":        {"iam:ListRoles"},
		"chimes:ListAccounts": {"chime:ListAccounts", "chimex:ListAccounts"},
		"chimes:Frob":         {"chime", "chimex"},
		"s33:Get*":            {"s3:Get*"},
		"iam:Zzzzzzzzzzz":     nil,
		"iam:List*x":          nil, // wildcards in a known service: no guess
		"noprefix":            nil,
	} {
		if got := e.Suggest(pattern); !reflect.DeepEqual(got, want) {
			t.Errorf("Suggest(%q) = %v, want %v", pattern, got, want)
		}
	}
	// Suggest hands out copies: changing one does not change the next.
	got := e.Suggest("iam:ListPolicy")
	got[0] = "changed"
	if again := e.Suggest("iam:ListPolicy"); again[0] != "iam:ListPolicies" {
		t.Errorf("cached suggestions were modified: %v", again)
	}
}
