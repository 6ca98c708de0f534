package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"runtime/pprof"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
)

// templateSet holds one parsed template per page kind: base.tmpl and the
// partials, plus the kind's own file defining "content". Parsed once.
type templateSet struct {
	base  *template.Template // base.tmpl and the partials, for the chrome (chrome.go)
	kinds map[string]*template.Template
	// labels tag each kind's rendering in a CPU profile: go tool pprof
	// -tagfocus kind=action.
	labels map[string]pprof.LabelSet
}

func parseTemplates(fsys fs.FS) (*templateSet, error) {
	base, err := template.New("base.tmpl").Funcs(funcs).ParseFS(fsys, "base.tmpl")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if partials, _ := fs.Glob(fsys, "partials/*.tmpl"); len(partials) > 0 {
		if _, err := base.ParseFS(fsys, "partials/*.tmpl"); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
	}
	files, err := fs.Glob(fsys, "*.tmpl")
	if err != nil {
		return nil, err
	}
	ts := &templateSet{base: base, kinds: map[string]*template.Template{}, labels: map[string]pprof.LabelSet{}}
	for _, f := range files {
		if f == "base.tmpl" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		kind := strings.TrimSuffix(f, ".tmpl")
		ts.kinds[kind] = t
		ts.labels[kind] = pprof.Labels("kind", kind)
	}
	return ts, nil
}

// clone is a copy of the page templates for another render worker.
// text/template takes a read lock on a template's functions for every
// function call; with one set shared by two cores the lock's counter
// bounced between them, 0.3 CPU-s a build. It fails once a page template
// has been executed.
func (ts *templateSet) clone() (*templateSet, error) {
	c := &templateSet{base: ts.base, kinds: make(map[string]*template.Template, len(ts.kinds)), labels: ts.labels}
	for kind, t := range ts.kinds {
		ct, err := t.Clone()
		if err != nil {
			return nil, err
		}
		c.kinds[kind] = ct
	}
	return c, nil
}

func (ts *templateSet) execute(buf *bytes.Buffer, kind string, p Page) error {
	t := ts.kinds[kind]
	if t == nil {
		return fmt.Errorf("no template %s.tmpl", kind)
	}
	return t.ExecuteTemplate(buf, "base.tmpl", p)
}

// funcs are the template functions. Paths are site-absolute; templates turn
// them into relative references with the page's Rel method.
var funcs = template.FuncMap{
	"actionPath":    ActionPath,
	"servicePath":   ServicePath,
	"resourcePath":  ResourcePath,
	"conditionPath": ConditionKeyPath,
	"guidePath":     func(g *Guide) string { return GuidePath(g.Service.Prefix, g.Slug) },
	"apiPath":       ServiceAPIPath,
	"policyPath":    PolicyPath,
	"matrixPath":    MatrixPath,
	"examplePath":   ExamplePath,
	"slug":          Slug,
	"levelSlug":     func(l catalog.AccessLevel) string { return l.Slug() },
	"levels":        func() []catalog.AccessLevel { return catalog.AccessLevels },
	"actionAnchor":  func(a *catalog.Action) string { return "action-" + a.Name },
	"resourceAnchor": func(name string) string {
		return "resource-" + Slug(name)
	},
	"keyAnchor": func(name string) string { return "condition-" + Slug(name) },
	"add":       func(a, b int) int { return a + b },
	"commas":    commas,
	"dir":       path.Dir,
	"arnParts":  arnParts,
	"hasPrefix": strings.HasPrefix,
	"hasSuffix": strings.HasSuffix,
	"pair": func(p Page, as []*catalog.Action) actionList {
		return actionList{Page: p, Actions: as}
	},
	"keyType":         keyType,
	"riskCategories":  func() []catalog.RiskCategory { return catalog.RiskCategories },
	"templateExample": templateExample,
}

// actionList is the argument of the "actionlist" partial.
type actionList struct {
	Page    Page
	Actions []*catalog.Action
}

// keyType is the global key's type, else the first type any service gives the key.
func keyType(k *catalog.KeyUsage) string {
	if k.Global != nil && k.Global.Type != "" {
		return k.Global.Type
	}
	for _, d := range k.Definitions {
		if d.Type != "" {
			return d.Type
		}
	}
	return ""
}

// templateExample fills a key template with a sample: aws:ResourceTag/${TagKey} → aws:ResourceTag/Owner.
func templateExample(name string) string {
	return templateVar.ReplaceAllStringFunc(name, func(v string) string {
		switch strings.Trim(v, "${}<>") {
		case "TagKey", "key", "tag-key":
			return "Owner"
		}
		return "Name"
	})
}

// commas formats an integer with thousands separators.
func commas(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// ARNPart is a piece of an ARN format: literal text or a ${Variable}.
type ARNPart struct {
	Text     string
	Variable bool
}

// arnParts splits an ARN format so templates can mark its variables.
func arnParts(arn string) []ARNPart {
	var parts []ARNPart
	for arn != "" {
		i := strings.Index(arn, "${")
		if i < 0 {
			parts = append(parts, ARNPart{Text: arn})
			break
		}
		j := strings.IndexByte(arn[i:], '}')
		if j < 0 {
			parts = append(parts, ARNPart{Text: arn})
			break
		}
		if i > 0 {
			parts = append(parts, ARNPart{Text: arn[:i]})
		}
		parts = append(parts, ARNPart{Text: arn[i : i+j+1], Variable: true})
		arn = arn[i+j+1:]
	}
	return parts
}
