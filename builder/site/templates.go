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

// kind is a page kind: the template <kind>.tmpl defines the "content"
// block of its pages.
type kind string

// The page kinds; a job of no kind is a file written as is.
const (
	noKind            kind = ""
	homeKind          kind = "home"
	serviceKind       kind = "service"
	actionKind        kind = "action"
	resourceKind      kind = "resource"
	conditionKind     kind = "condition"
	conditionsKind    kind = "conditions"
	accessLevelsKind  kind = "access-levels"
	guideKind         kind = "guide"
	notFoundKind      kind = "404"
	policyKind        kind = "policy"
	policiesKind      kind = "policies"
	policyChangesKind kind = "policy-changes"
	matrixKind        kind = "matrix"
	compareKind       kind = "compare"
	exampleKind       kind = "example"
	examplesKind      kind = "examples"
	changesKind       kind = "changes"
	tombstoneKind     kind = "tombstone"
	qualityKind       kind = "quality"
	checksKind        kind = "checks"
	analyzeKind       kind = "analyze"
	writeKind         kind = "write"
)

// allKinds are every page kind, each with its template file.
var allKinds = []kind{homeKind, serviceKind, actionKind, resourceKind, conditionKind, conditionsKind, accessLevelsKind, guideKind, notFoundKind,
	policyKind, policiesKind, policyChangesKind, matrixKind, compareKind, exampleKind, examplesKind, changesKind, tombstoneKind, qualityKind, checksKind, analyzeKind, writeKind}

// templateSet holds the parsed templates: base.tmpl and the partials, and
// for each page kind those plus the kind's own file defining "content".
// Parsed once, and cloned at once for every render worker, before any of
// them is executed (html/template cannot clone a template that has been).
type templateSet struct {
	base *template.Template // base.tmpl and the partials, for the chrome and the fragments
	// workers holds a copy of the page templates per render worker:
	// text/template takes a read lock on a template's functions for every
	// function call, and with one set shared by two cores the lock's
	// counter bounced between them, 0.3 CPU-s a build.
	workers []map[kind]*template.Template
	// labels tag each kind's rendering in a CPU profile: go tool pprof
	// -tagfocus kind=action.
	labels map[kind]pprof.LabelSet
}

// parseTemplates parses the templates of fsys, with a copy of the page
// templates for each of workers render workers. Every page kind must have
// its template, and every template but base.tmpl must be a page kind's.
func parseTemplates(fsys fs.FS, workers int) (*templateSet, error) {
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
	known := map[string]bool{"base.tmpl": true}
	for _, k := range allKinds {
		known[string(k)+".tmpl"] = true
	}
	for _, f := range files {
		if !known[f] {
			return nil, fmt.Errorf("templates: %s is not the template of a page kind", f)
		}
	}
	ts := &templateSet{base: base, labels: map[kind]pprof.LabelSet{}}
	first := map[kind]*template.Template{}
	for _, k := range allKinds {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(fsys, string(k)+".tmpl"); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		first[k] = t
		ts.labels[k] = pprof.Labels("kind", string(k))
	}
	ts.workers = append(ts.workers, first)
	for w := 1; w < workers; w++ {
		set := make(map[kind]*template.Template, len(first))
		for k, t := range first {
			c, err := t.Clone()
			if err != nil {
				return nil, fmt.Errorf("templates: a copy of %s.tmpl for render worker %d: %w", k, w, err)
			}
			set[k] = c
		}
		ts.workers = append(ts.workers, set)
	}
	return ts, nil
}

// execute renders a page of kind k with the templates of worker w.
func (ts *templateSet) execute(buf *bytes.Buffer, w int, k kind, p Page) error {
	t := ts.workers[w][k]
	if t == nil {
		return fmt.Errorf("no template %s.tmpl", k)
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
