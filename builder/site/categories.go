package site

import "github.com/iamref/iamref/builder/catalog"

// ServiceGroup is one category of services on the home page (the catalog
// source's service categories, catalog.Category), in the source's order;
// services without a category come last, in a group of their own. A
// catalog without categories has one group without a name.
type ServiceGroup struct {
	Key, Name string // "compute", "Compute"; "" for the catalog without categories
	ID        string // "category-compute"
	Rows      []*ServiceRow
	Actions   int
}

// serviceGroups groups the home page's rows by category.
func serviceGroups(c *catalog.Catalog, rows []*ServiceRow) []*ServiceGroup {
	if len(c.Categories) == 0 {
		g := &ServiceGroup{Rows: rows}
		for _, r := range rows {
			g.Actions += len(r.Service.Actions)
		}
		return []*ServiceGroup{g}
	}
	byService := map[*catalog.Service]*ServiceRow{}
	for _, r := range rows {
		byService[r.Service] = r
	}
	var out []*ServiceGroup
	add := func(key, name string, services []*catalog.Service) {
		g := &ServiceGroup{Key: key, Name: name, ID: "category-" + key}
		for _, s := range services {
			if r := byService[s]; r != nil {
				g.Rows = append(g.Rows, r)
				g.Actions += len(s.Actions)
			}
		}
		if len(g.Rows) > 0 {
			out = append(out, g)
		}
	}
	for _, cat := range c.Categories {
		add(cat.Key, cat.Name, cat.Services)
	}
	add("other", "Other services", c.Uncategorised())
	return out
}
