package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
)

// LintSchema names lint's JSON.
const LintSchema = "iamref.lint.v1"

func lint(e *env, args []string) (int, error) {
	f := newDocFlags(e, "lint")
	format := f.String("format", "text", "output: text (FILE:LINE:COL: SEVERITY: CODE: message), json (iamref.lint.v1) or sarif (SARIF 2.1.0, for code scanning)")
	failOn := f.String("fail-on", "error", "exit 1 when a finding is at least this severe: error, warning or info")
	baseURL := f.String("base-url", "", "the site's address, to link each SARIF rule to its /checks/ entry")
	f.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: policy lint [flags] FILE…\n\nChecks policy documents against the catalog. Exit 0: nothing fails -fail-on; 1: a finding does; 2: a usage error or a file that cannot be read.")
		f.PrintDefaults()
	}
	if err := f.parse(args); err != nil {
		return 0, err
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		return 0, usagef("-format %q: want text, json or sarif", *format)
	}
	threshold := severityRank(policy.Severity(*failOn))
	if threshold == len(severities) {
		return 0, usagef("-fail-on %q: want error, warning or info", *failOn)
	}
	docs, cat, err := analyzeAll(e, f, f.Args())
	if err != nil {
		return 0, err
	}
	var out []byte
	switch *format {
	case "text":
		out = lintText(docs)
	case "json":
		out = lintJSON(docs, cat.Snapshot)
	case "sarif":
		out = lintSARIF(docs, cat.Snapshot, strings.TrimSuffix(*baseURL, "/"))
	}
	if _, err := e.stdout.Write(out); err != nil {
		return 0, err
	}
	for _, d := range docs {
		for _, x := range d.a.Findings() {
			if severityRank(x.Severity) <= threshold {
				return exitFindings, nil
			}
		}
	}
	return exitOK, nil
}

// displayName is how lint names a file: standard input as <stdin>.
func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

func lintText(docs []checked) []byte {
	var b bytes.Buffer
	for _, d := range docs {
		for _, x := range d.a.Findings() {
			fmt.Fprintf(&b, "%s:%d:%d: %s: %s: %s\n", displayName(d.in.name), x.Line, x.Col, x.Severity, x.Code, x.Message)
		}
	}
	return b.Bytes()
}

type findingJSON struct {
	Code        string   `json:"code"`
	Severity    string   `json:"severity"`
	Line        int      `json:"line"`
	Col         int      `json:"col"`
	Message     string   `json:"message"`
	Suggestions []string `json:"suggestions"`
}

func lintJSON(docs []checked, snap catalog.Snapshot) []byte {
	type file struct {
		File        string        `json:"file"`
		PolicyType  string        `json:"policy_type"`
		KindGuessed bool          `json:"policy_type_guessed"`
		Findings    []findingJSON `json:"findings"`
	}
	out := struct {
		Schema   string            `json:"schema"`
		Snapshot map[string]string `json:"snapshot"`
		Counts   map[string]int    `json:"counts"`
		Files    []file            `json:"files"`
	}{Schema: LintSchema, Snapshot: map[string]string{"date": snap.Date, "hash": snap.Hash},
		Counts: map[string]int{"error": 0, "warning": 0, "info": 0}, Files: []file{}}
	for _, d := range docs {
		fl := file{File: displayName(d.in.name), PolicyType: string(d.a.Kind), KindGuessed: d.a.KindGuessed, Findings: []findingJSON{}}
		for _, x := range d.a.Findings() {
			sug := x.Suggestions
			if sug == nil {
				sug = []string{}
			}
			fl.Findings = append(fl.Findings, findingJSON{string(x.Code), string(x.Severity), x.Line, x.Col, x.Message, sug})
			out.Counts[string(x.Severity)]++
		}
		out.Files = append(out.Files, fl)
	}
	return encode(out)
}

// encode is v as JSON without HTML escaping, with a final newline.
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // plain structs only
	}
	return b.Bytes()
}

// The SARIF 2.1.0 log (https://docs.oasis-open.org/sarif/sarif/v2.1.0/),
// the parts lint writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
		Properties *sarifProps   `json:"properties,omitempty"`
	}
	sarifProps struct {
		SnapshotDate string `json:"catalogSnapshot"`
		SnapshotHash string `json:"catalogHash"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string        `json:"id"`
		Name                 string        `json:"name"`
		ShortDescription     sarifText     `json:"shortDescription"`
		FullDescription      sarifText     `json:"fullDescription"`
		HelpURI              string        `json:"helpUri,omitempty"`
		Help                 sarifText     `json:"help"`
		DefaultConfiguration sarifConfig   `json:"defaultConfiguration"`
		Properties           sarifRuleTags `json:"properties"`
	}
	sarifRuleTags struct {
		Tags []string `json:"tags"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
)

// sarifLevel maps a severity to SARIF's levels.
func sarifLevel(s policy.Severity) string {
	switch s {
	case policy.Error:
		return "error"
	case policy.Warning:
		return "warning"
	}
	return "note"
}

// sarifURI is a file's artifact URI: a relative reference with forward
// slashes for a relative path (GitHub resolves it against the checkout),
// a file: URI for an absolute one, "stdin" for standard input.
func sarifURI(name string) string {
	if name == "-" {
		return "stdin"
	}
	p := filepath.ToSlash(filepath.Clean(name))
	if filepath.IsAbs(name) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).EscapedPath()
}

func lintSARIF(docs []checked, snap catalog.Snapshot, baseURL string) []byte {
	drv := sarifDriver{Name: "iamref policy lint", InformationURI: "https://github.com/iamref/iamref"}
	index := map[policy.Code]int{}
	for i, r := range policy.Rules {
		index[r.Code] = i
		sr := sarifRule{ID: string(r.Code), Name: ruleName(r.Title), ShortDescription: sarifText{r.Title}, FullDescription: sarifText{r.Explain},
			Help: sarifText{r.Explain}, DefaultConfiguration: sarifConfig{sarifLevel(r.Severity)},
			Properties: sarifRuleTags{Tags: []string{"iam", "security"}}}
		if baseURL != "" {
			sr.HelpURI = baseURL + "/checks/#" + string(r.Code)
		}
		drv.Rules = append(drv.Rules, sr)
	}
	run := sarifRun{Tool: sarifTool{drv}, ColumnKind: "unicodeCodePoints", Results: []sarifResult{},
		Properties: &sarifProps{SnapshotDate: snap.Date, SnapshotHash: snap.Hash}}
	for _, d := range docs {
		for _, x := range d.a.Findings() {
			i, ok := index[x.Code]
			if !ok {
				panic("policy lint: finding code " + string(x.Code) + " has no rule") // builder/policy's TestChecks gives every code a rule
			}
			run.Results = append(run.Results, sarifResult{RuleID: string(x.Code), RuleIndex: i, Level: sarifLevel(x.Severity),
				Message: sarifText{x.Message},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{URI: sarifURI(d.in.name)},
					Region:           sarifRegion{StartLine: max(x.Line, 1), StartColumn: max(x.Col, 1)},
				}}}})
		}
	}
	return encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// ruleName is a rule's title as SARIF's PascalCase name: "JSON syntax" →
// "JsonSyntax".
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + strings.ToLower(w[1:]))
	}
	return b.String()
}
