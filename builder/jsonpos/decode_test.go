package jsonpos

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecoder(t *testing.T) {
	src := `{
  "name": "n", "name": "again",
  "tags": ["a", 2, "b"],
  "none": null, "x_lower_name": "x",
  "flag": "yes", "colour": 1,
  "empty": []
}`
	v, err := ParseAt([]byte(src), 10)
	if err != nil {
		t.Fatal(err)
	}
	d := &Decoder{File: "f.json", Ignore: func(k string) bool { return k == "x_lower_name" }}
	got := map[string]any{}
	ok := d.Members(v, "thing", []string{"name", "tags", "none", "flag", "empty"}, func(m Member) {
		switch m.Key {
		case "name":
			got["name"] = d.String(m.Value, "name")
		case "tags":
			got["tags"] = d.Strings(m.Value, "tags")
		case "none":
			got["none"] = d.OptString(m.Value, "none")
		case "flag":
			got["flag"] = d.Bool(m.Value, "flag")
		case "empty":
			got["empty"] = d.Strings(m.Value, "empty")
		}
	})
	if !ok {
		t.Fatal("an object is no object")
	}
	want := map[string]any{"name": "n", "tags": []string{"a", "b"}, "none": "", "flag": false, "empty": []string{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, e := range d.Errs {
		msgs = append(msgs, e.Error())
	}
	wantMsgs := []string{
		`f.json:11:16: thing: duplicate key "name" (first at line 11)`,
		"f.json:12:17: tags: want a string, found number",
		"f.json:14:11: flag: want true or false, found string",
		`f.json:14:18: thing: unknown key "colour" (want name, tags, none, flag, empty)`,
	}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}

	d = &Decoder{File: "f.json"}
	if d.Members(v.Get("tags"), "thing", nil, nil) || d.Strings(v.Get("name"), "name") != nil || d.OptString(v.Get("tags"), "tags") != "" || d.String(v.Get("none"), "none") != "" {
		t.Error("values of the wrong kind accepted")
	}
	_, err = ParseAt([]byte("{\n  \"a\" 1}"), 5)
	d.Syntax(err, "invalid JSON: ")
	if len(d.Errs) != 5 || d.Errs[4].Error() != `f.json:6:7: invalid JSON: unexpected '1' after object key "a", expecting ':'` {
		t.Errorf("diagnostics: %v", d.Errs)
	}
}
