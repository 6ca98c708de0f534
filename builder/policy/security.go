package policy

import (
	"fmt"
	"strings"

	"github.com/iamref/iamref/builder/iampattern"
)

// Security warnings: statements IAM accepts that grant more than their
// author probably means.

// security checks one valid statement; c.cov holds its actions.
func (c *checker) security(st *Statement) {
	if st.Effect != Allow {
		return
	}
	if st.NotPrincipal != nil {
		c.add(Finding{Code: CodeAllowWithNotPrincipal, Severity: Warning, Line: st.NotPrincipal.Line, Col: st.NotPrincipal.Col,
			Message: "Allow with NotPrincipal allows every principal but the ones listed, anonymous users included: name the principals in Principal instead"})
	}
	if st.HasNotAction {
		sev, what := Warning, "on every resource"
		switch {
		case !st.AllResources():
			sev, what = Info, "on the statement's resources"
		case st.Conditional():
			sev, what = Info, "on every resource, when the condition holds"
		}
		c.add(Finding{Code: CodeAllowWithNotAction, Severity: sev, Line: st.ActionPos.Line, Col: st.ActionPos.Col,
			Message: fmt.Sprintf("Allow with NotAction allows every action outside the list %s, including actions AWS adds later", what)})
	}
	if st.HasNotResource {
		c.add(Finding{Code: CodeAllowWithNotResource, Severity: Warning, Line: st.ResourcePos.Line, Col: st.ResourcePos.Col,
			Message: "Allow with NotResource allows the actions on every resource outside the list, in every service and account, including resources created later"})
	}
	if (st.AllResources() || st.HasNotResource) && c.coversPassRole() && !hasConditionKey(st, "iam:PassedToService") {
		line, col := st.ActionPos.Line, st.ActionPos.Col
		via := "NotAction"
		if st.HasAction {
			for _, p := range st.Action {
				if !p.Invalid && iampattern.Match(p.Text, "iam:PassRole") {
					line, col, via = p.Line, p.Col, fmt.Sprintf("%q", p.Text)
					break
				}
			}
		}
		res := `"Resource": "*"`
		if st.HasNotResource {
			res = "NotResource"
		}
		c.add(Finding{Code: CodePassRoleWildcardResource, Severity: Warning, Line: line, Col: col,
			Message: fmt.Sprintf("%s allows iam:PassRole with %s: any role, however privileged, can be handed to a service; name the roles in Resource or add an iam:PassedToService condition", via, res)})
	}
}

// coversPassRole reports whether the statement being checked covers iam:PassRole.
func (c *checker) coversPassRole() bool {
	a := c.e.cat.Action("iam:PassRole")
	if a == nil {
		return false
	}
	n, ok := c.e.x.number(a)
	return ok && c.cov.has(n)
}

// hasConditionKey reports whether the statement tests a condition key.
func hasConditionKey(st *Statement, key string) bool {
	for _, c := range st.Conditions {
		if strings.EqualFold(c.Key, key) {
			return true
		}
	}
	return false
}
