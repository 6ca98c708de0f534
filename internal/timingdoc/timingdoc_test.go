package timingdoc

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDocument: a policy document of 10 to 11 kB, valid JSON, whose
// statements name the given actions in order, six each, a third with a
// condition; and a valid one for no actions.
func TestDocument(t *testing.T) {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = "svc:Action" + strings.Repeat("x", i%7)
	}
	doc := Document(ids)
	if n := len(doc); n < 10000 || n > 11000 {
		t.Errorf("%d bytes, want about 10 kB", n)
	}
	var p struct {
		Statement []struct {
			Action    []string
			Condition map[string]any
		}
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	conds := 0
	for i, st := range p.Statement {
		start := (i * 37) % len(ids)
		if want := ids[start:min(start+6, len(ids))]; strings.Join(st.Action, " ") != strings.Join(want, " ") {
			t.Errorf("statement %d: actions %v, want %v", i, st.Action, want)
		}
		if st.Condition != nil {
			conds++
		}
	}
	if want := (len(p.Statement) + 2) / 3; conds != want {
		t.Errorf("%d of %d statements with a condition, want %d", conds, len(p.Statement), want)
	}
	if err := json.Unmarshal([]byte(Document(nil)), &p); err != nil || len(p.Statement) != 0 {
		t.Errorf("no actions: %v, %d statements", err, len(p.Statement))
	}
}
