package site

import (
	"strings"

	"github.com/iamref/iamref/builder/redirects"
)

// URLs the data's updates would otherwise break (urls.go): a refresh of the
// catalog and the policies changes which comparisons the matrices lead
// with, and removes services with their matrices.

// promisedComparisons are the comparison pages content/urls.txt lists
// whose two policies the build still has: they stay, whatever the
// matrices lead with now.
func (b *builder) promisedComparisons() []CompareLink {
	urls, _, err := readURLManifest(b.cfg.Content)
	if err != nil {
		return nil
	}
	var out []CompareLink
	prefix := PoliciesPath + "compare/"
	for _, u := range urls {
		rest, ok := strings.CutPrefix(u, prefix)
		if !ok {
			continue
		}
		parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
		if len(parts) != 2 || b.pol.byName[parts[0]] == nil || b.pol.byName[parts[1]] == nil || ComparePath(parts[0], parts[1]) != u {
			continue
		}
		out = append(out, CompareLink{A: parts[0], B: parts[1], Path: u})
	}
	return out
}

// removedServiceJSON writes /api/catalog/<prefix>.json for each removed
// service, as it was published: the service's last record, its removed
// actions, resource types and condition keys (each as its last snapshot
// had it), and "removed" with the snapshots it left between.
func (hb *historyBuilder) removedServiceJSON() {
	for _, s := range hb.h.RemovedServices() {
		if c := hb.b.cat.Service(s.Service); c != nil && c.Prefix == s.Service {
			continue
		}
		d := removedServiceDoc{
			serviceDoc: serviceDoc{Schema: "iamref.catalog.v1", Prefix: s.Service, Name: s.Record.Name, URL: ServicePath(s.Service),
				Snapshot: snapshotDoc{Date: hb.b.cat.Snapshot.Date, Hash: hb.b.cat.Snapshot.Hash},
				Actions:  []actionDoc{}, ResourceTypes: []resourceDoc{}, ConditionKeys: []keyDoc{}},
			Removed: removedDoc{Since: s.Removed, Last: s.Last},
		}
		if succ := hb.succ[s.Service]; succ != nil {
			d.Successor = ServiceAPIPath(succ.Prefix) // AWS renamed the prefix
		}
		for _, a := range hb.h.Removed() {
			if a.Service != s.Service {
				continue
			}
			ad := actionDoc{ID: a.ID(), Name: a.Name, URL: ActionPath(stubAction(a.Service, a.Name)), Description: a.Record.Description, AccessLevel: string(a.Record.AccessLevel),
				ResourceTypes: []actionResDoc{}, ConditionKeys: []string{}, DependentActions: []string{}}
			for _, r := range a.Record.ResourceTypes {
				ad.ResourceTypes = append(ad.ResourceTypes, actionResDoc{Name: r.Name, Required: r.Required, Defined: true, ConditionKeys: nonNil(r.ConditionKeys), DependentActions: nonNil(r.DependentActions)})
				ad.ConditionKeys = appendMissing(ad.ConditionKeys, r.ConditionKeys)
				ad.DependentActions = appendMissing(ad.DependentActions, r.DependentActions)
			}
			d.Actions = append(d.Actions, ad)
		}
		for _, r := range hb.h.RemovedResourceTypes() {
			if r.Service == s.Service {
				d.ResourceTypes = append(d.ResourceTypes, resourceDoc{Name: r.Name, URL: ResourcePath(stubResource(r.Service, r.Name)), ARN: r.Record.ARN, ConditionKeys: nonNil(r.Record.ConditionKeys)})
			}
		}
		for _, k := range hb.h.RemovedConditionKeys() {
			if k.Service == s.Service {
				d.ConditionKeys = append(d.ConditionKeys, keyDoc{Name: k.Name, URL: ConditionKeyPath(k.Name), Type: k.Record.Type, Description: k.Record.Description})
			}
		}
		hb.b.addFile(ServiceAPIPath(s.Service), marshalJSON(d))
	}
}

// removedServiceDoc is a removed service's JSON: the schema of a live one
// and "removed".
type removedServiceDoc struct {
	serviceDoc
	Removed removedDoc `json:"removed"`
	// Successor is the JSON of the service that took its place, when AWS
	// renamed the prefix (successors, historypages.go).
	Successor string `json:"successor,omitempty"`
}

type removedDoc struct {
	Since string `json:"since"` // the first snapshot without it
	Last  string `json:"last"`  // the last snapshot with it
}

func appendMissing(list, add []string) []string {
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

// promisedKeyAliases sends a promised condition-key page that is gone to
// the one live key page whose name differs only in letter case
// (ec2-instance-connect:MaxTunnelDuration became maxTunnelDuration).
// pages reports whether the build writes a page at a path.
func (b *builder) promisedKeyAliases(rs *redirects.Set, pages func(string) bool) {
	urls, _, err := readURLManifest(b.cfg.Content)
	if err != nil {
		return
	}
	live := map[string][]string{}
	for _, k := range b.cat.ConditionKeys() {
		p := ConditionKeyPath(k.Name)
		live[strings.ToLower(p)] = append(live[strings.ToLower(p)], p)
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, "/conditions/") || pages(u) {
			continue
		}
		if ps := live[strings.ToLower(u)]; len(ps) == 1 {
			rs.Add(u, ps[0])
		}
	}
}
