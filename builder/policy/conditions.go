package policy

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamref/iamref/builder/catalog"
)

// The checks of a statement's conditions against the catalog: does the
// key exist, do the statement's actions support it, does the operator fit
// its type and the values the operator, are set operators where they
// belong. Where the catalog cannot tell (a key of a federation provider, a
// key without a type), they say nothing.

// conditions checks the statement's conditions. known: every action
// pattern of the statement matches a catalog action, so that the
// statement's actions are all the catalog's (c.cov).
func (c *checker) conditions(st *Statement, known bool) {
	for _, cd := range st.Conditions {
		op, ok := ParseOperator(cd.Operator)
		if !ok {
			continue // an error already
		}
		c.conditionValues(cd, op)
		key := cd.Key
		global := c.e.cat.GlobalConditionKey(key)
		usages := c.e.keys.usages(key)
		if global == nil && len(usages) == 0 {
			if federationKey(key) {
				continue
			}
			f := Finding{Code: CodeUnknownConditionKey, Severity: Warning, Line: cd.Line, Col: cd.Col}
			f.Suggestions = c.e.suggestKey(key)
			pfx, _, _ := strings.Cut(key, ":")
			switch {
			case c.e.cat.Service(pfx) == nil && !strings.EqualFold(pfx, "aws"):
				f.Message = fmt.Sprintf("condition key %q: the catalog has no service prefix %q", key, pfx)
			case strings.EqualFold(pfx, "aws"):
				f.Message = fmt.Sprintf("condition key %q is not a global condition key", key)
			default:
				f.Message = fmt.Sprintf("condition key %q is not a condition key of %s in the catalog", key, pfx)
			}
			if len(f.Suggestions) > 0 {
				f.Message += "; did you mean " + strings.Join(f.Suggestions, " or ") + "?"
			}
			if snap := c.e.cat.Snapshot.Date; snap != "" && !strings.EqualFold(pfx, "aws") {
				f.Message += " (catalog of " + snap + ")"
			}
			c.add(f)
			continue
		}
		types := keyTypes(global, usages)
		c.operatorType(cd, op, types)
		c.setOperator(cd, op, types)
		if known && (global == nil || tagKey(global)) {
			c.keyForActions(st, cd, op, usages)
		}
	}
}

// federationKey reports whether a key belongs to an identity provider
// (accounts.google.com:aud, cognito-identity.amazonaws.com:amr,
// token.actions.githubusercontent.com:sub, saml:aud): keys of trust
// policies that no service table lists.
func federationKey(key string) bool {
	pfx, _, ok := strings.Cut(key, ":")
	return ok && (strings.ContainsAny(pfx, "./") || strings.EqualFold(pfx, "saml"))
}

// tagKey reports whether a global key is present only for the actions
// that support tags: the catalog lists which.
func tagKey(g *catalog.GlobalConditionKey) bool {
	switch strings.ToLower(g.Name) {
	case "aws:requesttag/${tagkey}", "aws:resourcetag/${tagkey}", "aws:tagkeys":
		return true
	}
	return false
}

// keyTypes are the types the catalog gives a key, distinct, in order.
func keyTypes(global *catalog.GlobalConditionKey, usages []*catalog.KeyUsage) []string {
	var out []string
	addType := func(t string) {
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if global != nil {
		addType(global.Type)
	}
	for _, u := range usages {
		if u.Global != nil {
			addType(u.Global.Type)
		}
		for _, d := range u.Definitions {
			addType(d.Type)
		}
	}
	return out
}

// keyForActions reports a key none of the statement's actions supports.
func (c *checker) keyForActions(st *Statement, cd Condition, op Operator, usages []*catalog.KeyUsage) {
	listed := false
	for _, u := range usages {
		if len(u.Actions) == 0 && len(u.ResourceTypes) == 0 {
			continue
		}
		listed = true
		if c.e.supporters(u).intersects(c.cov) {
			return
		}
	}
	if !listed {
		return // defined, but the catalog does not say for which actions
	}
	sev, tail := Warning, ""
	switch {
	case op.Base == "Null":
		sev, tail = Info, ": the key is always absent, so the Null test always finds it null"
	case op.IfExists:
		sev, tail = Info, ": the key is always absent, so ...IfExists always holds"
	case st.Effect == Allow:
		tail = ": the key is never in the request, so the condition never holds and the statement allows nothing"
	default:
		tail = ": the key is never in the request, so the condition never holds and the statement denies nothing"
	}
	what := "the statement's actions"
	if n := c.cov.count(); n == 1 {
		for i := range c.e.x.actions {
			if c.cov.has(int32(i)) {
				what = c.e.x.actions[i].ID()
				break
			}
		}
	} else if st.HasAction && len(st.Action) == 1 {
		what = fmt.Sprintf("the %d actions %s matches", n, st.Action[0].Text)
	}
	c.add(Finding{Code: CodeConditionKeyNotForAction, Severity: sev, Line: cd.Line, Col: cd.Col,
		Message: fmt.Sprintf("condition key %s is not supported by %s or their resource types, as the catalog lists them%s", cd.Key, what, tail)})
}

// operatorType checks that the operator compares the key's type.
func (c *checker) operatorType(cd Condition, op Operator, types []string) {
	cat := op.Category()
	if cat == "Null" || len(types) == 0 {
		return
	}
	best := Warning
	for _, t := range types {
		switch fit := operatorFits(cat, strings.TrimPrefix(t, "ArrayOf"), cd.Key); {
		case fit == "":
			return
		case fit == Info:
			best = Info
		}
	}
	base := make([]string, len(types))
	for i, t := range types {
		base[i] = strings.TrimPrefix(t, "ArrayOf")
	}
	msg := fmt.Sprintf("%s compares %s values, but %s is of type %s", op.Base, strings.ToLower(cat), cd.Key, strings.Join(base, " or "))
	if best == Info {
		msg += ": it compares the values as text, which works but is not the key's own operator"
	}
	if ops := operatorsOf(base[0]); len(ops) > 0 {
		msg += "; use " + strings.Join(ops, " or ")
	}
	c.add(Finding{Code: CodeConditionOperatorType, Severity: best, Line: cd.Line, Col: cd.Col, Message: msg})
}

// operatorFits says whether an operator category compares a key type: ""
// when it does, Info when it works as text, Warning when it does not.
func operatorFits(cat, typ, key string) Severity {
	switch {
	case cat == typ:
		return ""
	case cat == "String" && typ == "ARN", cat == "ARN" && typ == "String":
		return "" // ARNs are strings; many String keys hold ARNs
	case cat == "Numeric" && strings.EqualFold(key, "aws:EpochTime"):
		return "" // seconds since 1970, also a number
	case cat == "String":
		return Info
	}
	return Warning
}

// operatorsOf are the operators of a key type, for a suggestion.
func operatorsOf(typ string) []string {
	switch typ {
	case "String":
		return []string{"StringEquals", "StringLike"}
	case "ARN":
		return []string{"ArnEquals", "ArnLike"}
	case "Numeric":
		return []string{"NumericEquals", "NumericLessThan", "…"}
	case "Date":
		return []string{"DateGreaterThan", "DateLessThan", "…"}
	case "Bool":
		return []string{"Bool"}
	case "IPAddress":
		return []string{"IpAddress", "NotIpAddress"}
	case "Binary":
		return []string{"BinaryEquals"}
	}
	return nil
}

// setOperator checks ForAnyValue:/ForAllValues: against whether the key
// holds one value or several.
func (c *checker) setOperator(cd Condition, op Operator, types []string) {
	if len(types) == 0 || op.Base == "Null" {
		return
	}
	multi := slices.ContainsFunc(types, func(t string) bool { return strings.HasPrefix(t, "ArrayOf") })
	single := !slices.ContainsFunc(types, func(t string) bool { return strings.HasPrefix(t, "ArrayOf") })
	switch {
	case op.Qualifier == "ForAllValues" && single:
		c.add(Finding{Code: CodeSetOperatorOnSingleValued, Severity: Warning, Line: cd.Line, Col: cd.Col,
			Message: fmt.Sprintf("ForAllValues: on %s, which holds a single value: the condition also holds when the request lacks the key; use %s alone", cd.Key, strings.TrimPrefix(cd.Operator, "ForAllValues:"))})
	case op.Qualifier == "ForAnyValue" && single:
		c.add(Finding{Code: CodeSetOperatorOnSingleValued, Severity: Info, Line: cd.Line, Col: cd.Col,
			Message: fmt.Sprintf("ForAnyValue: on %s, which holds a single value, works like %s alone; write that", cd.Key, strings.TrimPrefix(cd.Operator, "ForAnyValue:"))})
	case op.Qualifier == "" && multi && !single:
		c.add(Finding{Code: CodeMissingSetOperator, Severity: Warning, Line: cd.Line, Col: cd.Col,
			Message: fmt.Sprintf("%s holds a set of values: say how to compare them, ForAnyValue:%s (at least one matches) or ForAllValues:%s (every one matches)", cd.Key, cd.Operator, cd.Operator)})
	}
}

// conditionValues checks that each value is what the operator compares.
func (c *checker) conditionValues(cd Condition, op Operator) {
	cat := op.Category()
	for _, v := range cd.Values {
		if strings.Contains(v, "${") {
			continue // a policy variable: known only at request time
		}
		want := ""
		switch cat {
		case "Numeric":
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				want = "a number"
			}
		case "Date":
			if !validDate(v) {
				want = "a date (2006-01-02, 2006-01-02T15:04:05Z) or seconds since 1970"
			}
		case "Bool", "Null":
			if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
				want = `"true" or "false"`
			}
		case "IPAddress":
			if _, err := netip.ParsePrefix(v); err != nil {
				if _, err := netip.ParseAddr(v); err != nil {
					want = "an IP address or a CIDR range (203.0.113.0/24, 2001:db8::/32)"
				}
			}
		case "Binary":
			if _, err := base64.StdEncoding.DecodeString(v); err != nil {
				want = "base64"
			}
		}
		if want != "" {
			c.add(Finding{Code: CodeInvalidConditionValue, Severity: Warning, Line: cd.Line, Col: cd.Col,
				Message: fmt.Sprintf("%s value %q of %s is not %s: the condition never holds for it", op.Base, v, cd.Key, want)})
		}
	}
}

var dateLayouts = []string{"2006-01-02", time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04"}

// validDate accepts what IAM's Date operators compare: ISO 8601 dates and
// times, or an epoch time in seconds.
func validDate(v string) bool {
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return true
	}
	for _, l := range dateLayouts {
		if _, err := time.Parse(l, v); err == nil {
			return true
		}
	}
	return false
}

// suggestKey offers condition keys near one the catalog lacks: global
// keys and the keys of the same prefix, by edit distance, and the
// template a key without its tag part stands for (aws:RequestTag →
// aws:RequestTag/${TagKey}).
func (e *Engine) suggestKey(key string) []string {
	l := strings.ToLower(key)
	pfx, _, _ := strings.Cut(l, ":")
	var names []string
	for _, g := range e.cat.GlobalConditionKeys() {
		names = append(names, g.Name)
	}
	names = append(names, e.keys.byPrefix[pfx]...)
	type cand struct {
		name string
		d    int
	}
	var cands []cand
	seen := map[string]bool{}
	limit := maxDistance(len(l))
	for _, n := range names {
		ln := strings.ToLower(n)
		if seen[ln] {
			continue
		}
		seen[ln] = true
		if i := strings.Index(ln, "/${"); i > 0 && ln[:i] == l {
			cands = append(cands, cand{n, 0})
			continue
		}
		if d := distance(l, ln, limit); d <= limit {
			cands = append(cands, cand{n, d})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].d < cands[j].d })
	var out []string
	for _, c := range cands[:min(len(cands), maxSuggestions)] {
		out = append(out, c.name)
	}
	return out
}
