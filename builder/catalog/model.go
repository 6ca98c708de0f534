package catalog

import (
	"sort"
	"strings"
)

// Catalog is every service iamref knows, sorted by prefix.
type Catalog struct {
	Services []*Service
	Snapshot Snapshot

	byPrefix  map[string]*Service // lower-case prefix
	keys      map[string]*KeyUsage
	keyList   []*KeyUsage
	overrides []OverrideEntry
	broken    map[string]bool // LoadPartial: prefixes whose file failed
	kept      *Kept
	// Categories are the service categories of the catalog's source, in
	// its order; nil when the content has none (catalog/service-categories.json).
	Categories []*Category

	globals      []*GlobalConditionKey // upstream order
	globalByName map[string]*GlobalConditionKey
	globalSource GlobalKeySource

	risks risks
}

// Snapshot says which catalog the site was built from.
type Snapshot struct {
	Date   string // YYYY-MM-DD, as the content states it
	Source string // where the data came from
	// Hash is the first 12 hex digits of the SHA-256 of the service
	// files, the kept facts, the global condition keys and the service
	// categories, in path order, then snapshot.yaml and the overrides.
	Hash string
	// Package, Version and Integrity name the npm package the catalog was
	// converted from (Integrity is the tarball's sha512, as npm's
	// dist.integrity writes it); empty for a catalog that was not.
	Package, Version, Integrity string
}

// Service is one service prefix with its actions, resource types and condition keys.
type Service struct {
	Prefix           string
	Name             string
	AuthorizationURL string
	Actions          []*Action       // sorted by name
	ResourceTypes    []*ResourceType // sorted by name
	ConditionKeys    []*ConditionKey // the service's condition-key table, sorted by name
	Features         *Features       // nil unless content/services/<prefix>.yaml states them
	File             string          // the content file that defines the service
	Line, Col        int             // where in File its prefix is given
	// AuthorizationURLFrom is set when the URL is kept from an earlier
	// snapshot whose source had it (see Kept).
	AuthorizationURLFrom *Provenance
	Category             *Category // nil without categories

	actions   map[string]*Action // exact name
	actionsCI map[string]*Action // lower-case name, first in sort order
	resources map[string]*ResourceType
}

// Action is one IAM action such as chime:CreateMeeting.
type Action struct {
	Service     *Service
	Name        string
	Description string
	AccessLevel AccessLevel
	// Override is policy_sentry's correction of AccessLevel, if it has one.
	Override         *AccessLevelOverride
	APIDocURL        string
	APIDocFrom       *Provenance       // set when APIDocURL is kept from an earlier snapshot (see Kept)
	ResourceTypes    []*ActionResource // in catalog order; Name "" holds keys of an action with no resource type
	Risks            []RiskCategory    // the sensitive-action categories the risk list gives it, in RiskCategories order
	File             string
	Line, Col        int
	dependentOfs     []*Action
	conditionKeySet  []string
	dependentActions []string
}

// AccessLevelOverride is a corrected access level and who says so.
type AccessLevelOverride struct {
	Level  AccessLevel
	Source string
}

// ActionResource is one row of an action's resource-types column.
type ActionResource struct {
	Name             string   // "" when the action names no resource type
	Required         bool     // marked with * in the reference
	ConditionKeys    []string // as the catalog spells them
	DependentActions []string // "prefix:Action", as the catalog spells them
	// DependentFrom is set when DependentActions are kept from an earlier
	// snapshot whose source listed them (see Kept).
	DependentFrom *Provenance
	Type          *ResourceType // nil for "" and for names the service does not define (dangling)
}

// ResourceType is a kind of resource with its ARN format.
type ResourceType struct {
	Service       *Service
	Name          string
	Line, Col     int // where in the service's file it is defined
	ARN           string
	ConditionKeys []string
	Actions       []*Action // actions naming this type, sorted by name
}

// ARNs are the resource type's ARN formats: AWS's service reference lists
// several, joined by ", ", for a type that spans two versions of an API
// (apigateway's Stage: the HTTP API's and the REST API's).
func (r *ResourceType) ARNs() []string {
	if !strings.Contains(r.ARN, ", arn:") {
		return []string{r.ARN}
	}
	return strings.Split(r.ARN, ", ")
}

// ConditionKey is one row of a service's condition-key table.
type ConditionKey struct {
	Service     *Service
	Name        string
	Line, Col   int // where in the service's file it is defined
	Description string
	Type        string
}

// KeyUsage gathers one condition key across the catalog: where it is
// defined (with each service's description) and every action and resource
// type that lists it. Keys compare case-insensitively in IAM, but pages keep
// each spelling the catalog uses. (It was called GlobalConditionKey; that
// name now means what AWS means by it, a key of every request: see
// GlobalConditionKey.)
type KeyUsage struct {
	Name          string
	Definitions   []*ConditionKey // by service prefix
	Actions       []*Action       // sorted by ID
	ResourceTypes []*ResourceType // sorted by service, name
	// Global is the global condition key of this name (ignoring case), or
	// nil. Every global key has a KeyUsage, even when no service names it.
	Global *GlobalConditionKey
}

// Features are the IAM features a service supports, as its documentation states them.
type Features struct {
	Source  Link
	Entries []Feature // in FeatureNames order
}

// Feature is one IAM feature and whether the service supports it.
type Feature struct {
	Key       string
	Title     string
	Supported bool
	Note      string
}

// Link is a named external source.
type Link struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

// DependentActionsFrom is the provenance of the action's dependent actions
// when they are kept from an earlier snapshot, else nil.
func (a *Action) DependentActionsFrom() *Provenance {
	for _, r := range a.ResourceTypes {
		if r.DependentFrom != nil {
			return r.DependentFrom
		}
	}
	return nil
}

// ID is the action as a policy names it: "prefix:Name".
func (a *Action) ID() string { return a.Service.Prefix + ":" + a.Name }

// ConditionKeys is every condition key the action lists on any row, deduplicated, in catalog order.
func (a *Action) ConditionKeys() []string { return a.conditionKeySet }

// DependentActions is every dependent action on any row, deduplicated, in catalog order.
func (a *Action) DependentActions() []string { return a.dependentActions }

// DependedOnBy lists the catalog actions that name this one as a dependent action.
func (a *Action) DependedOnBy() []*Action { return a.dependentOfs }

// EffectiveLevel is the override's level when there is one, else the official level.
func (a *Action) EffectiveLevel() AccessLevel {
	if a.Override != nil {
		return a.Override.Level
	}
	return a.AccessLevel
}

// Service returns the service with this prefix (case-insensitive), or nil.
func (c *Catalog) Service(prefix string) *Service { return c.byPrefix[strings.ToLower(prefix)] }

// Action looks up "prefix:Name": exact case first, then case-insensitively
// (IAM itself ignores case in action names).
func (c *Catalog) Action(id string) *Action {
	prefix, name, ok := strings.Cut(id, ":")
	if !ok {
		return nil
	}
	s := c.Service(prefix)
	if s == nil {
		return nil
	}
	return s.Action(name)
}

// Action returns the named action: exact case first, then case-insensitively.
func (s *Service) Action(name string) *Action {
	if a := s.actions[name]; a != nil {
		return a
	}
	return s.actionsCI[strings.ToLower(name)]
}

// ResourceType returns the named resource type, or nil.
func (s *Service) ResourceType(name string) *ResourceType { return s.resources[name] }

// ActionCount is the number of actions in the whole catalog.
func (c *Catalog) ActionCount() int {
	n := 0
	for _, s := range c.Services {
		n += len(s.Actions)
	}
	return n
}

// ConditionKeys is every condition key named anywhere in the catalog, sorted by name.
func (c *Catalog) ConditionKeys() []*KeyUsage { return c.keyList }

// ConditionKey returns the global view of a key in its exact spelling, or nil.
func (c *Catalog) ConditionKey(name string) *KeyUsage { return c.keys[name] }

// CountByLevel counts actions per official access level.
func (s *Service) CountByLevel() map[AccessLevel]int {
	m := map[AccessLevel]int{}
	for _, a := range s.Actions {
		m[a.AccessLevel]++
	}
	return m
}

// link resolves references inside the catalog once everything is loaded.
func (c *Catalog) link() {
	sort.Slice(c.Services, func(i, j int) bool { return c.Services[i].Prefix < c.Services[j].Prefix })
	c.byPrefix = make(map[string]*Service, len(c.Services))
	for _, s := range c.Services {
		c.byPrefix[strings.ToLower(s.Prefix)] = s
	}
	c.keys = map[string]*KeyUsage{}
	key := func(name string) *KeyUsage {
		k := c.keys[name]
		if k == nil {
			k = &KeyUsage{Name: name}
			c.keys[name] = k
		}
		return k
	}
	for _, s := range c.Services {
		for _, ck := range s.ConditionKeys {
			k := key(ck.Name)
			k.Definitions = append(k.Definitions, ck)
		}
		for _, rt := range s.ResourceTypes {
			for _, name := range rt.ConditionKeys {
				k := key(name)
				k.ResourceTypes = append(k.ResourceTypes, rt)
			}
		}
		for _, a := range s.Actions {
			seenKey := map[string]bool{}
			seenDep := map[string]bool{}
			for _, r := range a.ResourceTypes {
				if r.Name != "" {
					r.Type = s.resources[r.Name]
					if r.Type != nil {
						r.Type.Actions = append(r.Type.Actions, a)
					}
				}
				for _, name := range r.ConditionKeys {
					if !seenKey[name] {
						seenKey[name] = true
						a.conditionKeySet = append(a.conditionKeySet, name)
						k := key(name)
						k.Actions = append(k.Actions, a)
					}
				}
				for _, d := range r.DependentActions {
					if !seenDep[d] {
						seenDep[d] = true
						a.dependentActions = append(a.dependentActions, d)
					}
				}
			}
		}
	}
	for _, s := range c.Services {
		for _, a := range s.Actions {
			for _, d := range a.dependentActions {
				if t := c.Action(d); t != nil && t != a {
					t.dependentOfs = append(t.dependentOfs, a)
				}
			}
		}
	}
	for _, s := range c.Services {
		for _, a := range s.Actions {
			sortActions(a.dependentOfs)
		}
	}
	// Every global key has a usage: the catalog's own spelling when a
	// service names it (ec2:SourceInstanceARN for ec2:SourceInstanceArn),
	// else the global key's.
	for _, g := range c.globals {
		found := false
		for name, k := range c.keys {
			if strings.EqualFold(name, g.Name) {
				k.Global, found = g, true
			}
		}
		if !found {
			key(g.Name).Global = g
		}
	}
	c.keyList = make([]*KeyUsage, 0, len(c.keys))
	for _, k := range c.keys {
		c.keyList = append(c.keyList, k)
		sort.SliceStable(k.Definitions, func(i, j int) bool { return k.Definitions[i].Service.Prefix < k.Definitions[j].Service.Prefix })
		sortActions(k.Actions)
	}
	sort.Slice(c.keyList, func(i, j int) bool { return c.keyList[i].Name < c.keyList[j].Name })
}

func sortActions(as []*Action) {
	sort.Slice(as, func(i, j int) bool {
		if as[i].Service.Prefix != as[j].Service.Prefix {
			return as[i].Service.Prefix < as[j].Service.Prefix
		}
		return as[i].Name < as[j].Name
	})
}

// index builds a service's lookup maps and sorts its lists.
func (s *Service) index() {
	sort.Slice(s.Actions, func(i, j int) bool { return s.Actions[i].Name < s.Actions[j].Name })
	sort.Slice(s.ResourceTypes, func(i, j int) bool { return s.ResourceTypes[i].Name < s.ResourceTypes[j].Name })
	sort.Slice(s.ConditionKeys, func(i, j int) bool { return s.ConditionKeys[i].Name < s.ConditionKeys[j].Name })
	s.actions = make(map[string]*Action, len(s.Actions))
	s.actionsCI = make(map[string]*Action, len(s.Actions))
	for _, a := range s.Actions {
		s.actions[a.Name] = a
		l := strings.ToLower(a.Name)
		if s.actionsCI[l] == nil {
			s.actionsCI[l] = a
		}
	}
	s.resources = make(map[string]*ResourceType, len(s.ResourceTypes))
	for _, r := range s.ResourceTypes {
		s.resources[r.Name] = r
	}
}
