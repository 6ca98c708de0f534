package site

import (
	"fmt"
	"html/template"
	"regexp"
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
	b.apiIndex()
	b.add(notFoundKind, &NotFoundPage{Base: Base{Path: "/404.html", Title: "Page not found", Description: "This page is not in iamref: search the AWS IAM catalog or browse its services.", Site: b.info, NoIndex: true, Absolute: true}})
}

func serviceCrumbs(s *catalog.Service) []Crumb {
	return []Crumb{homeCrumb, {Name: s.Name, Path: ServicePath(s.Prefix)}}
}

func (b *builder) servicePages(s *catalog.Service) {
	b.add(serviceKind, b.servicePage(s))
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
	listed := guideList(b.guides[s.Prefix])
	for _, g := range b.guides[s.Prefix] {
		b.add(guideKind, b.guidePage(g, listed))
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

// servicePage is a service's own page.
func (b *builder) servicePage(s *catalog.Service) *ServicePage {
	sp := &ServicePage{
		Base:    b.base(ServicePath(s.Prefix), s.Name+" — actions, resources and condition keys", fmt.Sprintf("IAM reference for %s (service prefix %s): %d actions, %d resource types, %d condition keys.", s.Name, s.Prefix, len(s.Actions), len(s.ResourceTypes), len(s.ConditionKeys)), homeCrumb),
		Service: s,
		Counts:  countLevels(s),
		Derived: s.Derive(),
		Guides:  guideList(b.guides[s.Prefix]),
	}
	sp.Short = s.Name
	sp.Links = append(sp.Links, b.policyServiceLinks(s)...)
	if b.hist != nil {
		b.hist.serviceHistory(sp)
	}
	return sp
}

// guidePage is one guide's page; listed are its service's guides as
// guideList gives them.
func (b *builder) guidePage(g *Guide, listed []*Guide) *GuidePage {
	gp := &GuidePage{Base: b.base(GuidePath(g.Service.Prefix, g.Slug), g.Doc.Title, g.Doc.Summary, serviceCrumbs(g.Service)...), Guide: g, Others: listed}
	if b.pol != nil {
		gp.policies = b.pol.byName
	}
	return gp
}

// guideList is a service's guides as the pages that list them have them
// (the service page, each guide's list of the others): each guide's
// service, slug, title and summary, in order, without its text, so that
// those pages read only that of a guide (deps.go's inGuideList) and an
// edit to a guide's text renders its own page alone.
func guideList(gs []*Guide) []*Guide {
	if gs == nil {
		return nil
	}
	list := make([]*Guide, len(gs))
	for i, g := range gs {
		list[i] = &Guide{Service: g.Service, Slug: g.Slug, File: g.File,
			Doc: &markup.Document{FrontMatter: markup.FrontMatter{Title: g.Doc.Title, Summary: g.Doc.Summary}}}
	}
	return list
}

// guideListKey is what guideList keeps of a service's guides.
func guideListKey(gs []*Guide) string {
	var k strings.Builder
	for _, g := range gs {
		fmt.Fprintf(&k, "%q %q %q\n", g.Slug, g.Doc.Title, g.Doc.Summary)
	}
	return k.String()
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
	}
	for _, d := range a.DependentActions() {
		p.Dependent = append(p.Dependent, DependentRef{Name: d, Action: b.cat.Action(d)})
	}
	p.Unconditional = len(scopeARNs(a)) == 0
	p.OptionalOnly = !p.Unconditional && len(requiredARNs(a)) == 0
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
// its required resource types, else of the resource types it takes (none
// marked required: s3:PutObject takes an object); "*" only when it takes
// none.
func minimalPolicy(a *catalog.Action) string {
	arns := scopeARNs(a)
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

// scopeARNs are the ARN formats a minimal policy names: the required
// resource types', else those of every resource type the action takes.
func scopeARNs(a *catalog.Action) []string {
	if arns := requiredARNs(a); len(arns) > 0 {
		return arns
	}
	return resourceARNs(a, false)
}

// requiredARNs are the distinct ARN formats of the action's required
// resource types, in catalog order.
func requiredARNs(a *catalog.Action) []string { return resourceARNs(a, true) }

// resourceARNs are the distinct ARN formats of the action's resource
// types (only the required ones with required), in catalog order.
func resourceARNs(a *catalog.Action, required bool) []string {
	var arns []string
	for _, r := range a.ResourceTypes {
		if required && !r.Required || r.Type == nil {
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

// CatalogEvidence is what the catalog shows of a feature that a service's
// documentation says it lacks: the two disagree, and the page shows both.
type CatalogEvidence struct {
	Key  string // the feature's key
	Says string // what the catalog has, as a sentence's object
}

// CatalogDisagrees is the catalog's evidence against the documented
// feature key, or nil when the documentation says it is supported or the
// catalog agrees it is not.
func (p *ServicePage) CatalogDisagrees(key string, supported bool) *CatalogEvidence {
	if supported {
		return nil
	}
	d := p.Derived
	switch key {
	case "resource_level_permissions":
		if d.ResourceTypes > 0 {
			return &CatalogEvidence{Key: key, Says: fmt.Sprintf("%d resource types with ARN formats, which its actions' statements can name", d.ResourceTypes)}
		}
	case "service_condition_keys":
		if d.ServiceConditionKeys > 0 {
			return &CatalogEvidence{Key: key, Says: fmt.Sprintf("%d condition keys of its own prefix", d.ServiceConditionKeys)}
		}
	case "tag_based_authorization":
		if d.TagConditionKeys {
			return &CatalogEvidence{Key: key, Says: "tag condition keys (aws:RequestTag, aws:ResourceTag or aws:TagKeys) on its actions or resource types"}
		}
	}
	return nil
}

// codeName is a code span of the rendered Markdown holding one name.
var codeName = regexp.MustCompile(`<code>([A-Za-z0-9+=,.@_-]+)</code>`)

// Body is the guide's HTML with every code span naming a managed policy
// (` + "`AmazonChimeReadOnly`" + `) linked to the policy's page, unless it is in a
// link already.
func (p *GuidePage) Body() template.HTML {
	html := string(p.Guide.Doc.HTML)
	if len(p.policies) == 0 {
		return p.Guide.Doc.HTML
	}
	var sb strings.Builder
	last := 0
	for _, m := range codeName.FindAllStringSubmatchIndex(html, -1) {
		name := html[m[2]:m[3]]
		if p.policies[name] == nil || strings.LastIndex(html[:m[0]], "<a ") > strings.LastIndex(html[:m[0]], "</a>") {
			continue
		}
		sb.WriteString(html[last:m[0]])
		sb.WriteString(`<a href="` + template.HTMLEscapeString(p.Rel(PolicyPath(name))) + `">`)
		sb.WriteString(html[m[0]:m[1]])
		sb.WriteString(`</a>`)
		last = m[1]
	}
	sb.WriteString(html[last:])
	return template.HTML(sb.String())
}
