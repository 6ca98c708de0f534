package site

import (
	"net/url"
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
//	/<prefix>/matrix/                   the managed policies that allow a service's actions
//	/policies/                          every AWS managed policy
//	/policies/<PolicyName>/             a managed policy, exact name
//	/policies/compare/<A>/<B>/          two managed policies compared (A < B)
//	/examples/, /examples/<slug>/       example policies
//	/api/policies/<PolicyName>.json     what a managed policy allows, as JSON
//	/api/examples/<slug>.json           what an example policy allows, as JSON
//	/changes/, /<prefix>/changes/       what changed between snapshots (ChangesPath, ServiceChangesPath)
//	/changes/feed.xml, /<prefix>/changes/feed.xml, /changes/permissions-management.xml   Atom feeds (feeds.go)
//	/quality/, /api/quality.json        data problems (QualityPath, QualityAPIPath)
//	/analyze/, /write/                  the policy workbench (AnalyzePath, WritePath; workbench.go)
//
// A removed action, resource type, condition key or service keeps the path
// these functions gave it, as a tombstone page (historypages.go).
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

// MatrixPath is the managed-policy matrix of a service.
func MatrixPath(prefix string) string { return "/" + prefix + "/matrix/" }

// PoliciesPath is the index of managed policies.
const PoliciesPath = "/policies/"

// PolicyPath is the page of a managed policy.
func PolicyPath(name string) string { return PoliciesPath + name + "/" }

// ComparePath is the comparison of two managed policies, in canonical
// order: the one whose name sorts first is A, so each pair has one URL.
func ComparePath(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return PoliciesPath + "compare/" + a + "/" + b + "/"
}

// PolicyAPIPath is the JSON of a managed policy.
func PolicyAPIPath(name string) string { return "/api/policies/" + name + ".json" }

// ExamplesPath is the index of example policies.
const ExamplesPath = "/examples/"

// ExamplePath is the page of an example policy.
func ExamplePath(slug string) string { return ExamplesPath + slug + "/" }

// ExampleAPIPath is the JSON of an example policy.
func ExampleAPIPath(slug string) string { return "/api/examples/" + slug + ".json" }

// ChangesPath is the page of every change to the catalog.
const ChangesPath = "/changes/"

// ServiceChangesPath is the page of a service's changes.
func ServiceChangesPath(prefix string) string { return "/" + prefix + "/changes/" }

// Feed paths.
const (
	ChangesFeedPath     = "/changes/feed.xml"
	PermissionsFeedPath = "/changes/permissions-management.xml"
)

// ServiceFeedPath is the feed of a service's changes.
func ServiceFeedPath(prefix string) string { return ServiceChangesPath(prefix) + "feed.xml" }

// The policy workbench's pages (workbench.go).
const (
	AnalyzePath = "/analyze/"
	WritePath   = "/write/"
)

// Quality paths.
const (
	QualityPath    = "/quality/"
	QualityAPIPath = "/api/quality.json"
)

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
// (both site-absolute; target may carry a #fragment).
func Rel(from, target string) string {
	b := Base{Path: from}
	return b.Rel(target)
}

// rootPrefix is the way from a page back to the site root: "./" for the
// root itself, "../" per directory below it.
func rootPrefix(page string) string {
	depth := strings.Count(page, "/") - 1
	if depth <= 0 {
		return "./"
	}
	return strings.Repeat("../", depth)
}

// escapePath escapes each path segment; paths made by this package need it
// only for characters outside unreserved ones, which is rare.
func escapePath(p string) string {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/-._~#:$", c) >= 0) {
			segs := strings.Split(p, "/")
			for j, s := range segs {
				segs[j] = url.PathEscape(s)
			}
			return strings.Join(segs, "/")
		}
	}
	return p
}
