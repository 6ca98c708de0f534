// Package arnfmttest is the tests' independent reading of arnfmt's rule:
// an ARN format as a regular expression, against which the matcher
// (arnfmt) and the engine's ARN lookup (search/query) are checked.
package arnfmttest

import (
	"regexp"
	"strings"
)

// parts is the number of an ARN's colon-separated parts: arn, partition,
// service, region, account, resource (arnfmt.Parts).
const parts = 6

// Vars matches a ${Variable} of a format.
var Vars = regexp.MustCompile(`\$\{[^}]*\}`)

// Regexp is the format as a regular expression: a variable in the first
// five parts is anything but a colon; in the resource, one that ends the
// format takes the rest, any other one segment (no colon, no slash). A
// format of fewer than six parts matches nothing.
func Regexp(format string) *regexp.Regexp {
	ps := strings.SplitN(format, ":", parts)
	if len(ps) < parts {
		return regexp.MustCompile(`[^\s\S]`) // nothing
	}
	var re strings.Builder
	re.WriteString(`^(?s)`)
	for i, part := range ps {
		if i > 0 {
			re.WriteString(":")
		}
		last := 0
		for _, loc := range Vars.FindAllStringIndex(part, -1) {
			re.WriteString(regexp.QuoteMeta(part[last:loc[0]]))
			switch {
			case i < parts-1:
				re.WriteString(`[^:]+`)
			case loc[1] == len(part):
				re.WriteString(`.+`)
			default:
				re.WriteString(`[^:/]+`)
			}
			last = loc[1]
		}
		re.WriteString(regexp.QuoteMeta(part[last:]))
	}
	re.WriteString(`$`)
	return regexp.MustCompile(re.String())
}
