package site

import (
	"bytes"
	"encoding/json"

	"github.com/iamref/iamref/builder/catalog"
)

// The JSON of /api/catalog/<prefix>.json. The shape is documented in
// docs/api.md and versioned by Schema: fields are only ever added within a
// schema version.
type serviceDoc struct {
	Schema           string `json:"schema"`
	Prefix           string `json:"prefix"`
	Name             string `json:"name"`
	URL              string `json:"url"`
	AuthorizationURL string `json:"authorization_url,omitempty"`
	// AuthorizationURLSource is set when the URL is kept from an earlier
	// snapshot (catalog.Kept), as the *_source fields of actions.
	AuthorizationURLSource *provenanceDoc `json:"authorization_url_source,omitempty"`
	Snapshot               snapshotDoc    `json:"snapshot"`
	Actions                []actionDoc    `json:"actions"`
	ResourceTypes          []resourceDoc  `json:"resource_types"`
	ConditionKeys          []keyDoc       `json:"condition_keys"`
}

type snapshotDoc struct {
	Date string `json:"date"`
	Hash string `json:"hash"`
}

type actionDoc struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	URL              string         `json:"url"`
	Description      string         `json:"description"`
	AccessLevel      string         `json:"access_level"`
	Override         *overrideDoc   `json:"access_level_override,omitempty"`
	APIDocURL        string         `json:"api_documentation_url,omitempty"`
	APIDocSource     *provenanceDoc `json:"api_documentation_url_source,omitempty"`
	ResourceTypes    []actionResDoc `json:"resource_types"`
	ConditionKeys    []string       `json:"condition_keys"`
	DependentActions []string       `json:"dependent_actions"`
	// DependentSource says where the dependent actions come from when the
	// catalog's current source lacks them: the snapshot that listed them.
	DependentSource *provenanceDoc `json:"dependent_actions_source,omitempty"`
}

// provenanceDoc is a kept fact's snapshot and that snapshot's source.
type provenanceDoc struct {
	Snapshot string `json:"snapshot"`
	Source   string `json:"source"`
}

func provenance(p *catalog.Provenance) *provenanceDoc {
	if p == nil {
		return nil
	}
	return &provenanceDoc{Snapshot: p.Snapshot, Source: p.Source}
}

type overrideDoc struct {
	Level  string `json:"level"`
	Source string `json:"source"`
}

type actionResDoc struct {
	Name             string   `json:"name"`
	Required         bool     `json:"required"`
	ARN              string   `json:"arn,omitempty"`
	Defined          bool     `json:"defined"`
	ConditionKeys    []string `json:"condition_keys"`
	DependentActions []string `json:"dependent_actions"`
}

type resourceDoc struct {
	Name          string   `json:"name"`
	URL           string   `json:"url"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"condition_keys"`
}

type keyDoc struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Type        string `json:"type"`
	Description string `json:"description"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (b *builder) serviceJSON(s *catalog.Service) []byte {
	d := serviceDoc{
		Schema: "iamref.catalog.v1", Prefix: s.Prefix, Name: s.Name, URL: ServicePath(s.Prefix),
		AuthorizationURL: s.AuthorizationURL, AuthorizationURLSource: provenance(s.AuthorizationURLFrom),
		Snapshot: snapshotDoc{Date: b.cat.Snapshot.Date, Hash: b.cat.Snapshot.Hash},
		Actions:  []actionDoc{}, ResourceTypes: []resourceDoc{}, ConditionKeys: []keyDoc{},
	}
	for _, a := range s.Actions {
		ad := actionDoc{ID: a.ID(), Name: a.Name, URL: ActionPath(a), Description: a.Description, AccessLevel: string(a.AccessLevel),
			APIDocURL: a.APIDocURL, APIDocSource: provenance(a.APIDocFrom), ResourceTypes: []actionResDoc{}, ConditionKeys: nonNil(a.ConditionKeys()), DependentActions: nonNil(a.DependentActions()),
			DependentSource: provenance(a.DependentActionsFrom())}
		if a.Override != nil {
			ad.Override = &overrideDoc{Level: string(a.Override.Level), Source: a.Override.Source}
		}
		for _, r := range a.ResourceTypes {
			rd := actionResDoc{Name: r.Name, Required: r.Required, Defined: r.Type != nil || r.Name == "", ConditionKeys: nonNil(r.ConditionKeys), DependentActions: nonNil(r.DependentActions)}
			if r.Type != nil {
				rd.ARN = r.Type.ARN
			}
			ad.ResourceTypes = append(ad.ResourceTypes, rd)
		}
		d.Actions = append(d.Actions, ad)
	}
	for _, rt := range s.ResourceTypes {
		d.ResourceTypes = append(d.ResourceTypes, resourceDoc{Name: rt.Name, URL: ResourcePath(rt), ARN: rt.ARN, ConditionKeys: nonNil(rt.ConditionKeys)})
	}
	for _, k := range s.ConditionKeys {
		d.ConditionKeys = append(d.ConditionKeys, keyDoc{Name: k.Name, URL: ConditionKeyPath(k.Name), Type: k.Type, Description: k.Description})
	}
	return marshalJSON(d)
}

// marshalJSON is indented, HTML-unescaped JSON with a final newline.
func marshalJSON(v any) []byte { return encodeJSON(v, " ") }

// encodeJSON is v as encoding/json writes it without HTML escaping,
// indented by indent ("" for compact), with the newline Encoder adds.
func encodeJSON(v any, indent string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		panic(err) // only plain structs reach here
	}
	return buf.Bytes()
}
