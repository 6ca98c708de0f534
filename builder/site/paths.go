package site

import (
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
)

// URLs are a promise: wikis link to them. Every page's path is made here and
// nowhere else, so the scheme is in one place:
//
//	/                                   all services
//	/<prefix>/                          a service
//	/<prefix>/<Action>/                 an action, exact catalog case
//	/<prefix>/resources/<slug>/         a resource type
//	/<prefix>/guides/<slug>/            a guide page
//	/conditions/                        every condition key
//	/conditions/<slug>/                 a condition key (global: aws:* keys span services)
//	/api/catalog/<prefix>.json          a service as JSON
//
// Action names are case-preserving (cloudsearch:search and apigateway:GET exist).

// ServicePath is the page of a service.
func ServicePath(prefix string) string { return "/" + prefix + "/" }

// ActionPath is the page of an action.
func ActionPath(a *catalog.Action) string { return "/" + a.Service.Prefix + "/" + a.Name + "/" }

// ResourcePath is the page of a resource type.
func ResourcePath(rt *catalog.ResourceType) string {
	return "/" + rt.Service.Prefix + "/resources/" + Slug(rt.Name) + "/"
}

// ConditionKeyPath is the page of a condition key.
func ConditionKeyPath(name string) string { return "/conditions/" + Slug(name) + "/" }

// GuidePath is the page of a guide.
func GuidePath(prefix, slug string) string { return "/" + prefix + "/guides/" + slug + "/" }

// ServiceAPIPath is the JSON of a service.
func ServiceAPIPath(prefix string) string { return "/api/catalog/" + prefix + ".json" }

var templateVar = regexp.MustCompile(`\$\{([^}]*)\}|<([^>]*)>`)

// Slug turns a resource-type or condition-key name into one safe path segment.
// It keeps letters, digits, '.', '_' and '-' (case preserved), unwraps ${X}
// and <x> templates, turns spaces into '-' and every other character into '_':
//
//	aws:RequestTag/${TagKey}  → aws_RequestTag_TagKey
//	listener-rule/app         → listener-rule_app
//	stream group              → stream-group
//
// The mapping is a pure function of the name, so a slug never changes while
// the name exists. The build checks that no two names of the same kind share
// a slug (see checkSlugs); the full catalog has no such pair.
func Slug(name string) string {
	name = templateVar.ReplaceAllString(name, "$1$2")
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s == "." || s == ".." {
		s = "_" + s
	}
	return s
}

// Rel returns the relative reference from the page at path from to target
// (both site-absolute, target may carry a #fragment), so the site works
// under any base path and from a plain file server.
func Rel(from, target string) string {
	frag := ""
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target, frag = target[:i], target[i:]
	}
	if target == "" {
		return frag
	}
	fromDir := from
	if !strings.HasSuffix(fromDir, "/") {
		fromDir = strings.TrimSuffix(path.Dir(fromDir), "/") + "/"
	}
	if target == from && frag != "" {
		return frag
	}
	fromParts := strings.Split(strings.Trim(fromDir, "/"), "/")
	if fromDir == "/" {
		fromParts = nil
	}
	trailing := strings.HasSuffix(target, "/")
	toParts := strings.Split(strings.Trim(target, "/"), "/")
	if strings.Trim(target, "/") == "" {
		toParts = nil
	}
	i := 0
	for i < len(fromParts) && i < len(toParts) && fromParts[i] == toParts[i] {
		i++
	}
	var segs []string
	for range fromParts[i:] {
		segs = append(segs, "..")
	}
	for _, p := range toParts[i:] {
		segs = append(segs, escapeSegment(p))
	}
	rel := strings.Join(segs, "/")
	if trailing && len(toParts[i:]) > 0 {
		rel += "/"
	}
	if rel == "" {
		rel = "./"
	} else if len(toParts[i:]) == 0 {
		rel += "/"
	}
	// A first segment with a colon would read as a URL scheme.
	if first, _, _ := strings.Cut(rel, "/"); strings.Contains(first, ":") {
		rel = "./" + rel
	}
	return rel + frag
}

func escapeSegment(s string) string {
	if s == ".." {
		return s
	}
	return url.PathEscape(s)
}
