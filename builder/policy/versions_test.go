package policy

import (
	"strings"
	"testing"
	"testing/fstest"
)

const versioned = `{
  "PolicyName": "Demo",
  "Arn": "arn:aws:iam::aws:policy/Demo",
  "DefaultVersionId": "v3",
  "CreateDate": "2020-01-01T00:00:00+00:00",
  "UpdateDate": "2022-01-01T00:00:00+00:00",
  "Deprecated": false,
  "Document": {
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": [
          "s3:GetObject",
          "s3:PutObject"
        ],
        "Resource": "*"
      }
    ]
  },
  "Versions": [
    {"VersionId": "v3", "CreateDate": "2022-01-01T00:00:00+00:00"},
    {"VersionId": "v2", "CreateDate": null, "Edits": [[7, 2, ["        \"s3:GetObject\""]]]},
    {"VersionId": "v1", "CreateDate": "2020-01-01T00:00:00+00:00", "Edits": [[7, 1, ["        \"s3:List*\""]]]}
  ]
}
`

func TestVersions(t *testing.T) {
	ps, err := LoadManaged(fstest.MapFS{"policies/Demo.json": {Data: []byte(versioned)}})
	if err != nil {
		t.Fatal(err)
	}
	mp := ps[0]
	if len(mp.Versions) != 3 || mp.Versions[1].Date != "" || mp.Versions[2].Date == "" {
		t.Fatalf("versions = %+v", mp.Versions)
	}
	var got []string
	err = mp.Walk(func(i int, v PolicyVersion, lines []string) error {
		var actions []string
		for _, l := range lines {
			if strings.Contains(l, `"s3:`) {
				actions = append(actions, strings.Trim(strings.TrimSpace(l), `",`))
			}
		}
		got = append(got, v.ID+" "+strings.Join(actions, " "))
		return nil
	})
	want := "v3 s3:GetObject s3:PutObject|v2 s3:GetObject|v1 s3:List*"
	if err != nil || strings.Join(got, "|") != want {
		t.Errorf("Walk = %q, %v; want %q", strings.Join(got, "|"), err, want)
	}
}

func TestVersionsErrors(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{`{"VersionId": "v3", "CreateDate": "2022-01-01T00:00:00+00:00"},`, `{"VersionId": "v4", "CreateDate": "2022-01-01T00:00:00+00:00"},`, "the first version is v4, the default version v3"},
		{`"VersionId": "v1"`, `"VersionId": "v7"`, "v7 comes after v2"},
		{`[[7, 1, ["        \"s3:List*\""]]]`, `[[70, 1, []]]`, "policies/Demo.json:24:5: version v1: edit 1 (line 70, 1 deleted) does not fit"},
		{`[[7, 1, ["        \"s3:List*\""]]]`, `[7, 1]`, "policies/Demo.json:24:78: Versions[2]: Edits: want a list of [line, lines deleted, [lines inserted]]"},
		{`"CreateDate": null`, `"CreateDate": 5`, "policies/Demo.json:23:39: Versions[1]: CreateDate: want a string or null, found number"},
		{`"Deprecated": false,`, `"Deprecated": false, "MissingFrom": {"package": "p"},`, `policies/Demo.json:7:39: MissingFrom: want {"package": "…", "version": "…"}`},
	} {
		src := strings.Replace(versioned, c.from, c.to, 1)
		if src == versioned {
			t.Fatalf("%q not found", c.from)
		}
		_, err := LoadManaged(fstest.MapFS{"policies/Demo.json": {Data: []byte(src)}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: error %v, want %q", c.from, c.to, err, c.want)
		}
	}
	// A policy without Versions has its default version alone.
	old := strings.Split(versioned, `,
  "Versions"`)[0] + "\n}\n"
	ps, err := LoadManaged(fstest.MapFS{"policies/Demo.json": {Data: []byte(old)}})
	if err != nil || len(ps[0].Versions) != 1 || ps[0].Versions[0].ID != "v3" || ps[0].Versions[0].Date != "2022-01-01T00:00:00+00:00" {
		t.Errorf("old format: %+v, %v", ps, err)
	}
}

// FuzzVersions: any Versions list loads or fails with errors, and a loaded
// one walks without error.
func FuzzVersions(f *testing.F) {
	f.Add(`[{"VersionId": "v3", "CreateDate": null}, {"VersionId": "v2", "CreateDate": "x", "Edits": [[8, 1, ["a"]]]}]`)
	f.Add(`[{"VersionId": "v3"}, {"VersionId": "v1", "Edits": [[1, 99, []]]}]`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, versions string) {
		i := strings.Index(versioned, `"Versions": [`)
		src := versioned[:i] + `"Versions": ` + versions + "\n}\n"
		ps, err := LoadManaged(fstest.MapFS{"policies/Demo.json": {Data: []byte(src)}})
		if err != nil {
			return
		}
		if err := ps[0].Walk(func(int, PolicyVersion, []string) error { return nil }); err != nil {
			t.Fatalf("loaded, but does not walk: %v", err)
		}
	})
}
