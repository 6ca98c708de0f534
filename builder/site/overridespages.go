package site

import (
	"fmt"
	"sort"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
)

// AccessLevelsPage lists every action whose official access level another
// source disputes, and the corrections that no longer apply.
type AccessLevelsPage struct {
	Base
	Disputed []*catalog.Action // official level differs from the correction
	Agreed   []OverrideRow     // the correction equals the official level now
	Unknown  []OverrideRow     // the correction names an action the catalog lacks
	Moves    []LevelMove       // counts per official → corrected level
	Source   string
}

// OverrideRow is one entry of the corrections file.
type OverrideRow struct {
	ID     string
	Level  catalog.AccessLevel
	Action *catalog.Action
	Line   int
}

// LevelMove counts corrections from one level to another.
type LevelMove struct {
	From, To catalog.AccessLevel
	Count    int
}

// AccessLevelsPath is the page of access-level disagreements.
const AccessLevelsPath = "/access-levels/"

func (b *builder) accessLevelsPage() {
	p := &AccessLevelsPage{Source: catalog.OverrideSource}
	moves := map[[2]catalog.AccessLevel]int{}
	seen := map[*catalog.Action]bool{}
	for _, o := range b.cat.Overrides() {
		a := b.cat.Action(o.Prefix + ":" + o.Action)
		row := OverrideRow{ID: o.Prefix + ":" + o.Action, Level: o.Level, Action: a, Line: o.Line}
		switch {
		case a == nil:
			p.Unknown = append(p.Unknown, row)
		case a.Override == nil:
			p.Agreed = append(p.Agreed, row)
		case !seen[a]:
			seen[a] = true
			p.Disputed = append(p.Disputed, a)
			moves[[2]catalog.AccessLevel{a.AccessLevel, a.Override.Level}]++
		}
	}
	sort.Slice(p.Disputed, func(i, j int) bool { return p.Disputed[i].ID() < p.Disputed[j].ID() })
	for k, n := range moves {
		p.Moves = append(p.Moves, LevelMove{From: k[0], To: k[1], Count: n})
	}
	sort.Slice(p.Moves, func(i, j int) bool {
		if p.Moves[i].Count != p.Moves[j].Count {
			return p.Moves[i].Count > p.Moves[j].Count
		}
		return string(p.Moves[i].From)+string(p.Moves[i].To) < string(p.Moves[j].From)+string(p.Moves[j].To)
	})
	p.Base = b.base(AccessLevelsPath, "Access-level disagreements",
		fmt.Sprintf("%d IAM actions whose official access level %s corrects, and why it matters.", len(p.Disputed), strings.TrimSuffix(catalog.OverrideSource, " access-level overrides")), homeCrumb)
	b.add(accessLevelsKind, p)
}
