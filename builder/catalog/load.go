package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/yamlpos"
	"github.com/iamref/iamref/internal/parallel"
)

// Load reads the catalog from a content directory (see the package doc for
// the layout). It reports every problem at once as a diag.List.
func Load(content fs.FS) (*Catalog, error) {
	c, errs := LoadPartial(content)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// LoadPartial reads the catalog as Load does, but returns what loaded
// along with every problem: the services of the files without errors,
// and Broken naming the prefixes of the others, so that a build can go on
// to check the rest of the content (guides, policies, history) and report
// its problems too, without a cascade of errors about the broken services.
func LoadPartial(content fs.FS) (*Catalog, diag.List) {
	var errs diag.List
	c := &Catalog{broken: map[string]bool{}}
	files, err := fs.Glob(content, "catalog/*")
	if err != nil {
		return c, diag.From("catalog", err)
	}
	sort.Strings(files)

	type result struct {
		services []*Service
		errs     diag.List
		sum      [32]byte
	}
	results := make([]result, len(files))
	parallel.Each(len(files), func(i int) {
		f := files[i]
		if !IsServiceFile(f) {
			return
		}
		src, err := fs.ReadFile(content, f)
		if err != nil {
			results[i].errs = diag.From(f, err)
			return
		}
		results[i].sum = sha256.Sum256(src)
		if path.Ext(f) == ".json" {
			results[i].services, results[i].errs = parsePolicySentry(f, src)
		} else {
			s, e := parseNote(f, src)
			results[i].errs = e
			if s != nil {
				results[i].services = []*Service{s}
			}
		}
	})

	h := sha256.New()
	byPrefix := map[string]*Service{}
	extra := map[string][]byte{} // the non-service files, read below
	for i, f := range files {
		switch {
		case nonServiceFiles[f]:
			src, err := fs.ReadFile(content, f)
			if err != nil {
				errs = append(errs, &diag.Diagnostic{File: f, Msg: err.Error()})
				continue
			}
			fmt.Fprintf(h, "%s %x\n", f, sha256.Sum256(src))
			extra[f] = src
			continue
		case path.Ext(f) == ".json", path.Ext(f) == ".md":
		case f == "catalog/snapshot.yaml", f == "catalog/access-level-overrides.yml", f == GlobalKeyDescriptionsFile:
			continue // read below
		default:
			errs = append(errs, &diag.Diagnostic{File: f, Msg: "unexpected file in catalog/ (want <prefix>.json, <prefix>.md, snapshot.yaml, access-level-overrides.yml, " + nonServiceList + " or " + GlobalKeyDescriptionsFile[len("catalog/"):] + ")"})
			continue
		}
		r := results[i]
		fmt.Fprintf(h, "%s %x\n", f, r.sum)
		errs = append(errs, r.errs...)
		if len(r.errs) > 0 {
			c.broken[FilePrefix(f)] = true
			continue
		}
		for _, s := range r.services {
			key := strings.ToLower(s.Prefix)
			if key == "" {
				continue
			}
			if prev := byPrefix[key]; prev != nil {
				errs.Add(f, s.Line, s.Col, "service prefix %q is already defined in %s:%d: a prefix must be defined by exactly one file", s.Prefix, prev.File, prev.Line)
				c.broken[key] = true
				continue
			}
			byPrefix[key] = s
			s.index()
			c.Services = append(c.Services, s)
		}
	}
	if len(c.Services) == 0 && len(c.broken) == 0 {
		errs.Add("catalog", 0, 0, "no services: the catalog is catalog/<prefix>.json (Policy Sentry's schema) or catalog/<prefix>.md (a catalog note), one service a file")
	}

	if src, err := fs.ReadFile(content, "catalog/snapshot.yaml"); err == nil {
		fmt.Fprintf(h, "catalog/snapshot.yaml %x\n", sha256.Sum256(src))
		errs = append(errs, readSnapshot("catalog/snapshot.yaml", src, c)...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, diag.From("catalog/snapshot.yaml", err)...)
	}
	overrides, overridesErr := fs.ReadFile(content, "catalog/access-level-overrides.yml")
	if overridesErr == nil {
		fmt.Fprintf(h, "catalog/access-level-overrides.yml %x\n", sha256.Sum256(overrides))
	}
	c.Snapshot.Hash = hex.EncodeToString(h.Sum(nil))[:12]
	if src, ok := extra[KeptFile]; ok {
		errs = append(errs, readKept(KeptFile, src, c, byPrefix)...)
	}
	if src, ok := extra[GlobalKeysFile]; ok {
		errs = append(errs, readGlobalKeys(GlobalKeysFile, src, c)...)
	}
	// iamref's descriptions of the global keys: prose, not in the hash.
	if src, err := fs.ReadFile(content, GlobalKeyDescriptionsFile); err == nil {
		errs = append(errs, readGlobalKeyDescriptions(GlobalKeyDescriptionsFile, src, c)...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, &diag.Diagnostic{File: GlobalKeyDescriptionsFile, Msg: err.Error()})
	}
	c.link()
	if src, ok := extra[CategoriesFile]; ok {
		errs = append(errs, readCategories(CategoriesFile, src, c)...)
	}

	if overridesErr == nil {
		errs = append(errs, readOverrides("catalog/access-level-overrides.yml", overrides, c)...)
	} else if !errors.Is(overridesErr, fs.ErrNotExist) {
		errs = append(errs, diag.From("catalog/access-level-overrides.yml", overridesErr)...)
	}
	errs = append(errs, readRisks(content, c)...)
	featureFiles, _ := fs.Glob(content, "services/*.yaml")
	sort.Strings(featureFiles)
	for _, f := range featureFiles {
		src, err := fs.ReadFile(content, f)
		if err != nil {
			errs = append(errs, diag.From(f, err)...)
			continue
		}
		errs = append(errs, readFeatures(f, src, c)...)
	}
	errs.Sort()
	return c, errs
}

// Broken reports whether the file of a service prefix failed to load: a
// partial catalog (LoadPartial) lacks the service, and what names it is
// not to blame.
func (c *Catalog) Broken(prefix string) bool { return c.broken[strings.ToLower(prefix)] }

// decodeYAML decodes a YAML file strictly (yamlpos.Decode) and returns
// its root node, nil for an empty file.
func decodeYAML(file string, src []byte, v any) (*yaml.Node, diag.List) {
	root, errs := yamlpos.Parse(file, src, 1)
	if errs != nil {
		return nil, errs
	}
	return root, yamlpos.Decode(file, root, v)
}

// nonServiceFiles are the files of catalog/ that are no service, the one
// list Load and the tools that replace the service files go by: the kept
// facts (applied to the services before they are linked), the global
// condition keys (read before the link too, which gives each a usage) and
// the service categories (read after it). Like the service files they
// count in the snapshot's hash: cmd/update writes them from the same
// package version. GlobalKeyDescriptionsFile, iamref's own prose, is
// neither a service nor part of the hash.
var nonServiceFiles = map[string]bool{KeptFile: true, GlobalKeysFile: true, CategoriesFile: true}

// nonServiceList names them for a message.
const nonServiceList = "kept.jsonl, global-condition-keys.json, service-categories.json"

// IsServiceFile reports whether the file of catalog/ (a path such as
// "catalog/s3.json") defines services: a .json or .md file that is none
// of the files above.
func IsServiceFile(f string) bool {
	ext := path.Ext(f)
	return (ext == ".json" || ext == ".md") && !nonServiceFiles[f]
}

// SnapshotFile says which catalog content/catalog holds.
const SnapshotFile = "catalog/snapshot.yaml"

// SnapshotYAML is the snapshot file for s: date and source, and the
// package, version and integrity when s names a package.
func SnapshotYAML(s Snapshot) []byte {
	q := func(v string) string {
		// A JSON string is a YAML double-quoted scalar.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v) // cannot fail for a string
		return strings.TrimSuffix(b.String(), "\n")
	}
	var b strings.Builder
	b.WriteString("date: " + q(s.Date) + "\nsource: " + q(s.Source) + "\n")
	if s.Package != "" {
		b.WriteString("package: " + q(s.Package) + "\nversion: " + q(s.Version) + "\nintegrity: " + q(s.Integrity) + "\n")
	}
	return []byte(b.String())
}

func readSnapshot(file string, src []byte, c *Catalog) diag.List {
	var s struct {
		Date      string `yaml:"date"`
		Source    string `yaml:"source"`
		Package   string `yaml:"package"`
		Version   string `yaml:"version"`
		Integrity string `yaml:"integrity"`
	}
	root, errs := decodeYAML(file, src, &s)
	if errs != nil {
		return errs
	}
	if t, err := time.Parse("2006-01-02", s.Date); err != nil || t.Format("2006-01-02") != s.Date {
		line, col := 1, 0
		if n := yamlpos.Key(root, "date"); n != nil {
			line, col = n.Line, n.Column
		}
		return diag.List{diag.At(file, line, col, "date %q: want a real date, YYYY-MM-DD", s.Date)}
	}
	if (s.Package == "") != (s.Version == "") || s.Package != "" && !strings.HasPrefix(s.Integrity, "sha512-") {
		return diag.List{diag.At(file, 1, 0, "package, version and integrity (sha512-…) go together")}
	}
	c.Snapshot.Date, c.Snapshot.Source = s.Date, s.Source
	c.Snapshot.Package, c.Snapshot.Version, c.Snapshot.Integrity = s.Package, s.Version, s.Integrity
	return nil
}

// OverrideSource names where access-level corrections come from.
const OverrideSource = "policy_sentry access-level overrides"

// readOverrides applies policy_sentry's corrections: prefix → level → lower-case actions.
// A correction that names an unknown action or equals the official level is reported
// as a problem of the data (Catalog.Problems), not a load error: it is their data.
func readOverrides(file string, src []byte, c *Catalog) diag.List {
	root, errs := yamlpos.Parse(file, src, 1)
	if errs != nil || root == nil {
		return errs
	}
	if root.Kind != yaml.MappingNode {
		return diag.List{{File: file, Line: root.Line, Col: root.Column, Msg: "want a mapping of service prefixes"}}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		pk, levels := root.Content[i], root.Content[i+1]
		svc := c.Service(pk.Value)
		if levels.Kind != yaml.MappingNode {
			errs = append(errs, &diag.Diagnostic{File: file, Line: levels.Line, Col: levels.Column, Msg: "want a mapping of access levels"})
			continue
		}
		for j := 0; j+1 < len(levels.Content); j += 2 {
			lk, actions := levels.Content[j], levels.Content[j+1]
			level, ok := ParseAccessLevel(lk.Value)
			if !ok {
				errs = append(errs, &diag.Diagnostic{File: file, Line: lk.Line, Col: lk.Column, Msg: fmt.Sprintf("unknown access level %q", lk.Value)})
				continue
			}
			for _, an := range actions.Content {
				c.overrides = append(c.overrides, OverrideEntry{Prefix: pk.Value, Action: an.Value, Level: level, Line: an.Line})
				if svc == nil {
					continue
				}
				a := svc.Action(an.Value)
				if a == nil || a.AccessLevel == level {
					continue
				}
				a.Override = &AccessLevelOverride{Level: level, Source: OverrideSource}
			}
		}
	}
	return errs
}

// OverrideEntry is one line of the overrides file, kept for the data-quality report.
type OverrideEntry struct {
	Prefix, Action string
	Level          AccessLevel
	Line           int
}

// Overrides returns every correction the overrides file lists, applied or not.
func (c *Catalog) Overrides() []OverrideEntry { return c.overrides }
