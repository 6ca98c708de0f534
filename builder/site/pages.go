package site

import (
	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/markup"
)

// Base is what every page has: its own path, title and breadcrumb, and the
// site-wide facts. Page structs embed it.
type Base struct {
	Path        string // site-absolute path of the page, such as /chime/CreateMeeting/
	Title       string
	Short       string // breadcrumb label; Title when empty
	Description string // meta description
	Crumbs      []Crumb
	Site        *Info
	NoIndex     bool    // keep out of sitemap and search engines (tombstones, 404)
	Feeds       []Crumb // Atom feeds of the page, for <link rel="alternate">
	// Absolute makes links site-absolute: 404.html is served at any path,
	// so relative links from it would point nowhere.
	Absolute bool

	root  string         // "../" per directory level, computed on first use
	frags *fragmentDepth // fragments.go: the fragments of the page's depth, found on first use
}

// Crumb is one breadcrumb link.
type Crumb struct {
	Name, Path string
}

// Info is what every page knows about the site it is part of.
type Info struct {
	Snapshot catalog.Snapshot
	BaseURL  string            // without trailing slash; "" when not configured
	Assets   map[string]string // static file name (css/site.css) → hashed site-absolute path
	Search   SearchAssets
	Nav      []Crumb // extra top-level sections, such as managed policies
	Dev      bool    // built for the preview server: pages reload after a rebuild
	// Policy is the browser's policy engine (policyengine.go).
	Policy PolicyEngineAssets

	cat       *catalog.Catalog
	chrome    *chromeCache
	fragments *fragmentCache
}

// ActionLink is the page of an action named "prefix:Name", or "" when the
// catalog lacks it.
func (i *Info) ActionLink(id string) string {
	if a := i.cat.Action(id); a != nil {
		return ActionPath(a)
	}
	return ""
}

// Asset is the hashed path of a static file; templates call it through Base.
func (i *Info) Asset(name string) string { return i.Assets[name] }

// SearchAssets are the hashed files the in-browser search loads.
type SearchAssets struct {
	// site-absolute paths; Index and Descriptions are the index's parts,
	// WorkerLoad the loader Worker imports (static/js/worker-load.js)
	Index, Descriptions, WASM, WASMExec, Worker, WorkerLoad, Script string
}

// Rel is the reference from this page to a site-absolute target: the
// target from the site root, behind as many "../" as the page is deep, so
// the site works under any base path and from a plain file server. A
// fragment of this very page stays a bare "#fragment".
func (b *Base) Rel(target string) string {
	if b.Absolute {
		return target
	}
	if len(target) > len(b.Path) && target[len(b.Path)] == '#' && target[:len(b.Path)] == b.Path {
		return target[len(b.Path):]
	}
	if b.root == "" {
		b.root = rootPrefix(b.Path)
	}
	return b.root + escapePath(target[1:])
}

// Canonical is the absolute URL of the page when a base URL is configured.
func (b *Base) Canonical() string {
	if b.Site.BaseURL == "" {
		return ""
	}
	return b.Site.BaseURL + b.Path
}

// Page is implemented by every page struct through Base.
type Page interface{ base() *Base }

func (b *Base) base() *Base { return b }

// HomePage lists every service.
type HomePage struct {
	Base
	Services []*ServiceRow
	Groups   []*ServiceGroup // Services by category (categories.go)
	Totals   LevelCounts
	Actions  int
	Links    []Crumb // more pages about the whole catalog (changes, data quality)
}

// ServiceRow is one service on the home page.
type ServiceRow struct {
	Service *catalog.Service
	Counts  LevelCounts
}

// LevelCounts counts actions per access level, in catalog.AccessLevels order.
type LevelCounts [5]int

// ServicePage is a service with its three tables.
type ServicePage struct {
	Base
	Service *catalog.Service
	Counts  LevelCounts
	Derived catalog.DerivedFeatures
	Guides  []*Guide        // as listed (guideList): no guide's text
	Links   []Crumb         // more pages of the service (matrix, changes)
	History *ServiceHistory // historypages.go; nil without history
}

// ActionPage is one action.
type ActionPage struct {
	Base
	Action        *catalog.Action
	Keys          []*KeyRef
	Rows          []*ResourceRow // the resource types table: the named resource types
	Dependent     []DependentRef
	Unconditional bool               // takes no resource type: the policy uses "*"
	OptionalOnly  bool               // takes resource types, none required: the policy names them all
	Policies      *ActionPolicies    // the managed and example policies that allow it; nil without policies
	History       *ActionHistoryView // historypages.go; nil without history
	Risk          *ActionRisk        // actionrisk.go; nil when no risk list names it
}

// ResourceRow is a row of an action page's resource types table: one of
// the action's resource types with what the action says of it. Actions
// share equal rows (ec2's instance, required, with the same keys), and a
// page renders each distinct row once per depth (fragments.go).
type ResourceRow struct {
	*catalog.ActionResource
	Prefix string // the action's service, named when the type is dangling
}

// KeyRef is a condition key on an action page with its best definition.
type KeyRef struct {
	Name       string
	Definition *catalog.ConditionKey // nil when no service table defines it
}

// DependentRef is a dependent action, linked when the catalog has it.
type DependentRef struct {
	Name   string
	Action *catalog.Action
}

// ResourcePage is a resource type.
type ResourcePage struct {
	Base
	Resource *catalog.ResourceType
	Required []*catalog.Action
	Optional []*catalog.Action
	Keys     []*KeyRef
}

// ConditionKeyPage is a condition key across services.
type ConditionKeyPage struct {
	Base
	Key *catalog.KeyUsage
	// Operators that fit the key's type.
	Operators []string
	Type      string
	Uses      []*KeyUse // keyuses.go: the managed policies that test the key
}

// ConditionKeysPage lists every condition key, the global ones first.
type ConditionKeysPage struct {
	Base
	Keys    []*catalog.KeyUsage
	Globals []GlobalKeyRow // globalkeys.go
}

// Guide is a Markdown page of a service.
type Guide struct {
	Service *catalog.Service
	Slug    string
	File    string
	Doc     *markup.Document
}

// GuidePage renders one guide.
type GuidePage struct {
	Base
	Guide    *Guide
	Others   []*Guide            // its service's guides as listed (guideList), itself among them
	policies map[string]*Managed // the managed policies, whose names Body links
}

// NotFoundPage is 404.html.
type NotFoundPage struct {
	Base
}
