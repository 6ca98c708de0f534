package site

import "github.com/iamref/iamref/builder/catalog"

// The global condition keys on /conditions/: listed first, in the order
// of their list (grouped by category), with how many managed policies
// test each.

// GlobalKeyRow is one global key of /conditions/.
type GlobalKeyRow struct {
	Key        *catalog.KeyUsage
	Policies   int // managed policies that test it
	Statements int
}

// globalKeyRows are the global keys' rows, in the list's order.
func (b *builder) globalKeyRows() []GlobalKeyRow {
	usage := map[*catalog.GlobalConditionKey]*catalog.KeyUsage{}
	for _, k := range b.cat.ConditionKeys() {
		if k.Global != nil && usage[k.Global] == nil {
			usage[k.Global] = k
		}
	}
	var rows []GlobalKeyRow
	for _, g := range b.cat.GlobalConditionKeys() {
		k := usage[g]
		if k == nil {
			continue
		}
		row := GlobalKeyRow{Key: k}
		for _, u := range b.keyUsesOf(k) {
			row.Policies++
			row.Statements += u.Statements
		}
		rows = append(rows, row)
	}
	return rows
}

// Multi reports whether the key holds a set of values.
func (r GlobalKeyRow) Multi() bool { return r.Key.Global.MultiValued() }
