package site

import (
	"regexp"
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// Verdict is the answer a policy page starts with: what the whole policy
// allows per access level, what is surprising in it, and its services by
// size. The allowed-actions section below it has the detail.
type Verdict struct {
	Levels []LevelCount // every access level, in catalog order, with what the policy allows of it
	// ReadOnly is set when the policy's name says it only reads
	// (ReadOnly, ViewOnly): its grants that change something are then
	// notable.
	ReadOnly bool
	// Changes is, in a read-only policy, the actions it allows at the
	// Write, Permissions management and Tagging levels, the first
	// notableShown of them; ChangeCount counts them all.
	Changes      []*catalog.Action
	ChangeCount  int
	Wildcards    []WildcardGrant // statements allowing "*" or "service:*" on every resource
	Services     []ServiceCount  // by allowed actions, most first; the first servicesShown
	MoreServices int
}

// LevelCount is the actions a policy allows of one access level.
type LevelCount struct {
	Level catalog.AccessLevel
	Count int
}

// WildcardGrant is a pattern allowing all actions, or all of a service's,
// on "Resource": "*".
type WildcardGrant struct {
	Pattern   string
	NotAction bool
	Statement string // the statement's anchor
	Line      int
}

const (
	notableShown  = 24
	servicesShown = 12
)

var readOnlyName = regexp.MustCompile(`(?i)read-?only|view-?only`)

// Verdict sums the view's grants for the policy named name.
func (v *PolicyView) Verdict(name string) *Verdict {
	vd := &Verdict{ReadOnly: readOnlyName.MatchString(name)}
	counts := make([]int, len(catalog.AccessLevels)+1)
	var svcs []ServiceCount
	for _, sg := range v.Services {
		svcs = append(svcs, ServiceCount{Prefix: sg.Service.Prefix, Count: sg.Count})
		for _, lg := range sg.Levels {
			counts[lg.Level.Index()] += lg.Count
		}
	}
	for i, l := range catalog.AccessLevels {
		vd.Levels = append(vd.Levels, LevelCount{Level: l, Count: counts[i]})
	}
	if n := counts[len(catalog.AccessLevels)]; n > 0 {
		vd.Levels = append(vd.Levels, LevelCount{Count: n})
	}
	if vd.ReadOnly {
		for i := range v.Result.Allowed {
			a := v.Result.Allowed[i].Action
			switch a.AccessLevel {
			case catalog.Write, catalog.PermissionsManagement, catalog.Tagging:
				vd.ChangeCount++
				if len(vd.Changes) < notableShown {
					vd.Changes = append(vd.Changes, a)
				}
			}
		}
	}
	for _, st := range v.Doc.Statements {
		if !st.Valid || st.Effect != policy.Allow || !st.AllResources() {
			continue
		}
		sv := v.Statement(st.Index)
		id := ""
		if sv != nil {
			id = sv.ID
		}
		if st.HasNotAction {
			vd.Wildcards = append(vd.Wildcards, WildcardGrant{NotAction: true, Statement: id, Line: st.Line})
			continue
		}
		for _, p := range st.Action {
			if p.Text == "*" || strings.HasSuffix(p.Text, ":*") {
				vd.Wildcards = append(vd.Wildcards, WildcardGrant{Pattern: p.Text, Statement: id, Line: p.Line})
			}
		}
	}
	sort.SliceStable(svcs, func(i, j int) bool { return svcs[i].Count > svcs[j].Count })
	if len(svcs) > servicesShown {
		vd.MoreServices = len(svcs) - servicesShown
		svcs = svcs[:servicesShown]
	}
	vd.Services = svcs
	return vd
}
