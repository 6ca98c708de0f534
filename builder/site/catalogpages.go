package site

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/markup"
)

var homeCrumb = Crumb{Name: "All services", Path: "/"}

func countLevels(s *catalog.Service) LevelCounts {
	var c LevelCounts
	for _, a := range s.Actions {
		if i := a.AccessLevel.Index(); i < len(c) {
			c[i]++
		}
	}
	return c
}

// catalogPages adds the pages of the catalog itself.
func (b *builder) catalogPages() {
	home := &HomePage{Base: b.base("/", "AWS IAM reference", fmt.Sprintf("Every AWS service's IAM actions, resource types and condition keys: %s services, %s actions.", commas(len(b.cat.Services)), commas(b.cat.ActionCount())))}
	for _, s := range b.cat.Services {
		row := &ServiceRow{Service: s, Counts: countLevels(s)}
		for i, n := range row.Counts {
			home.Totals[i] += n
		}
		home.Actions += len(s.Actions)
		home.Services = append(home.Services, row)
		b.servicePages(s)
	}
	home.Groups = serviceGroups(b.cat, home.Services) // categories.go
	if b.hist != nil {
		home.Links = append(home.Links, b.hist.homeLink())
	}
	if l, ok := b.pol.changesLink(); ok { // policyversions.go
		home.Links = append(home.Links, l)
		home.Feeds = append(home.Feeds, policyChangesFeed)
	}
	home.Links = append(home.Links, workbenchLinks...)
	b.add(homeKind, home)
	b.conditionKeyPages()
	b.accessLevelsPage()
	b.add(notFoundKind, &NotFoundPage{Base: Base{Path: "/404.html", Title: "Page not found", Description: "This page is not in iamref: search the AWS IAM catalog or browse its services.", Site: b.info, NoIndex: true, Absolute: true}})
}

func serviceCrumbs(s *catalog.Service) []Crumb {
	return []Crumb{homeCrumb, {Name: s.Name, Path: ServicePath(s.Prefix)}}
}

func (b *builder) servicePages(s *catalog.Service) {
	sp := &ServicePage{
		Base:    b.base(ServicePath(s.Prefix), s.Name+" — actions, resources and condition keys", fmt.Sprintf("IAM reference for %s (service prefix %s): %d actions, %d resource types, %d condition keys.", s.Name, s.Prefix, len(s.Actions), len(s.ResourceTypes), len(s.ConditionKeys)), homeCrumb),
		Service: s,
		Counts:  countLevels(s),
		Derived: s.Derive(),
		Guides:  b.guides[s.Prefix],
	}
	sp.Short = s.Name
	sp.Links = append(sp.Links, b.policyServiceLinks(s)...)
	if b.hist != nil {
		b.hist.serviceHistory(sp)
	}
	b.add(serviceKind, sp)
	b.addGenerated(ServiceAPIPath(s.Prefix), func() []byte { return b.serviceJSON(s) })
	crumbs := serviceCrumbs(s)
	for _, a := range s.Actions {
		b.add(actionKind, b.actionPage(a, crumbs))
	}
	for _, rt := range s.ResourceTypes {
		rp := &ResourcePage{Base: b.base(ResourcePath(rt), rt.Name+" — "+s.Name+" resource type", fmt.Sprintf("The %s resource type of %s: ARN format %s and the actions that use it.", rt.Name, s.Name, rt.ARN), crumbs...), Resource: rt}
		for _, a := range rt.Actions {
			for _, r := range a.ResourceTypes {
				if r.Type == rt {
					if r.Required {
						rp.Required = append(rp.Required, a)
					} else {
						rp.Optional = append(rp.Optional, a)
					}
					break
				}
			}
		}
		rp.Keys = b.keyRefs(s, rt.ConditionKeys)
		b.add(resourceKind, rp)
	}
	for _, g := range b.guides[s.Prefix] {
		b.add(guideKind, &GuidePage{Base: b.base(GuidePath(s.Prefix, g.Slug), g.Doc.Title, g.Doc.Summary, crumbs...), Guide: g, Others: b.guides[s.Prefix]})
	}
}

// keyRefs pairs key names with the definition from the action's own service
// when it has one, else from any service.
// Pages share the KeyRef of a service and key, so a row of a condition key
// table is rendered once per depth (fragments.go).
func (b *builder) keyRefs(s *catalog.Service, names []string) []*KeyRef {
	refs := make([]*KeyRef, 0, len(names))
	for _, n := range names {
		k := keyRefKey{s, n}
		if ref := b.keys[k]; ref != nil {
			refs = append(refs, ref)
			continue
		}
		ref := &KeyRef{Name: n}
		b.keys[k] = ref
		if gk := b.cat.ConditionKey(n); gk != nil {
			for _, d := range gk.Definitions {
				if d.Service == s {
					ref.Definition = d
					break
				}
			}
			if ref.Definition == nil && len(gk.Definitions) > 0 {
				ref.Definition = gk.Definitions[0]
			}
		}
		refs = append(refs, ref)
	}
	return refs
}

type keyRefKey struct {
	s    *catalog.Service
	name string
}

// resourceRows gives the rows of an action's resource types table, one
// shared *ResourceRow per distinct row.
func (b *builder) resourceRows(a *catalog.Action) []*ResourceRow {
	var rows []*ResourceRow
	for _, r := range a.ResourceTypes {
		if r.Name == "" {
			continue
		}
		var key strings.Builder
		key.WriteString(a.Service.Prefix)
		key.WriteByte(0)
		key.WriteString(r.Name)
		if r.Required {
			key.WriteString("\x00*")
		}
		for _, k := range r.ConditionKeys {
			key.WriteString("\x00k")
			key.WriteString(k)
		}
		for _, d := range r.DependentActions {
			key.WriteString("\x00d")
			key.WriteString(d)
		}
		row := b.rows[key.String()]
		if row == nil {
			row = &ResourceRow{ActionResource: r, Prefix: a.Service.Prefix}
			b.rows[key.String()] = row
		}
		rows = append(rows, row)
	}
	return rows
}

func (b *builder) actionPage(a *catalog.Action, crumbs []Crumb) *ActionPage {
	desc := a.Description
	if desc == "" {
		desc = a.ID() + " (no description in the catalog)"
	}
	p := &ActionPage{
		Base:   b.base(ActionPath(a), a.ID(), fmt.Sprintf("%s — %s. Access level: %s.", a.ID(), strings.TrimSuffix(desc, "."), a.AccessLevel), crumbs...),
		Action: a,
		Keys:   b.keyRefs(a.Service, a.ConditionKeys()),
		Rows:   b.resourceRows(a),
		Guides: b.guides[a.Service.Prefix],
	}
	for _, d := range a.DependentActions() {
		p.Dependent = append(p.Dependent, DependentRef{Name: d, Action: b.cat.Action(d)})
	}
	p.Unconditional = len(requiredARNs(a)) == 0
	p.Policies = b.policyActionInfo(a)
	p.Risk = b.actionRisk(a)
	if b.hist != nil {
		p.History = b.hist.actionHistory(a)
	}
	return p
}

// Policy is the minimal policy highlighted by chroma. It is made while
// rendering, which runs on every core.
func (p *ActionPage) Policy() (template.HTML, error) {
	return markup.Highlight(minimalPolicy(p.Action), "json", markup.HighlightOptions{})
}

// minimalPolicy is a policy granting just this action, on the ARN formats of
// its required resource types ("*" when it requires none).
func minimalPolicy(a *catalog.Action) string {
	arns := requiredARNs(a)
	type statement struct {
		Sid      string `json:"Sid"`
		Effect   string `json:"Effect"`
		Action   string `json:"Action"`
		Resource any    `json:"Resource"`
	}
	st := statement{Sid: sid(a), Effect: "Allow", Action: a.ID()}
	switch len(arns) {
	case 0:
		st.Resource = "*"
	case 1:
		st.Resource = arns[0]
	default:
		st.Resource = arns
	}
	doc := struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{"2012-10-17", []statement{st}}
	return strings.TrimSpace(string(encodeJSON(doc, "  ")))
}

// requiredARNs are the distinct ARN formats of the action's required
// resource types, in catalog order.
func requiredARNs(a *catalog.Action) []string {
	var arns []string
	for _, r := range a.ResourceTypes {
		if !r.Required || r.Type == nil {
			continue
		}
		for _, arn := range r.Type.ARNs() {
			if arn != "" && !slices.Contains(arns, arn) {
				arns = append(arns, arn)
			}
		}
	}
	return arns
}

// sid makes a statement id from an action: letters and digits only.
func sid(a *catalog.Action) string {
	var sb strings.Builder
	sb.WriteString("Allow")
	up := true
	for _, r := range a.Service.Prefix + "-" + a.Name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			if up && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			sb.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return sb.String()
}

func (b *builder) conditionKeyPages() {
	all := b.cat.ConditionKeys()
	b.add(conditionsKind, &ConditionKeysPage{Base: b.base("/conditions/", "Condition keys", fmt.Sprintf("All %s IAM condition keys across AWS services, the global ones first, with their types and the actions that support them.", commas(len(all))), homeCrumb), Keys: all, Globals: b.globalKeyRows()})
	crumbs := []Crumb{homeCrumb, {Name: "Condition keys", Path: "/conditions/"}}
	for _, k := range all {
		typ := keyType(k)
		desc := fmt.Sprintf("IAM condition key %s", k.Name)
		if k.Global != nil {
			desc = fmt.Sprintf("Global IAM condition key %s", k.Name)
		}
		if typ != "" {
			desc += " (" + typ + ")"
		}
		if k.Global != nil && k.Global.Description != "" {
			desc += ": " + k.Global.Description
		} else {
			desc += fmt.Sprintf(": %d actions and %d resource types support it.", len(k.Actions), len(k.ResourceTypes))
		}
		p := &ConditionKeyPage{Base: b.base(ConditionKeyPath(k.Name), k.Name, desc, crumbs...), Key: k, Type: typ, Operators: operatorsFor(typ)}
		p.Uses = b.keyUsesOf(k)
		b.add(conditionKind, p)
	}
}

// operatorsFor lists the condition operators that fit a key type.
func operatorsFor(typ string) []string {
	set := func(ops ...string) []string { return ops }
	switch strings.TrimPrefix(typ, "ArrayOf") {
	case "String":
		return set("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike")
	case "ARN", "Arn":
		return set("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike")
	case "Bool":
		return set("Bool")
	case "Numeric":
		return set("NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals")
	case "Date":
		return set("DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals")
	case "IPAddress":
		return set("IpAddress", "NotIpAddress")
	case "Binary":
		return set("BinaryEquals")
	}
	return nil
}
