// Package history is the catalog's past: the snapshots iamref has seen, what
// changed between each two of them, and the queries the site's history pages
// ask (when an action first appeared, what happened to it since, which actions
// AWS removed, how a service grew).
//
// It depends on package catalog, never the reverse.
//
// # Content layout
//
// Load reads a content directory (an fs.FS) holding:
//
//	history/snapshots.yaml     the snapshots, oldest first: date, label, source, actions, hash.
//	history/<date>.jsonl       one file per snapshot, named by its date, one JSON object a line.
//	                           The earliest snapshot's file lists it: per service a line
//	                           {"service","resource_types","condition_keys"}, then lines
//	                           {"service","level","actions"} of at most 40 action names;
//	                           every later file holds the changes from the snapshot
//	                           before it, one change a line.
//	history/README.md          how to add a snapshot (ignored by Load).
//
// The first line of every .jsonl file is a header: {"snapshot":"<date>"} for
// the earliest, {"from":"<date>","to":"<date>"} for a transition. A change line is
//
//	{"op":"added|removed|changed","entity":"service|action|resource_type|condition_key",
//	 "service":"<prefix>","name":"<name>","fields":[...],"record":{...}}
//
// where fields lists what changed (see FieldChange) and record is what the
// entity was when it was removed (see Record), or the little an added entity
// needs (its access level, ARN, type or service name).
//
// A transition at a change of source has the header
// {"from","to","source_change":true}, and its fields that differ only
// because the two sources describe the same thing differently carry
// "source":true (MarkSourceChange): pages show them apart and do not count
// them.
//
// The full earliest catalog is not kept: its listing suffices to say
// "first seen: before <date>" and to count actions per access level.
//
// # Dates
//
// A snapshot's date is YYYY-MM-DD, or YYYY-MM when only the month of the
// snapshot is known. Dates sort as strings.
//
// # Consistency
//
// Load replays the history: every change must apply (no action added twice,
// none removed or changed that is absent, an access-level change must start
// from the level the history says the action had), and the replayed action
// count of every snapshot must equal the count snapshots.yaml states.
// History.Check compares the end of the history with the current catalog.
package history
