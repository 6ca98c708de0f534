package site

import (
	"fmt"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// The parts of /quality/ that the policy checks and the risk and global
// key lists add: what each check finds over the managed policies, the
// privilege-escalation paths they open, the global keys without a
// description and the names the risk lists use that the catalog lacks.

// QualityChecks is those parts.
type QualityChecks struct {
	Codes       []QualityCode
	Findings    int
	Policies    int // managed policies with at least one finding
	BySev       [3]int
	Paths       []*PathCount
	Opening     int // managed policies that open at least one path fully
	Undescribed []*catalog.GlobalConditionKey
	RiskNames   []catalog.RiskReference
}

// QualityCode is one code's row.
type QualityCode struct {
	Rule  *policy.Rule
	Count *CodeCount
}

func (b *builder) qualityChecks() *QualityChecks {
	q := &QualityChecks{RiskNames: b.cat.UnknownRiskNames()}
	for _, g := range b.cat.GlobalConditionKeys() {
		if g.Description == "" {
			q.Undescribed = append(q.Undescribed, g)
		}
	}
	if b.pol == nil || b.pol.stats == nil {
		return q
	}
	for i := range policy.Rules {
		r := &policy.Rules[i]
		c := b.pol.stats.count(r.Code)
		q.Codes = append(q.Codes, QualityCode{Rule: r, Count: c})
		q.Findings += c.Findings
		for k := range q.BySev {
			q.BySev[k] += c.BySev[k]
		}
	}
	opening := map[*Managed]bool{}
	for _, m := range b.pol.managed {
		if len(m.View.Result.Findings) > 0 {
			q.Policies++
		}
	}
	for _, pc := range b.pol.stats.paths {
		for _, m := range pc.Policies {
			opening[m] = true
		}
	}
	q.Opening = len(opening)
	q.Paths = b.pol.stats.paths
	return q
}

// counts are the rows QualityChecks adds at the top of /quality/.
func (q *QualityChecks) counts() []QualityCount {
	return []QualityCount{
		{"policy_check_findings", "Findings of the policy checks in the managed policies", q.Findings, fmt.Sprintf("%s errors, %s warnings, %s infos in %s policies", commas(q.BySev[0]), commas(q.BySev[1]), commas(q.BySev[2]), commas(q.Policies))},
		{"escalation_paths", "Managed policies that open a privilege-escalation path", q.Opening, "on \"*\" and without conditions; more open one in part"},
		{"undescribed_global_keys", "Global condition keys without a description", len(q.Undescribed), ""},
		{"unknown_risk_names", "Actions the risk lists name that the catalog lacks", len(q.RiskNames), ""},
	}
}

// qualityChecksDoc is what QualityChecks adds to /api/quality.json.
type qualityChecksDoc struct {
	PolicyChecks      map[string]qualityCodeDoc `json:"policy_checks"`
	EscalationPaths   []qualityPathDoc          `json:"escalation_paths"`
	UndescribedGlobal []string                  `json:"undescribed_global_keys"`
	UnknownRiskNames  []qualityRiskNameDoc      `json:"unknown_risk_names"`
}

type qualityCodeDoc struct {
	Findings int    `json:"findings"`
	Policies int    `json:"policies"`
	Error    int    `json:"error"`
	Warning  int    `json:"warning"`
	Info     int    `json:"info"`
	URL      string `json:"url"`
}

type qualityPathDoc struct {
	ID       string   `json:"id"`
	URL      string   `json:"url"`
	Policies []string `json:"policies"` // opening it on "*" and without conditions
	Limited  []string `json:"limited"`  // opening it in part
}

type qualityRiskNameDoc struct {
	Name string `json:"name"`
	File string `json:"file"`
	Line int    `json:"line"`
	List string `json:"list"` // the risk category or the path that names it
}

func (q *QualityChecks) json() qualityChecksDoc {
	type codeDoc = qualityCodeDoc
	type pathDoc = qualityPathDoc
	type nameDoc = qualityRiskNameDoc
	codes := map[string]codeDoc{}
	for _, c := range q.Codes {
		codes[string(c.Rule.Code)] = codeDoc{c.Count.Findings, c.Count.Policies, c.Count.BySev[0], c.Count.BySev[1], c.Count.BySev[2], ChecksPath + "#" + string(c.Rule.Code)}
	}
	names := func(ms []*Managed) []string {
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = m.Name()
		}
		return out
	}
	paths := []pathDoc{}
	for _, p := range q.Paths {
		paths = append(paths, pathDoc{ID: p.Path.ID, URL: p.Path.URL, Policies: names(p.Policies), Limited: names(p.Limited)})
	}
	undescribed := []string{}
	for _, g := range q.Undescribed {
		undescribed = append(undescribed, g.Name)
	}
	risk := []nameDoc{}
	for _, r := range q.RiskNames {
		risk = append(risk, nameDoc{Name: r.Name, File: r.File, Line: r.Line, List: r.What})
	}
	return qualityChecksDoc{PolicyChecks: codes, EscalationPaths: paths, UndescribedGlobal: undescribed, UnknownRiskNames: risk}
}
