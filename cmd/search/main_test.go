package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/search"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	idx, err := search.Build([]search.Document{
		{Kind: "action", ID: "chime:CreateMeeting", Title: "CreateMeeting", URL: "/chime/CreateMeeting/", Service: "chime", AccessLevel: "Write", Description: "Grants permission to create a meeting"},
		{Kind: "action", ID: "chime:GetMeeting", Title: "GetMeeting", URL: "/chime/GetMeeting/", Service: "chime", AccessLevel: "Read", Description: "Grants permission to get a meeting"},
	}, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	names := search.HashName("search-", ".idx", idx.Names())
	descs := search.HashName("search-desc-", ".idx", idx.Descriptions())
	manifest, err := json.Marshal(search.Manifest{Index: names, Descriptions: descs})
	if err != nil {
		t.Fatal(err)
	}
	for file, data := range map[string][]byte{names: idx.Names(), descs: idx.Descriptions(), search.ManifestName: manifest} {
		if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-index", dir, "create", "meeting"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 JSON lines, got %q", out.String())
	}
	var first struct {
		ID, Kind, Title, URL string
		Score                float64
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.ID != "chime:CreateMeeting" || first.Kind != "action" || first.URL != "/chime/CreateMeeting/" || first.Score <= 0 {
		t.Errorf("first result %+v", first)
	}

	if err := run(context.Background(), []string{"-index", t.TempDir(), "x"}, &out, &errOut); err == nil {
		t.Error("run without a manifest succeeded")
	}
	if err := run(context.Background(), []string{"-index", dir}, &out, &errOut); err == nil {
		t.Error("run without a query succeeded")
	}
}
