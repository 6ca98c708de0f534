package catalog

import (
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/yamlpos"
)

// The global condition keys: the keys AWS puts in the context of every
// request (or of every request of a kind), whatever the service, such as
// aws:SourceIp or aws:PrincipalOrgID, plus a few service keys that ride on
// every request's credentials (ec2:SourceInstanceArn). Service tables name
// only some of them, so the list comes from upstream, with its types and
// categories, and their descriptions are iamref's own.
const (
	// GlobalKeysFile lists the keys: {"source": {"package", "version"},
	// "keys": [{"name", "type", "category"}, …]}. cmd/update writes it.
	GlobalKeysFile = "catalog/global-condition-keys.json"
	// GlobalKeyDescriptionsFile maps key names to iamref's descriptions.
	GlobalKeyDescriptionsFile = "catalog/global-condition-key-descriptions.yaml"
)

// GlobalKeysDoc is GlobalKeysFile as written: cmd/update converts
// upstream's list into it (builder/upstream), readGlobalKeys reads it.
type GlobalKeysDoc struct {
	Source PackageRef     `json:"source"`
	Keys   []GlobalKeyDoc `json:"keys"`
}

// GlobalKeyDoc is one key of GlobalKeysDoc.
type GlobalKeyDoc struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Category string `json:"category"`
}

// EncodeGlobalKeys is the global keys file: two-space indented JSON and a
// final newline.
func EncodeGlobalKeys(doc GlobalKeysDoc) []byte {
	if doc.Keys == nil {
		doc.Keys = []GlobalKeyDoc{}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // strings and slices only
	}
	return append(b, '\n')
}

// GlobalConditionKey is a condition key of every request, as AWS means
// "global condition key".
type GlobalConditionKey struct {
	// Name as AWS spells it; a key that takes a tag key writes it as the
	// catalog does, aws:PrincipalTag/${TagKey}.
	Name string
	// Type is the catalog's type vocabulary: String, ArrayOfString, ARN,
	// Bool, Numeric, Date, IPAddress.
	Type string
	// Category groups the keys by what they describe: principal, session,
	// network, resource or request.
	Category string
	// Description is iamref's own; "" when the descriptions file has none.
	Description string
}

// MultiValued reports whether the key holds a set of values (an ArrayOf
// type), which conditions compare with ForAnyValue: or ForAllValues:.
func (k *GlobalConditionKey) MultiValued() bool { return strings.HasPrefix(k.Type, "ArrayOf") }

// GlobalKeySource names where the list of global keys comes from.
type GlobalKeySource struct {
	Package, Version string
}

// GlobalConditionKeys lists the global condition keys in upstream order
// (grouped by category); nil when the content has no list.
func (c *Catalog) GlobalConditionKeys() []*GlobalConditionKey { return c.globals }

// GlobalKeySource says where the list of global keys comes from.
func (c *Catalog) GlobalKeySource() GlobalKeySource { return c.globalSource }

// GlobalConditionKey returns the global key a policy's condition key
// names, ignoring case, with templates filled in (aws:PrincipalTag/team is
// aws:PrincipalTag/${TagKey}); nil when it names none.
func (c *Catalog) GlobalConditionKey(name string) *GlobalConditionKey {
	if k := c.globalByName[strings.ToLower(name)]; k != nil {
		return k
	}
	for _, k := range c.globals {
		if strings.Contains(k.Name, "${") && KeyMatches(k.Name, name) {
			return k
		}
	}
	return nil
}

// KeyMatches reports whether a policy's condition key fits a catalog key
// name, ignoring case: literally, or with the catalog's placeholder filled
// in. Placeholders are ${Name} (aws:ResourceTag/${TagKey}), <name>
// (s3:ExistingObjectTag/<key>) and a final "/tag-key"
// (secretsmanager:ResourceTag/tag-key); each stands for at least one
// character.
func KeyMatches(template, key string) bool {
	if strings.EqualFold(template, key) {
		return true
	}
	parts, ok := keyTemplate(template)
	if !ok {
		return false
	}
	return matchParts(parts, key)
}

// IsKeyTemplate reports whether a catalog key name has a placeholder.
func IsKeyTemplate(name string) bool {
	_, ok := keyTemplate(name)
	return ok
}

// placeholder stands for a template's placeholder among its literal parts.
const placeholder = "\x00"

// keyTemplate splits a key name into literal parts and placeholders.
func keyTemplate(t string) ([]string, bool) {
	var parts []string
	found := false
	for t != "" {
		i := strings.IndexAny(t, "$<")
		if i < 0 {
			break
		}
		var end int
		switch {
		case t[i] == '$' && strings.HasPrefix(t[i:], "${"):
			end = strings.IndexByte(t[i:], '}')
		case t[i] == '<':
			end = strings.IndexByte(t[i:], '>')
		default:
			parts = append(parts, t[:i+1])
			t = t[i+1:]
			continue
		}
		if end < 0 {
			break
		}
		parts = append(parts, t[:i], placeholder)
		t = t[i+end+1:]
		found = true
	}
	if !found && strings.HasSuffix(strings.ToLower(t), "/tag-key") {
		return []string{t[:len(t)-len("tag-key")], placeholder}, true
	}
	if !found {
		return nil, false
	}
	return append(parts, t), true
}

// matchParts matches key against literal parts and placeholders, literals
// ignoring case, each placeholder at least one character.
func matchParts(parts []string, key string) bool {
	if len(parts) == 0 {
		return key == ""
	}
	p := parts[0]
	if p != placeholder {
		if len(key) < len(p) || !strings.EqualFold(key[:len(p)], p) {
			return false
		}
		return matchParts(parts[1:], key[len(p):])
	}
	for i := 1; i <= len(key); i++ {
		if matchParts(parts[1:], key[i:]) {
			return true
		}
	}
	return false
}

// readGlobalKeys reads the list of global keys.
func readGlobalKeys(file string, src []byte, c *Catalog) diag.List {
	d := &jsonpos.Decoder{File: file}
	root, err := jsonpos.Parse(src)
	if err != nil {
		d.Syntax(err, "invalid JSON: ")
		return d.Errs
	}
	seen := map[string]jsonpos.Pos{}
	hasKeys := false
	d.Members(root, "global condition keys", []string{"source", "keys"}, func(m jsonpos.Member) {
		switch m.Key {
		case "source":
			d.Members(m.Value, "source", []string{"package", "version"}, func(f jsonpos.Member) {
				switch f.Key {
				case "package":
					c.globalSource.Package = d.String(f.Value, "source: package")
				case "version":
					c.globalSource.Version = d.String(f.Value, "source: version")
				}
			})
		case "keys":
			hasKeys = true
			if m.Value.Kind != jsonpos.Array {
				d.Errorf(m.Value.Pos, "keys: want a list, found %s", m.Value.Kind)
				return
			}
			for _, it := range m.Value.Items {
				k := &GlobalConditionKey{}
				ok := d.Members(it, "global condition key", []string{"name", "type", "category"}, func(f jsonpos.Member) {
					switch f.Key {
					case "name":
						k.Name = d.String(f.Value, "name")
					case "type":
						k.Type = normalizeType(d.String(f.Value, "type"))
					case "category":
						k.Category = d.String(f.Value, "category")
					}
				})
				if !ok {
					continue
				}
				switch {
				case k.Name == "" || !strings.Contains(k.Name, ":"):
					d.Errorf(it.Pos, "global condition key %q: want a name prefix:key", k.Name)
					continue
				case k.Type == "" || k.Category == "":
					d.Errorf(it.Pos, "global condition key %s: type and category are required", k.Name)
					continue
				}
				if prev, dup := seen[strings.ToLower(k.Name)]; dup {
					d.Errorf(it.Pos, "global condition key %s is listed twice (first at line %d)", k.Name, prev.Line)
					continue
				}
				seen[strings.ToLower(k.Name)] = it.Pos
				c.globals = append(c.globals, k)
			}
		}
	})
	if !hasKeys && root.Kind == jsonpos.Object {
		d.Errorf(root.Pos, "no keys")
	}
	c.indexGlobals()
	return d.Errs
}

// indexGlobals indexes the global keys by lower-case name.
func (c *Catalog) indexGlobals() {
	c.globalByName = make(map[string]*GlobalConditionKey, len(c.globals))
	for _, k := range c.globals {
		c.globalByName[strings.ToLower(k.Name)] = k
	}
}

// readGlobalKeyDescriptions reads iamref's descriptions: a mapping of key
// names (as the list spells them) to text.
func readGlobalKeyDescriptions(file string, src []byte, c *Catalog) diag.List {
	root, errs := yamlpos.Parse(file, src, 1)
	if errs != nil || root == nil {
		return errs
	}
	if root.Kind != yaml.MappingNode {
		return diag.List{diag.At(file, root.Line, root.Column, "want a mapping of global condition key names to descriptions")}
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		kn, vn := root.Content[i], root.Content[i+1]
		if prev, dup := seen[kn.Value]; dup {
			errs.Add(file, kn.Line, kn.Column, "%s is described twice (first at line %d)", kn.Value, prev)
			continue
		}
		seen[kn.Value] = kn.Line
		k := c.globalByName[strings.ToLower(kn.Value)]
		switch {
		case k == nil:
			errs.Add(file, kn.Line, kn.Column, "%s is not in %s", kn.Value, GlobalKeysFile)
		case k.Name != kn.Value:
			errs.Add(file, kn.Line, kn.Column, "%s: the list spells it %s", kn.Value, k.Name)
		case vn.Kind != yaml.ScalarNode || strings.TrimSpace(vn.Value) == "":
			errs.Add(file, vn.Line, vn.Column, "%s: want a description", kn.Value)
		default:
			k.Description = strings.TrimSpace(vn.Value)
		}
	}
	return errs
}
