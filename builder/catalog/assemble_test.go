package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestNewLinksAsLoad: a catalog made by New from what Load read links the
// same way: rows to resource types, keys to actions, dependents, risks.
func TestNewLinksAsLoad(t *testing.T) {
	svc := func() *Service {
		return &Service{Prefix: "demo", Name: "Demo",
			ResourceTypes: []*ResourceType{{Name: "widget", ARN: "arn:${Partition}:demo:::widget/${Id}", ConditionKeys: []string{"demo:Color"}}},
			ConditionKeys: []*ConditionKey{{Name: "demo:Color", Type: "String"}},
			Actions: []*Action{
				{Name: "Zap", AccessLevel: Write, ResourceTypes: []*ActionResource{{Name: "widget", Required: true, DependentActions: []string{"demo:Get"}}}},
				{Name: "Get", AccessLevel: Read, ResourceTypes: []*ActionResource{{Name: "gone"}}},
			}}
	}
	c, err := New(Contents{Services: []*Service{svc()}, Sensitive: map[RiskCategory][]string{DataAccess: {"demo:get"}},
		EscalationPaths: []*EscalationPath{{ID: "p", Required: []string{"demo:Zap", "x:Y"}}}})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Service("DEMO")
	if s == nil || s.Actions[0].Name != "Get" || c.Action("demo:zap") == nil {
		t.Fatal("not indexed")
	}
	zap, get := c.Action("demo:Zap"), c.Action("demo:Get")
	if zap.Service != s || zap.ResourceTypes[0].Type != s.ResourceType("widget") || get.ResourceTypes[0].Type != nil {
		t.Error("rows not linked")
	}
	if rt := s.ResourceType("widget"); len(rt.Actions) != 1 || rt.Actions[0] != zap || rt.Service != s {
		t.Error("resource type's actions")
	}
	if k := c.ConditionKey("demo:Color"); k == nil || len(k.Definitions) != 1 || len(k.ResourceTypes) != 1 {
		t.Errorf("key usage %+v", k)
	}
	if len(get.DependedOnBy()) != 1 || len(get.Risks) != 1 || len(c.SensitiveActions(DataAccess)) != 1 {
		t.Error("dependents or risks")
	}
	if p := c.EscalationPaths()[0]; p.RequiredActions[0] != zap || p.RequiredActions[1] != nil || len(c.UnknownRiskNames()) != 1 {
		t.Error("path actions")
	}

	for name, in := range map[string]Contents{
		"twice":             {Services: []*Service{svc(), {Prefix: "Demo"}}},
		"no prefix":         {Services: []*Service{{}}},
		"unknown sensitive": {Services: []*Service{svc()}, Sensitive: map[RiskCategory][]string{PrivEsc: {"demo:Nope"}}},
		"unknown category":  {Services: []*Service{svc()}, Sensitive: map[RiskCategory][]string{"Spooky": nil}},
	} {
		if _, err := New(in); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestNewAgreesWithLoad: the same service given to Load as a file and to
// New as values gives the same links.
func TestNewAgreesWithLoad(t *testing.T) {
	src := `{"demo": {"service_name": "Demo", "prefix": "demo", "privileges": {
	  "Get": {"privilege": "Get", "description": "", "access_level": "Read",
	    "resource_types": {"widget": {"resource_type": "widget", "required": true, "condition_keys": ["demo:Color"], "dependent_actions": []}}}},
	  "resources": {"widget": {"resource": "widget", "arn": "arn:${Partition}:demo:::widget/${Id}", "condition_keys": []}},
	  "conditions": {"demo:Color": {"condition": "demo:Color", "description": "", "type": "String"}}}}`
	loaded, err := Load(fstest.MapFS{"catalog/demo.json": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	made, err := New(Contents{Services: []*Service{{Prefix: "demo", Name: "Demo",
		ResourceTypes: []*ResourceType{{Name: "widget", ARN: "arn:${Partition}:demo:::widget/${Id}"}},
		ConditionKeys: []*ConditionKey{{Name: "demo:Color", Type: "String"}},
		Actions:       []*Action{{Name: "Get", AccessLevel: Read, ResourceTypes: []*ActionResource{{Name: "widget", Required: true, ConditionKeys: []string{"demo:Color"}}}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	sum := func(c *Catalog) string {
		var b strings.Builder
		for _, k := range c.ConditionKeys() {
			b.WriteString(k.Name)
			for _, a := range k.Actions {
				b.WriteString(" " + a.ID())
			}
		}
		for _, rt := range c.Service("demo").ResourceTypes {
			b.WriteString(" " + rt.Name + rt.ARN)
			for _, a := range rt.Actions {
				b.WriteString(" " + a.ID())
			}
		}
		return b.String()
	}
	if sum(made) != sum(loaded) {
		t.Errorf("New: %s\nLoad: %s", sum(made), sum(loaded))
	}
}
