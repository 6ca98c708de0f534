package catalog

import (
	"errors"
	"io/fs"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/yamlpos"
)

// The risk lists (content/risk/): actions that expose credentials, data or
// resources or let a principal escalate its privileges, and the
// privilege-escalation paths: sets of actions that together let a
// principal gain more than it was given. Both come from public lists,
// credited in risk/sources.yaml.
const (
	SensitiveActionsFile = "risk/sensitive-actions.yaml"
	EscalationPathsFile  = "risk/privesc-paths.json"
	RiskSourcesFile      = "risk/sources.yaml"
)

// RiskCategory is a kind of sensitive action.
type RiskCategory string

// The categories of sensitive actions, as the list names them.
const (
	CredentialExposure RiskCategory = "CredentialExposure"
	DataAccess         RiskCategory = "DataAccess"
	PrivEsc            RiskCategory = "PrivEsc"
	ResourceExposure   RiskCategory = "ResourceExposure"
)

// RiskCategories lists the categories in display order.
var RiskCategories = []RiskCategory{CredentialExposure, DataAccess, PrivEsc, ResourceExposure}

// Title is the category in words.
func (r RiskCategory) Title() string {
	switch r {
	case CredentialExposure:
		return "Credential exposure"
	case DataAccess:
		return "Data access"
	case PrivEsc:
		return "Privilege escalation"
	case ResourceExposure:
		return "Resource exposure"
	}
	return string(r)
}

// Slug is the category in lower case, for CSS classes, element ids and the
// search's risk: filter (risk:privesc, risk:credentialexposure).
func (r RiskCategory) Slug() string { return strings.ToLower(string(r)) }

// Meaning says in a few words what the actions of the category do, to
// follow "actions that".
func (r RiskCategory) Meaning() string {
	switch r {
	case CredentialExposure:
		return "return or create credentials, keys or tokens"
	case DataAccess:
		return "read the data a resource holds"
	case PrivEsc:
		return "can give a principal more permissions than it has"
	case ResourceExposure:
		return "change who may use a resource: its policy or its sharing"
	}
	return ""
}

// EscalationPath is one privilege-escalation path: the actions that,
// allowed together, let a principal gain privileges it was not given.
type EscalationPath struct {
	ID   string // "iam-001"
	Name string // "iam:CreatePolicyVersion"
	// Category: new-passrole (pass a privileged role to a new resource),
	// existing-passrole (take over a resource that already has one),
	// principal-access (act as another principal), self-escalation (raise
	// one's own permissions).
	Category   string
	Services   []string
	Required   []string // the permissions the path needs, as the list spells them
	Additional []string // permissions that help but are not needed
	URL        string   // the path's own page, with its explanation
	// RequiredActions are the catalog's actions for Required, in order; an
	// entry is nil when the catalog lacks the action.
	RequiredActions []*Action
	Line            int // in EscalationPathsFile
}

// EscalationPathCategories lists the path categories in display order.
var EscalationPathCategories = []string{"self-escalation", "principal-access", "new-passrole", "existing-passrole"}

// RiskSource credits one of the lists.
type RiskSource struct {
	File    string // SensitiveActionsFile or EscalationPathsFile
	Name    string
	URL     string
	Licence string
	Version string
}

// RiskReference is a name a risk list uses that the catalog lacks.
type RiskReference struct {
	File string
	Line int
	Name string
	What string // "PrivEsc" (a category) or a path id
}

type risks struct {
	paths   []*EscalationPath
	sources []RiskSource
	unknown []RiskReference
	byCat   map[RiskCategory][]*Action
}

// EscalationPaths lists the privilege-escalation paths in file order; nil
// without the list.
func (c *Catalog) EscalationPaths() []*EscalationPath { return c.risks.paths }

// RiskSources credits the risk lists the content has.
func (c *Catalog) RiskSources() []RiskSource { return c.risks.sources }

// RiskSource returns the credit of one list (SensitiveActionsFile or
// EscalationPathsFile), or a zero RiskSource.
func (c *Catalog) RiskSource(file string) RiskSource {
	for _, s := range c.risks.sources {
		if s.File == file {
			return s
		}
	}
	return RiskSource{}
}

// SensitiveActions lists the catalog's actions of a risk category, in catalog order.
func (c *Catalog) SensitiveActions(r RiskCategory) []*Action { return c.risks.byCat[r] }

// UnknownRiskNames lists the names the risk lists use that the catalog lacks.
func (c *Catalog) UnknownRiskNames() []RiskReference { return c.risks.unknown }

// readRisks reads content/risk/ after the catalog is linked. Each file is
// optional.
func readRisks(content fs.FS, c *Catalog) diag.List {
	var errs diag.List
	present := map[string]bool{}
	read := func(file string) []byte {
		src, err := fs.ReadFile(content, file)
		present[file] = err == nil
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, &diag.Diagnostic{File: file, Msg: err.Error()})
			}
			return nil
		}
		return src
	}
	if src := read(RiskSourcesFile); src != nil {
		errs = append(errs, readRiskSources(RiskSourcesFile, src, c)...)
	}
	if src := read(SensitiveActionsFile); src != nil {
		errs = append(errs, readSensitiveActions(SensitiveActionsFile, src, c)...)
	}
	if src := read(EscalationPathsFile); src != nil {
		errs = append(errs, readEscalationPaths(EscalationPathsFile, src, c)...)
	}
	for _, f := range []string{SensitiveActionsFile, EscalationPathsFile} {
		if present[f] && c.RiskSource(f).Name == "" {
			errs.Add(RiskSourcesFile, 0, 0, "no credit for %s: name where it comes from, its URL and licence", f)
		}
	}
	return errs
}

func readRiskSources(file string, src []byte, c *Catalog) diag.List {
	var doc map[string]struct {
		Name    string `yaml:"name"`
		URL     string `yaml:"url"`
		Licence string `yaml:"licence"`
		Version string `yaml:"version"`
	}
	root, errs := decodeYAML(file, src, &doc)
	if errs != nil {
		return errs
	}
	// at is the place of a list's entry, for a diagnostic.
	at := func(key string) (line, col int) {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i]; k.Value == key {
				return k.Line, k.Column
			}
		}
		return 0, 0
	}
	for _, f := range []string{SensitiveActionsFile, EscalationPathsFile} {
		s, ok := doc[strings.TrimPrefix(f, "risk/")]
		if !ok {
			continue
		}
		if s.Name == "" || s.URL == "" || s.Licence == "" {
			line, col := at(strings.TrimPrefix(f, "risk/"))
			errs.Add(file, line, col, "%s: name, url and licence are required", f)
			continue
		}
		c.risks.sources = append(c.risks.sources, RiskSource{File: f, Name: s.Name, URL: s.URL, Licence: s.Licence, Version: s.Version})
	}
	for k := range doc {
		if k != strings.TrimPrefix(SensitiveActionsFile, "risk/") && k != strings.TrimPrefix(EscalationPathsFile, "risk/") {
			line, col := at(k)
			errs.Add(file, line, col, "%q is not one of the risk lists", k)
		}
	}
	return errs
}

// readSensitiveActions reads {Category: {Actions: [prefix:Name, …]}, …}.
func readSensitiveActions(file string, src []byte, c *Catalog) diag.List {
	root, errs := yamlpos.Parse(file, src, 1)
	if errs != nil || root == nil {
		return errs
	}
	if root.Kind != yaml.MappingNode {
		return diag.List{diag.At(file, root.Line, root.Column, "want a mapping of risk categories")}
	}
	c.risks.byCat = map[RiskCategory][]*Action{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		kn, vn := root.Content[i], root.Content[i+1]
		cat := RiskCategory(kn.Value)
		if !slices.Contains(RiskCategories, cat) {
			errs.Add(file, kn.Line, kn.Column, "unknown risk category %q (want one of %v)", kn.Value, RiskCategories)
			continue
		}
		var list *yaml.Node
		if vn.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(vn.Content); j += 2 {
				if vn.Content[j].Value == "Actions" {
					list = vn.Content[j+1]
				} else {
					errs.Add(file, vn.Content[j].Line, vn.Content[j].Column, "%s: unknown key %q", cat, vn.Content[j].Value)
				}
			}
		}
		if list == nil || list.Kind != yaml.SequenceNode {
			errs.Add(file, vn.Line, vn.Column, "%s: want Actions, a list of actions", cat)
			continue
		}
		for _, an := range list.Content {
			a := c.Action(an.Value)
			if a == nil {
				c.risks.unknown = append(c.risks.unknown, RiskReference{File: file, Line: an.Line, Name: an.Value, What: string(cat)})
				continue
			}
			c.addSensitive(cat, a)
		}
	}
	c.sortRisks()
	return errs
}

// addSensitive puts an action in a risk category.
func (c *Catalog) addSensitive(cat RiskCategory, a *Action) {
	if c.risks.byCat == nil {
		c.risks.byCat = map[RiskCategory][]*Action{}
	}
	if !slices.Contains(a.Risks, cat) {
		a.Risks = append(a.Risks, cat)
		c.risks.byCat[cat] = append(c.risks.byCat[cat], a)
	}
}

// sortRisks orders each action's categories and each category's actions.
func (c *Catalog) sortRisks() {
	for _, s := range c.Services {
		for _, a := range s.Actions {
			slices.SortFunc(a.Risks, func(x, y RiskCategory) int {
				return slices.Index(RiskCategories, x) - slices.Index(RiskCategories, y)
			})
		}
	}
	for _, as := range c.risks.byCat {
		sortActions(as)
	}
}

// readEscalationPaths reads the list of paths.
func readEscalationPaths(file string, src []byte, c *Catalog) diag.List {
	d := &jsonpos.Decoder{File: file}
	root, err := jsonpos.Parse(src)
	if err != nil {
		d.Syntax(err, "invalid JSON: ")
		return d.Errs
	}
	if root.Kind != jsonpos.Array {
		d.Errorf(root.Pos, "want a list of paths, found %s", root.Kind)
		return d.Errs
	}
	seen := map[string]int{}
	for _, it := range root.Items {
		p := &EscalationPath{Line: it.Pos.Line}
		ok := d.Members(it, "path", []string{"id", "name", "category", "services", "required", "additional", "url"}, func(m jsonpos.Member) {
			switch m.Key {
			case "id":
				p.ID = d.String(m.Value, "id")
			case "name":
				p.Name = d.String(m.Value, "name")
			case "category":
				p.Category = d.String(m.Value, "category")
			case "services":
				p.Services = d.Strings(m.Value, "services")
			case "required":
				p.Required = d.Strings(m.Value, "required")
			case "additional":
				p.Additional = d.Strings(m.Value, "additional")
			case "url":
				p.URL = d.String(m.Value, "url")
			}
		})
		if !ok {
			continue
		}
		switch {
		case p.ID == "" || p.URL == "" || len(p.Required) == 0:
			d.Errorf(it.Pos, "path %q: id, url and at least one required permission are needed", p.ID)
			continue
		case !slices.Contains(EscalationPathCategories, p.Category):
			d.Errorf(it.Pos, "path %s: unknown category %q (want one of %v)", p.ID, p.Category, EscalationPathCategories)
			continue
		}
		if prev, dup := seen[p.ID]; dup {
			d.Errorf(it.Pos, "path %s is listed twice (first at line %d)", p.ID, prev)
			continue
		}
		seen[p.ID] = p.Line
		c.addPath(file, p)
	}
	return d.Errs
}

// addPath resolves a path's required actions and adds it.
func (c *Catalog) addPath(file string, p *EscalationPath) {
	p.RequiredActions = nil
	for _, r := range p.Required {
		a := c.Action(r)
		if a == nil {
			c.risks.unknown = append(c.risks.unknown, RiskReference{File: file, Line: p.Line, Name: r, What: p.ID})
		}
		p.RequiredActions = append(p.RequiredActions, a)
	}
	c.risks.paths = append(c.risks.paths, p)
}
