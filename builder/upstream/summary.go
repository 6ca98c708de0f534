package upstream

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
)

// Counts are the real changes of a transition, for the summary: actions
// added, removed and changed per access level (an action counts under its
// new level, a removed one under its last), level changes by pair, and
// the differences a change of source made, which are not changes.
type Counts struct {
	Added, Removed, Changed map[catalog.AccessLevel]int
	LevelChanges            map[string]int // "Write → Permissions management"
	Services                [2]int         // added, removed
	ResourceTypes           [3]int         // added, removed, changed
	ConditionKeys           [3]int
	SourceFields            int // fields that differ by the source, not counted as changes
	SourceEntities          int // entities with such a field
}

// CountTransition counts a transition's real changes.
func CountTransition(t history.Transition, levels func(id string) catalog.AccessLevel) Counts {
	c := Counts{Added: map[catalog.AccessLevel]int{}, Removed: map[catalog.AccessLevel]int{}, Changed: map[catalog.AccessLevel]int{}, LevelChanges: map[string]int{}}
	for _, ch := range t.Changes {
		if src := len(ch.SourceFields()); src > 0 {
			c.SourceFields += src
			c.SourceEntities++
		}
		if ch.SourceOnly() {
			continue
		}
		idx := map[history.Kind]int{history.Added: 0, history.Removed: 1, history.Changed: 2}[ch.Kind]
		switch ch.Entity {
		case history.ServiceEntity:
			if ch.Kind != history.Changed {
				c.Services[idx]++
			}
		case history.ResourceTypeEntity:
			c.ResourceTypes[idx]++
		case history.ConditionKeyEntity:
			c.ConditionKeys[idx]++
		case history.ActionEntity:
			switch ch.Kind {
			case history.Added:
				c.Added[ch.Record.AccessLevel]++
			case history.Removed:
				c.Removed[ch.Record.AccessLevel]++
			case history.Changed:
				c.Changed[levels(ch.ID())]++
				for _, f := range ch.RealFields() {
					if f.Field == history.AccessLevelField {
						c.LevelChanges[f.Old+" → "+f.New]++
					}
				}
			}
		}
	}
	return c
}

func n(i int) string {
	s := strconv.Itoa(i)
	for j := len(s) - 3; j > 0 && s[j-1] != '-'; j -= 3 {
		s = s[:j] + "," + s[j:]
	}
	return s
}

func sum(m map[catalog.AccessLevel]int) int {
	t := 0
	for _, v := range m {
		t += v
	}
	return t
}

// Write prints the summary: what each recorded snapshot changed, what the
// policies' update did, and which files change. It reads as the text of a
// pull request too (the scheduled refresh uses it so).
func (s *Summary) Write(w io.Writer) {
	fmt.Fprintf(w, "## Catalog (%s)\n\n", CatalogPackage)
	if len(s.Catalog) == 0 {
		fmt.Fprintf(w, "No new snapshot: %s.\n", s.CatalogNote)
	}
	for _, st := range s.Catalog {
		t, c := st.Transition, st.Counts
		fmt.Fprintf(w, "- **%s** (%s %s): %s → %s actions", t.To.Date, CatalogPackage, st.Version, n(t.From.Actions), n(t.To.Actions))
		fmt.Fprintf(w, "; actions +%s −%s, %s changed", n(sum(c.Added)), n(sum(c.Removed)), n(sum(c.Changed)))
		fmt.Fprintf(w, "; services +%s −%s; resource types +%s −%s ~%s; condition keys +%s −%s ~%s\n",
			n(c.Services[0]), n(c.Services[1]), n(c.ResourceTypes[0]), n(c.ResourceTypes[1]), n(c.ResourceTypes[2]), n(c.ConditionKeys[0]), n(c.ConditionKeys[1]), n(c.ConditionKeys[2]))
		var rows []string
		for _, l := range catalog.AccessLevels {
			if c.Added[l]+c.Removed[l]+c.Changed[l] > 0 {
				rows = append(rows, fmt.Sprintf("%s +%s −%s ~%s", l, n(c.Added[l]), n(c.Removed[l]), n(c.Changed[l])))
			}
		}
		if len(rows) > 0 {
			fmt.Fprintf(w, "  - by access level: %s\n", strings.Join(rows, "; "))
		}
		if len(c.LevelChanges) > 0 {
			var pairs []string
			for p, k := range c.LevelChanges {
				pairs = append(pairs, fmt.Sprintf("%s %d", p, k))
			}
			sort.Strings(pairs)
			fmt.Fprintf(w, "  - access level changed: %s\n", strings.Join(pairs, "; "))
		}
		if t.SourceChange {
			fmt.Fprintf(w, "  - the source changed, from %q to %q: %s of %s differ only by the source and are not counted as changes (listed apart on /changes/)\n", t.From.Source, t.To.Source, plural(c.SourceFields, "field"), plural(c.SourceEntities, "entity"))
		}
	}
	if len(s.Catalog) > 0 && s.CatalogNote != "" {
		fmt.Fprintf(w, "\n%s.\n", upperFirst(s.CatalogNote))
	}
	fmt.Fprintf(w, "\n## Managed policies (%s)\n\n", PoliciesPackage)
	if p := s.Policies; p == nil {
		fmt.Fprintf(w, "Not changed: %s.\n", s.PoliciesNote)
	} else {
		fmt.Fprintf(w, "- %s %s (data of %s): %s policies, %s versions\n", PoliciesPackage, p.Version, p.Date, n(p.Policies), n(p.Versions))
		fmt.Fprintf(w, "- added %s, changed %s (a new default version or document), deprecated %s (no longer in the package: kept as last known, marked; %s marked before)\n", n(len(p.Added)), n(len(p.Changed)), n(len(p.Missing)), n(p.StillMissing))
		fmt.Fprintf(w, "- versions the content did not hold: %s\n", n(p.NewVersions))
		if p.Reformatted > 0 {
			fmt.Fprintf(w, "- %s policies say the same as before but are now written as the package writes them (AWS's member order, single values as given)\n", n(p.Reformatted))
		}
		for _, l := range []struct {
			what  string
			names []string
		}{{"added", p.Added}, {"changed", p.Changed}, {"deprecated", p.Missing}} {
			if len(l.names) > 0 {
				fmt.Fprintf(w, "- %s: %s\n", l.what, list(l.names, 40))
			}
		}
	}
	fmt.Fprintf(w, "\n## Content\n\n")
	written, removed := 0, 0
	byDir := map[string]int{}
	for _, c := range s.Changes {
		if c.Delete {
			removed++
		} else {
			written++
		}
		d, _, _ := strings.Cut(c.Path, "/")
		byDir[d]++
	}
	var dirs []string
	for d, k := range byDir {
		dirs = append(dirs, fmt.Sprintf("%s/ %s", d, n(k)))
	}
	sort.Strings(dirs)
	verb := "written"
	if s.DryRun {
		verb = "to write (dry run: nothing written)"
	}
	if len(s.Changes) == 0 {
		fmt.Fprintln(w, "Nothing changes: the content is up to date.")
		return
	}
	fmt.Fprintf(w, "%s files %s, %s removed (%s).\n", n(written), verb, n(removed), strings.Join(dirs, ", "))
}

func plural(k int, what string) string {
	if k == 1 {
		return "1 " + what
	}
	if strings.HasSuffix(what, "y") {
		return n(k) + " " + strings.TrimSuffix(what, "y") + "ies"
	}
	return n(k) + " " + what + "s"
}

func list(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(" and %d more", len(names)-max)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
