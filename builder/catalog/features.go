package catalog

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/yamlpos"
	"github.com/iamref/iamref/internal/safeurl"
)

// FeatureNames are the IAM features a service page reports, in display order,
// with their titles (the headings of AWS's "How <service> works with IAM" pages).
var FeatureNames = []struct{ Key, Title string }{
	{"identity_based_policies", "Identity-based policies"},
	{"resource_level_permissions", "Resource-level permissions"},
	{"service_condition_keys", "Service-specific condition keys"},
	{"resource_based_policies", "Resource-based policies"},
	{"tag_based_authorization", "Authorization based on tags"},
	{"temporary_credentials", "Temporary credentials"},
	{"service_linked_roles", "Service-linked roles"},
	{"service_roles", "Service roles"},
}

func readFeatures(file string, src []byte, c *Catalog) diag.List {
	var doc struct {
		Service  string `yaml:"service"`
		Source   Link   `yaml:"source"`
		Features map[string]struct {
			Supported *bool  `yaml:"supported"`
			Note      string `yaml:"note"`
		} `yaml:"features"`
	}
	root, errs := decodeYAML(file, src, &doc)
	if errs != nil {
		return errs
	}
	// at is the place of a node, the file's first line without one.
	at := func(n *yaml.Node, format string, args ...any) {
		line, col := 1, 1
		if n != nil {
			line, col = n.Line, n.Column
		}
		errs.Add(file, line, col, format, args...)
	}
	svcNode, featNode := yamlpos.Key(root, "service"), yamlpos.Key(root, "features")
	want := strings.TrimSuffix(file[strings.LastIndex(file, "/")+1:], ".yaml")
	if doc.Service != want {
		at(svcNode, "service %q does not match the file name (want %q)", doc.Service, want)
	}
	if u := yamlpos.Key(yamlpos.Key(root, "source"), "url"); u != nil {
		if scheme := safeurl.Check(u.Value, "http", "https"); scheme != "" {
			at(u, "source.url: a %s: URL; only http and https links are allowed", scheme)
		}
	}
	s := c.Service(doc.Service)
	if s == nil {
		if !c.Broken(doc.Service) {
			at(svcNode, "service %q is not in the catalog", doc.Service)
		}
		return errs
	}
	f := &Features{Source: doc.Source}
	for _, fn := range FeatureNames {
		e, ok := doc.Features[fn.Key]
		if !ok {
			at(featNode, "feature %q is missing", fn.Key)
			continue
		}
		if e.Supported == nil {
			at(yamlpos.Key(featNode, fn.Key), "feature %q: supported must be true or false", fn.Key)
			continue
		}
		f.Entries = append(f.Entries, Feature{Key: fn.Key, Title: fn.Title, Supported: *e.Supported, Note: e.Note})
	}
	if featNode != nil && featNode.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(featNode.Content); i += 2 {
			k := featNode.Content[i]
			known := false
			for _, fn := range FeatureNames {
				known = known || fn.Key == k.Value
			}
			if !known {
				at(k, "unknown feature %q", k.Value)
			}
		}
	}
	if len(errs) == 0 {
		s.Features = f
	}
	return errs
}

// DerivedFeatures is what the catalog itself tells about a service's IAM
// support, for services whose documentation facts are not in the content.
type DerivedFeatures struct {
	ResourceTypes        int  // resource types the service defines
	ServiceConditionKeys int  // condition keys of the service's own prefix
	TagConditionKeys     bool // any aws:RequestTag, aws:ResourceTag or aws:TagKeys key
}

// Derive computes DerivedFeatures from the catalog.
func (s *Service) Derive() DerivedFeatures {
	var d DerivedFeatures
	d.ResourceTypes = len(s.ResourceTypes)
	tag := func(k string) bool {
		return strings.HasPrefix(k, "aws:RequestTag/") || strings.HasPrefix(k, "aws:ResourceTag/") || k == "aws:TagKeys"
	}
	for _, k := range s.ConditionKeys {
		if strings.HasPrefix(strings.ToLower(k.Name), strings.ToLower(s.Prefix)+":") {
			d.ServiceConditionKeys++
		}
		d.TagConditionKeys = d.TagConditionKeys || tag(k.Name)
	}
	for _, a := range s.Actions {
		for _, k := range a.ConditionKeys() {
			d.TagConditionKeys = d.TagConditionKeys || tag(k)
		}
	}
	return d
}
