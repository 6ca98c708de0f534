package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/site"
	"github.com/iamref/iamref/internal/sitetest"
)

// TestSameAsSite: for a sample of managed policies, `policy analyze
// -kind identity -aws-managed` of the document as the site shows it gives
// what the build's /api/policies/<Name>.json says, word for word: the
// same allowed actions, unknown names, findings, statements and risks.
// The build is of a few services (with every managed policy that uses
// them in the sample), the CLI reads the same content with -content.
func TestSameAsSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a site")
	}
	prefixes := []string{"s3", "iam", "kms", "chime", "ec2", "lambda", "sts", "logs", "cloudwatch", "dynamodb"}
	all, err := policy.LoadManaged(os.DirFS("../../content"))
	if err != nil {
		t.Fatal(err)
	}
	var sample []string
	for i, p := range all {
		if i%60 == 0 || strings.Contains(p.Name, "Chime") || p.Name == "AdministratorAccess" || p.Name == "ReadOnlyAccess" {
			sample = append(sample, p.Name)
		}
	}
	content := sitetest.WriteDir(t, sitetest.OnlyPolicies(sitetest.OnlyServices(t, os.DirFS("../../content"), prefixes...), sample...))
	out := filepath.Join(t.TempDir(), "public")
	if _, err := site.Build(context.Background(), site.Config{Content: os.DirFS(content), Out: out}); err != nil {
		t.Fatal(err)
	}
	ps, err := policy.LoadManaged(os.DirFS(content))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != len(sample) || len(ps) < 20 {
		t.Fatalf("%d policies in the build, %d sampled", len(ps), len(sample))
	}
	docs := t.TempDir()
	args := []string{"analyze", "-content", content, "-kind", "identity", "-aws-managed"}
	for _, p := range ps {
		f := filepath.Join(docs, p.Name+".json")
		if err := os.WriteFile(f, p.Document, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f)
	}
	stdout, stderr, code := runCLI(t, "", "", args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(ps) {
		t.Fatalf("%d lines for %d policies", len(lines), len(ps))
	}
	findings := 0
	for i, p := range ps {
		var cli, built map[string]json.RawMessage
		if err := json.Unmarshal([]byte(lines[i]), &cli); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(sitetest.ReadFile(t, out, "api/policies/"+p.Name+".json")), &built); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"snapshot", "document_version", "allowed", "unknown", "findings", "statements", "policy_type", "escalation_paths", "sensitive_actions"} {
			if !bytes.Equal(cli[k], built[k]) {
				t.Errorf("%s: %q differs:\ncli   %.600s\nbuild %.600s", p.Name, k, cli[k], built[k])
			}
		}
		findings += bytes.Count(built["findings"], []byte(`"code":`))
	}
	if findings < len(ps) {
		t.Errorf("only %d findings in %d policies: the sample says little", findings, len(ps))
	}
	t.Logf("%d managed policies, %d findings, the same", len(ps), findings)
}
