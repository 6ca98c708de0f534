package history

import (
	"encoding/json"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
)

// Tiny catalogs for tests, written in Policy Sentry's schema and read by
// catalog.Load, so the diff sees exactly what the site sees.

type tRow struct {
	name       string
	required   bool
	keys, deps []string
}

type tAction struct {
	name, desc, level string
	rows              []tRow
}

type tResource struct {
	name, arn string
	keys      []string
}

type tKey struct{ name, desc, typ string }

type tService struct {
	prefix, name string
	actions      []tAction
	resources    []tResource
	keys         []tKey
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s tService) json() map[string]any {
	priv := map[string]any{}
	for _, a := range s.actions {
		rows := map[string]any{}
		for _, r := range a.rows {
			rows[r.name] = map[string]any{"resource_type": r.name, "required": r.required, "condition_keys": orEmpty(r.keys), "dependent_actions": orEmpty(r.deps)}
		}
		priv[a.name] = map[string]any{"privilege": a.name, "description": a.desc, "access_level": a.level, "resource_types": rows}
	}
	res := map[string]any{}
	for _, r := range s.resources {
		res[r.name] = map[string]any{"resource": r.name, "arn": r.arn, "condition_keys": orEmpty(r.keys)}
	}
	conds := map[string]any{}
	for _, k := range s.keys {
		conds[k.name] = map[string]any{"condition": k.name, "description": k.desc, "type": k.typ}
	}
	return map[string]any{"service_name": s.name, "prefix": s.prefix, "privileges": priv, "resources": res, "conditions": conds}
}

// definition is an iam-definition.json document of the services.
func definition(t testing.TB, services ...tService) []byte {
	doc := map[string]any{}
	for _, s := range services {
		doc[s.prefix] = s.json()
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// load builds a catalog of the services dated date, through catalog.Load.
func load(t testing.TB, date string, services ...tService) *catalog.Catalog {
	t.Helper()
	fsys := fstest.MapFS{
		"catalog/snapshot.yaml": {Data: []byte("date: \"" + date + "\"\nsource: test\n")},
	}
	for _, s := range services { // one service a file, as the catalog wants
		fsys["catalog/"+s.prefix+".json"] = &fstest.MapFile{Data: definition(t, s)}
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// historyFS writes the history of catalogs, oldest first, as cmd/snapshot -init does.
func historyFS(cats ...*catalog.Catalog) fstest.MapFS {
	fsys := fstest.MapFS{}
	var snaps []Snapshot
	for i, c := range cats {
		if i == 0 {
			fsys[FileName(c.Snapshot.Date)] = &fstest.MapFile{Data: EncodeListing(c)}
		} else {
			fsys[FileName(c.Snapshot.Date)] = &fstest.MapFile{Data: EncodeTransition(Diff(cats[i-1], c))}
		}
		snaps = append(snaps, SnapshotOf(c))
	}
	fsys[SnapshotsFile] = &fstest.MapFile{Data: EncodeSnapshots(snaps)}
	return fsys
}
