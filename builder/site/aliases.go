package site

import (
	"strings"

	"github.com/iamref/iamref/builder/history"
	"github.com/iamref/iamref/builder/redirects"
)

// The site's redirects, written to /_redirects in Netlify's format
// (package redirects). Netlify matches paths case-sensitively, so the
// case-insensitive aliases are generated, one rule per name whose
// lower-case form is not a page of its own:
//
//	/CHIME/*              /chime/:splat            a shouted prefix, then
//	/chime/createmeeting/ /chime/CreateMeeting/    the lower-case action path
//	/chime:CreateMeeting  /chime/CreateMeeting/    short links, exact and
//	/chime:createmeeting  /chime/CreateMeeting/    lower-case
//	/iam/chime            /chime/                  permissions.cloud's service URL
//
// plus lower-case aliases of resource-type and condition-key pages. A
// lower-case form shared by two names (ec2-instance-connect:MaxTunnelDuration
// and maxTunnelDuration) gets no alias: both keep their own page and neither
// wins the alias.

// aliases are the redirect rules of the catalog. exists reports whether the
// build writes a file at a site path (a directory path means its index.html).
func (b *builder) aliases(exists func(string) bool) []redirects.Rule {
	pages := func(p string) bool { return exists(p) || exists(p+"/") }
	rs := redirects.NewSet(pages)
	for _, s := range b.cat.Services {
		if up := strings.ToUpper(s.Prefix); up != s.Prefix {
			rs.Add("/"+up+"/*", "/"+s.Prefix+"/:splat")
		}
	}
	for _, s := range b.cat.Services {
		var paths []string
		for _, a := range s.Actions {
			paths = append(paths, ActionPath(a))
		}
		rs.LowerAliases(paths)
	}
	for _, s := range b.cat.Services {
		lower := map[string]int{}
		for _, a := range s.Actions {
			lower[strings.ToLower(a.Name)]++
		}
		for _, a := range s.Actions {
			rs.Add("/"+s.Prefix+":"+a.Name, ActionPath(a))
			if l := strings.ToLower(a.Name); l != a.Name && lower[l] == 1 {
				rs.Add("/"+s.Prefix+":"+l, ActionPath(a))
			}
		}
	}
	b.removedActionAliases(rs)
	b.promisedKeyAliases(rs, pages)
	for _, s := range b.cat.Services {
		var paths []string
		for _, rt := range s.ResourceTypes {
			paths = append(paths, ResourcePath(rt))
		}
		rs.LowerAliases(paths)
	}
	var keys []string
	for _, k := range b.cat.ConditionKeys() {
		keys = append(keys, ConditionKeyPath(k.Name))
	}
	rs.LowerAliases(keys)
	for _, s := range b.cat.Services {
		rs.Add("/iam/"+s.Prefix, ServicePath(s.Prefix))
	}
	b.removedServiceAliases(rs, exists)
	b.removedCompareAliases(rs, exists)
	return rs.Rules()
}

// removedServiceAliases keeps the URLs of removed services that have no
// tombstone of their own (the matrix, the guides): each URL of the
// manifest under a renamed service's prefix that its successor has too
// redirects there, and everything else under a removed prefix to the
// service's tombstone.
func (b *builder) removedServiceAliases(rs *redirects.Set, exists func(string) bool) {
	if b.hist == nil {
		return
	}
	for _, r := range b.hist.h.RemovedServices() {
		if b.cat.Service(r.Service) != nil || !exists(ServicePath(r.Service)) {
			continue
		}
		old := ServicePath(r.Service)
		if s := b.hist.succ[r.Service]; s != nil {
			for _, u := range b.manifest {
				if rest, ok := strings.CutPrefix(u, old); ok && rest != "" && !exists(u) {
					if to := ServicePath(s.Prefix) + rest; exists(to) {
						rs.Add(u, to)
					}
				}
			}
		}
		rs.Add(old+"*", old)
	}
}

// removedCompareAliases sends a published comparison whose page is gone (a
// policy of it no longer exists, comparePages) to the page of the policy
// that is left, or to the index of managed policies.
func (b *builder) removedCompareAliases(rs *redirects.Set, exists func(string) bool) {
	for _, u := range b.manifest {
		a, bn, ok := comparePair(u)
		if !ok || exists(u) {
			continue
		}
		to := PoliciesPath
		for _, n := range []string{a, bn} {
			if exists(PolicyPath(n)) {
				to = PolicyPath(n)
				break
			}
		}
		rs.Add(u, to)
	}
}

// removedActionAliases sends the short links and the lower-case paths of
// removed actions to their tombstones (historypages.go), as they went to
// the pages the tombstones replace. A name a live action has in any case
// keeps its rule for the live action, and a lower-case form two removed
// actions share gets none.
func (b *builder) removedActionAliases(rs *redirects.Set) {
	live := map[string]bool{}
	for _, s := range b.cat.Services {
		for _, a := range s.Actions {
			live[strings.ToLower(a.ID())] = true
		}
	}
	var tombs []*TombstonePage
	lower := map[string]int{}
	for _, j := range b.jobs {
		if p, ok := j.page.(*TombstonePage); ok && p.Entity == history.ActionEntity {
			tombs = append(tombs, p)
			lower[strings.ToLower(p.First().ID())]++
		}
	}
	for _, p := range tombs {
		id := p.First().ID()
		l := strings.ToLower(id)
		if live[l] {
			continue
		}
		rs.Add("/"+id, p.Path)
		if lower[l] == 1 {
			rs.Add("/"+l, p.Path)
			rs.Add(strings.ToLower(p.Path), p.Path)
		}
	}
}
