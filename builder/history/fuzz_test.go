package history

import (
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/diag"
)

// FuzzTransitionFile feeds arbitrary bytes to the change-log parser. A file
// it accepts must survive encoding and parsing again unchanged; a file it
// rejects must be rejected with positions inside the file; the loader's
// replay must not panic either way.
func FuzzTransitionFile(f *testing.F) {
	cats := threeCatalogs(f)
	good := historyFS(cats...)
	f.Add(good["history/2025-06.jsonl"].Data)
	f.Add(good["history/2025-09-01.jsonl"].Data)
	f.Add([]byte("{\"from\":\"2025-01-01\",\"to\":\"2025-06\"}\n"))
	f.Add([]byte("{\"from\":\"2025-01-01\",\"to\":\"2025-06\"}\n{\"op\":\"changed\",\"entity\":\"action\",\"service\":\"keep\",\"name\":\"Level\",\"fields\":[{\"field\":\"resource_type\",\"resource\":\"\",\"old\":\"\",\"new\":\"optional\"}]}\n"))
	f.Add([]byte("{\"from\":\"2025-01-01\",\"to\":\"2025-06\"}\n{\"op\":\"removed\",\"entity\":\"service\",\"service\":\"gone\",\"record\":{\"name\":\"\"}}\n"))
	f.Add([]byte("\n\n{"))
	from, to := SnapshotOf(cats[0]), SnapshotOf(cats[1])
	to.Date = "2025-06"
	const name = "history/2025-06.jsonl"
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for k, v := range good {
			fsys[k] = v
		}
		fsys[name] = &fstest.MapFile{Data: data}
		_, _ = Load(fsys) // must not panic

		t1, errs := parseTransition(name, data, from, to)
		if len(errs) > 0 {
			lines := 1
			for _, b := range data {
				if b == '\n' {
					lines++
				}
			}
			for _, e := range errs {
				if e.File != name || e.Line < 0 || e.Line > lines || e.Msg == "" {
					t.Fatalf("error outside the file: %+v (%d lines)", e, lines)
				}
			}
			return
		}
		again := EncodeTransition(t1)
		t2, errs := parseTransition(name, again, from, to)
		if len(errs) > 0 {
			t.Fatalf("re-encoded file does not parse: %v\n%s", errs, again)
		}
		if !reflect.DeepEqual(withoutLines(t1.Changes), withoutLines(t2.Changes)) {
			t.Fatalf("round trip changed the changes:\n%s\n%s\n%s", dump(t1.Changes), dump(t2.Changes), again)
		}
	})
}

// FuzzListingFile feeds arbitrary bytes to the earliest snapshot's parser
// (and so to the replay of the change logs after it): no panic, and every
// problem reported inside the file or at snapshots.yaml.
func FuzzListingFile(f *testing.F) {
	good := historyFS(threeCatalogs(f)...)
	const name = "history/2025-01-01.jsonl"
	f.Add(good[name].Data)
	f.Add([]byte("{\"snapshot\":\"2025-01-01\"}\n{\"service\":\"keep\",\"level\":\"Read\",\"actions\":[\"Same\"]}\n"))
	f.Add([]byte("{\"snapshot\":\"2025-01-01\"}\n{\"service\":\"keep\"}\n{\"service\":\"keep\",\"level\":\"Read\",\"actions\":[1]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for k, v := range good {
			fsys[k] = v
		}
		fsys[name] = &fstest.MapFile{Data: data}
		h, err := Load(fsys)
		if err == nil {
			if h.Earliest().Date != "2025-01-01" || len(h.Counts("")) != 3 {
				t.Fatalf("loaded a history of %d snapshots", len(h.Counts("")))
			}
			return
		}
		for _, e := range err.(diag.List) {
			if e.File != name && e.File != SnapshotsFile && e.File != "history/2025-06.jsonl" && e.File != "history/2025-09-01.jsonl" {
				t.Fatalf("error in an unexpected file: %v", e)
			}
		}
	})
}
