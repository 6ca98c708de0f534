package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/iamref/iamref/builder/catalog"
)

// Dir is the directory of the history inside the content directory.
const Dir = "history"

// SnapshotsFile is the list of snapshots inside the content directory.
const SnapshotsFile = Dir + "/snapshots.yaml"

// FileName is the content path of the .jsonl file of the snapshot of date.
func FileName(date string) string { return Dir + "/" + date + ".jsonl" }

// ValidDate reports whether s is YYYY-MM-DD or YYYY-MM, a real date.
func ValidDate(s string) bool {
	layout := "2006-01-02"
	if len(s) == len("2006-01") {
		layout = "2006-01"
	}
	t, err := time.Parse(layout, s)
	return err == nil && t.Format(layout) == s
}

// Label is the display form of a date: "12 November 2024", or "May 2025"
// for a month; the date itself when it is not valid.
func Label(date string) string {
	if !ValidDate(date) {
		return date
	}
	if len(date) == len("2006-01") {
		t, _ := time.Parse("2006-01", date)
		return t.Format("January 2006")
	}
	t, _ := time.Parse("2006-01-02", date)
	return t.Format("2 January 2006")
}

// The wire forms of the .jsonl lines. Field order is the order on disk.
type (
	wireChange struct {
		Op      Kind        `json:"op"`
		Entity  Entity      `json:"entity"`
		Service string      `json:"service"`
		Name    string      `json:"name,omitempty"`
		Fields  []wireField `json:"fields,omitempty"`
		Record  *wireRecord `json:"record,omitempty"`
	}
	wireField struct {
		Field    Field    `json:"field"`
		Resource *string  `json:"resource,omitempty"`
		Old      *string  `json:"old,omitempty"`
		New      *string  `json:"new,omitempty"`
		Added    []string `json:"added,omitempty"`
		Removed  []string `json:"removed,omitempty"`
		Source   bool     `json:"source,omitempty"`
	}
	wireRecord struct {
		Name          *string             `json:"name,omitempty"`
		Description   *string             `json:"description,omitempty"`
		AccessLevel   catalog.AccessLevel `json:"access_level,omitempty"`
		ResourceTypes *[]wireRow          `json:"resource_types,omitempty"`
		ARN           *string             `json:"arn,omitempty"`
		ConditionKeys []string            `json:"condition_keys,omitempty"`
		Type          *string             `json:"type,omitempty"`
	}
	wireRow struct {
		Name             string   `json:"name"`
		Required         bool     `json:"required"`
		ConditionKeys    []string `json:"condition_keys,omitempty"`
		DependentActions []string `json:"dependent_actions,omitempty"`
	}
	wireService struct {
		Service    string   `json:"service"`
		Resources  []string `json:"resource_types,omitempty"`
		Conditions []string `json:"condition_keys,omitempty"`
	}
	wireLevel struct {
		Service string              `json:"service"`
		Level   catalog.AccessLevel `json:"level"`
		Actions []string            `json:"actions"`
	}
)

func writeLine(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only strings, bools, slices and maps of strings are encoded: this cannot fail.
		panic(err)
	}
}

// EncodeTransition is the .jsonl file of a transition: a header line, then
// one change a line.
func EncodeTransition(t Transition) []byte {
	var b bytes.Buffer
	writeLine(&b, struct {
		From         string `json:"from"`
		To           string `json:"to"`
		SourceChange bool   `json:"source_change,omitempty"`
	}{t.From.Date, t.To.Date, t.SourceChange})
	for _, c := range t.Changes {
		writeLine(&b, toWire(c))
	}
	return b.Bytes()
}

func ptr(s string) *string { return &s }

func toWire(c Change) wireChange {
	w := wireChange{Op: c.Kind, Entity: c.Entity, Service: c.Service, Name: c.Name}
	for _, f := range c.Fields {
		wf := wireField{Field: f.Field, Added: f.Added, Removed: f.Removed, Source: f.Source}
		if f.Row {
			wf.Resource = ptr(f.Resource)
		}
		if f.Added == nil && f.Removed == nil {
			wf.Old, wf.New = ptr(f.Old), ptr(f.New)
		}
		w.Fields = append(w.Fields, wf)
	}
	if r := c.Record; r != nil {
		// Exactly the keys the loader requires or allows for the entity and kind.
		wr := &wireRecord{}
		switch c.Entity {
		case ServiceEntity:
			wr.Name = ptr(r.Name)
		case ActionEntity:
			wr.AccessLevel = r.AccessLevel
			if c.Kind == Removed {
				wr.Description = ptr(r.Description)
				rows := []wireRow{}
				for _, row := range r.ResourceTypes {
					rows = append(rows, wireRow(row))
				}
				wr.ResourceTypes = &rows
			}
		case ResourceTypeEntity:
			wr.ARN = ptr(r.ARN)
			if c.Kind == Removed {
				wr.ConditionKeys = r.ConditionKeys
			}
		case ConditionKeyEntity:
			wr.Type = ptr(r.Type)
			if c.Kind == Removed {
				wr.Description = ptr(r.Description)
			}
		}
		w.Record = wr
	}
	return w
}

// listingChunk is the most action names a listing line holds: short lines
// keep diffs readable and parsing linear (jsonpos counts columns from the
// start of the line).
const listingChunk = 40

// EncodeListing is the .jsonl file of the earliest snapshot: a header line,
// then for each service a line with its resource types and condition keys,
// followed by lines with the names of its actions at one access level, at
// most listingChunk names a line.
func EncodeListing(c *catalog.Catalog) []byte {
	var b bytes.Buffer
	writeLine(&b, struct {
		Snapshot string `json:"snapshot"`
	}{c.Snapshot.Date})
	for _, s := range c.Services {
		l := wireService{Service: s.Prefix}
		for _, r := range s.ResourceTypes {
			l.Resources = append(l.Resources, r.Name)
		}
		for _, k := range s.ConditionKeys {
			l.Conditions = append(l.Conditions, k.Name)
		}
		writeLine(&b, l)
		byLevel := map[catalog.AccessLevel][]string{}
		for _, a := range s.Actions {
			byLevel[a.AccessLevel] = append(byLevel[a.AccessLevel], a.Name)
		}
		for _, lvl := range catalog.AccessLevels {
			for names := byLevel[lvl]; len(names) > 0; {
				n := min(len(names), listingChunk)
				writeLine(&b, wireLevel{Service: s.Prefix, Level: lvl, Actions: names[:n]})
				names = names[n:]
			}
		}
	}
	return b.Bytes()
}

// EncodeSnapshots is snapshots.yaml for the list of snapshots, oldest first.
func EncodeSnapshots(snaps []Snapshot) []byte {
	var b strings.Builder
	b.WriteString("# The catalog snapshots of the history, oldest first. Written by cmd/snapshot; see README.md.\n")
	q := func(s string) string {
		// A JSON string is a YAML double-quoted scalar.
		var j bytes.Buffer
		writeLine(&j, s)
		return strings.TrimSuffix(j.String(), "\n")
	}
	for _, s := range snaps {
		fmt.Fprintf(&b, "- date: %s\n  label: %s\n  source: %s\n  actions: %s\n  hash: %s\n",
			q(s.Date), q(s.Label), q(s.Source), strconv.Itoa(s.Actions), q(s.Hash))
	}
	return []byte(b.String())
}
