package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/policy"
)

// sarifProperties are the properties SARIF 2.1.0 defines for the objects
// lint writes (sarif-schema-2.1.0.json; a subset of each object's), and
// the ones it requires.
var sarifProperties = map[string]struct{ allowed, required []string }{
	"log":              {[]string{"$schema", "version", "runs", "inlineExternalProperties", "properties"}, []string{"version", "runs"}},
	"run":              {[]string{"tool", "invocations", "conversion", "language", "versionControlProvenance", "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results", "automationDetails", "runAggregates", "baselineGuid", "redactionTokens", "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind", "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses", "translations", "policies", "webRequests", "webResponses", "specialLocations", "properties"}, []string{"tool"}},
	"tool":             {[]string{"driver", "extensions", "properties"}, []string{"driver"}},
	"driver":           {[]string{"guid", "name", "organization", "product", "productSuite", "shortDescription", "fullDescription", "fullName", "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri", "informationUri", "globalMessageStrings", "notifications", "rules", "taxa", "locations", "language", "contents", "isComprehensive", "localizedDataSemanticVersion", "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent", "translationMetadata", "supportedTaxonomies", "properties"}, []string{"name"}},
	"rule":             {[]string{"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames", "shortDescription", "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help", "relationships", "properties"}, []string{"id"}},
	"configuration":    {[]string{"enabled", "level", "rank", "parameters", "properties"}, nil},
	"message":          {[]string{"text", "markdown", "id", "arguments", "properties"}, nil},
	"result":           {[]string{"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid", "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks", "codeFlows", "graphs", "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank", "attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest", "webResponse", "properties"}, []string{"message"}},
	"location":         {[]string{"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"}, nil},
	"physicalLocation": {[]string{"address", "artifactLocation", "region", "contextRegion", "properties"}, nil},
	"artifactLocation": {[]string{"uri", "uriBaseId", "index", "description", "properties"}, nil},
	"region":           {[]string{"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset", "byteLength", "snippet", "message", "sourceLanguage", "properties"}, nil},
}

// checkSARIF validates a log structurally against SARIF 2.1.0: each
// object has only the properties the schema defines and those it
// requires, enumerations take their values, indexes point where they must.
func checkSARIF(t *testing.T, src []byte) (results int) {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal(src, &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	obj := func(kind, path string, v any) map[string]any {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: %s is %T, not an object", path, kind, v)
		}
		p := sarifProperties[kind]
		for k := range m {
			if !contains(p.allowed, k) {
				t.Errorf("%s: %s has no property %q in SARIF 2.1.0", path, kind, k)
			}
		}
		for _, k := range p.required {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: %s lacks the required %q", path, kind, k)
			}
		}
		if props, ok := m["properties"]; ok {
			if _, ok := props.(map[string]any); !ok {
				t.Errorf("%s: properties is not an object", path)
			}
		}
		return m
	}
	list := func(path string, v any) []any {
		l, ok := v.([]any)
		if !ok {
			t.Fatalf("%s is %T, not an array", path, v)
		}
		return l
	}
	text := func(path string, v any) {
		m := obj("message", path, v)
		if s, _ := m["text"].(string); s == "" {
			t.Errorf("%s: no text", path)
		}
	}
	obj("log", "log", log)
	if log["version"] != "2.1.0" {
		t.Errorf("version %v", log["version"])
	}
	for ri, r := range list("runs", log["runs"]) {
		path := "runs[" + itoa(ri) + "]"
		run := obj("run", path, r)
		if ck, ok := run["columnKind"]; ok && ck != "utf16CodeUnits" && ck != "unicodeCodePoints" {
			t.Errorf("%s: columnKind %v", path, ck)
		}
		driver := obj("driver", path+".tool.driver", obj("tool", path+".tool", run["tool"])["driver"])
		if s, _ := driver["name"].(string); s == "" {
			t.Errorf("%s: the driver has no name", path)
		}
		var ids []string
		for i, x := range list(path+".tool.driver.rules", driver["rules"]) {
			rp := path + ".tool.driver.rules[" + itoa(i) + "]"
			rule := obj("rule", rp, x)
			id, _ := rule["id"].(string)
			if id == "" || contains(ids, id) {
				t.Errorf("%s: id %q empty or repeated", rp, id)
			}
			ids = append(ids, id)
			text(rp+".shortDescription", rule["shortDescription"])
			text(rp+".fullDescription", rule["fullDescription"])
			text(rp+".help", rule["help"])
			if u, ok := rule["helpUri"].(string); ok {
				if pu, err := url.Parse(u); err != nil || !pu.IsAbs() {
					t.Errorf("%s: helpUri %q is not an absolute URI", rp, u)
				}
			}
			cfg := obj("configuration", rp+".defaultConfiguration", rule["defaultConfiguration"])
			if !contains([]string{"none", "note", "warning", "error"}, cfg["level"].(string)) {
				t.Errorf("%s: level %v", rp, cfg["level"])
			}
		}
		for i, x := range list(path+".results", run["results"]) {
			results++
			rp := path + ".results[" + itoa(i) + "]"
			res := obj("result", rp, x)
			idx, ok := res["ruleIndex"].(float64)
			if !ok || int(idx) < 0 || int(idx) >= len(ids) || ids[int(idx)] != res["ruleId"] {
				t.Errorf("%s: ruleIndex %v does not point at rule %v", rp, res["ruleIndex"], res["ruleId"])
			}
			if !contains([]string{"none", "note", "warning", "error"}, res["level"].(string)) {
				t.Errorf("%s: level %v", rp, res["level"])
			}
			text(rp+".message", res["message"])
			for j, l := range list(rp+".locations", res["locations"]) {
				lp := rp + ".locations[" + itoa(j) + "]"
				phys := obj("physicalLocation", lp+".physicalLocation", obj("location", lp, l)["physicalLocation"])
				art := obj("artifactLocation", lp+".artifactLocation", phys["artifactLocation"])
				u, _ := art["uri"].(string)
				if pu, err := url.Parse(u); u == "" || err != nil || pu.IsAbs() && pu.Scheme != "file" {
					t.Errorf("%s: uri %q is not a relative reference or a file URI", lp, u)
				}
				reg := obj("region", lp+".region", phys["region"])
				for _, k := range []string{"startLine", "startColumn"} {
					if n, ok := reg[k].(float64); !ok || n < 1 || n != float64(int(n)) {
						t.Errorf("%s: %s %v", lp, k, reg[k])
					}
				}
			}
		}
	}
	return results
}

func itoa(i int) string { return strconv.Itoa(i) }

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestSARIF: lint's SARIF is valid SARIF 2.1.0, with a result for every
// finding at its line and column, every rule of the checks and files named
// as GitHub resolves them.
func TestSARIF(t *testing.T) {
	dir := t.TempDir()
	docs := map[string]string{
		"policies/bad.json":   "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObjekt\", \"Resource\": \"*\"},\n    {\"Effect\": \"Permit\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"}\n  ]\n}\n",
		"with space/é.json":   `{"Statement": [`,
		"policies/clean.json": `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}`,
		"abs.json":            `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}}`,
	}
	for name, src := range docs {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	content, _ := filepath.Abs("testdata/content")
	abs := filepath.Join(dir, "abs.json")
	stdout, stderr, code := runCLI(t, dir, `{"Statement": {"Effect": "Allow", "Action": "s3:Get*"}}`, "lint", "-content", content, "-format", "sarif", "-base-url", "https://iamref.example",
		"policies/bad.json", "policies/clean.json", "with space/é.json", abs, "-")
	if code != exitFindings || stderr != "" {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	n := checkSARIF(t, []byte(stdout))
	text, _, _ := runCLI(t, "", `{"Statement": {"Effect": "Allow", "Action": "s3:Get*"}}`, "lint", "-content", content, "policies/bad.json", "with space/é.json", abs, "-")
	if want := strings.Count(text, "\n"); n != want || n < 4 {
		t.Errorf("%d results, %d findings", n, want)
	}
	for _, want := range []string{`"uri":"policies/bad.json"`, `"uri":"with%20space/%C3%A9.json"`, `"uri":"stdin"`, `"uri":"file://` + filepath.ToSlash(abs) + `"`,
		`"region":{"startLine":4,"startColumn":35}`, `"helpUri":"https://iamref.example/checks/#UNKNOWN_ACTION"`, `"columnKind":"unicodeCodePoints"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %s in the log", want)
		}
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs[0].Tool.Driver.Rules) != len(policy.Rules) {
		t.Errorf("%d rules, the checks have %d", len(log.Runs[0].Tool.Driver.Rules), len(policy.Rules))
	}
}
