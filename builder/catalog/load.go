package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/iamref/iamref/internal/parallel"
)

// Load reads the catalog from a content directory (see the package doc for
// the layout). It reports every problem at once as an ErrorList.
func Load(content fs.FS) (*Catalog, error) {
	var errs ErrorList
	files, err := fs.Glob(content, "catalog/*")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)

	type result struct {
		services []*Service
		errs     ErrorList
		sum      [32]byte
	}
	results := make([]result, len(files))
	parallel.Each(len(files), func(i int) {
		f := files[i]
		if ext := path.Ext(f); ext != ".json" && ext != ".md" || nonServiceFiles[f] {
			return
		}
		src, err := fs.ReadFile(content, f)
		if err != nil {
			results[i].errs = ErrorList{{File: f, Msg: err.Error()}}
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

	c := &Catalog{}
	h := sha256.New()
	byPrefix := map[string]*Service{}
	extra := map[string][]byte{} // the non-service files, read below
	for i, f := range files {
		switch {
		case nonServiceFiles[f]:
			src, err := fs.ReadFile(content, f)
			if err != nil {
				errs = append(errs, &Error{File: f, Msg: err.Error()})
				continue
			}
			fmt.Fprintf(h, "%s %x\n", f, sha256.Sum256(src))
			extra[f] = src
			continue
		case path.Ext(f) == ".json", path.Ext(f) == ".md":
		case path.Ext(f) == ".yaml", path.Ext(f) == ".yml":
			continue // read below
		default:
			errs = append(errs, &Error{File: f, Msg: "unexpected file in catalog/ (want <prefix>.json, <name>.md, snapshot.yaml, access-level-overrides.yml, kept.jsonl, service-categories.json or global-condition-keys.json)"})
			continue
		}
		r := results[i]
		fmt.Fprintf(h, "%s %x\n", f, r.sum)
		errs = append(errs, r.errs...)
		for _, s := range r.services {
			key := strings.ToLower(s.Prefix)
			if key == "" {
				continue
			}
			if prev := byPrefix[key]; prev != nil {
				errs = append(errs, &Error{File: f, Msg: fmt.Sprintf("service prefix %q is already defined in %s: a prefix must be defined by exactly one file", s.Prefix, prev.File)})
				continue
			}
			byPrefix[key] = s
			s.index()
			c.Services = append(c.Services, s)
		}
	}

	if src, err := fs.ReadFile(content, "catalog/snapshot.yaml"); err == nil {
		fmt.Fprintf(h, "catalog/snapshot.yaml %x\n", sha256.Sum256(src))
		errs = append(errs, readSnapshot("catalog/snapshot.yaml", src, c)...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, &Error{File: "catalog/snapshot.yaml", Msg: err.Error()})
	}
	overrides, overridesErr := fs.ReadFile(content, "catalog/access-level-overrides.yml")
	if overridesErr == nil {
		fmt.Fprintf(h, "catalog/access-level-overrides.yml %x\n", sha256.Sum256(overrides))
	}
	c.Snapshot.Hash = hex.EncodeToString(h.Sum(nil))[:12]
	if src, ok := extra[KeptFile]; ok {
		errs = append(errs, readKept(KeptFile, src, c, byPrefix)...)
	}
	c.link()
	if src, ok := extra[CategoriesFile]; ok {
		errs = append(errs, readCategories(CategoriesFile, src, c)...)
	}

	if overridesErr == nil {
		errs = append(errs, readOverrides("catalog/access-level-overrides.yml", overrides, c)...)
	} else if !errors.Is(overridesErr, fs.ErrNotExist) {
		errs = append(errs, &Error{File: "catalog/access-level-overrides.yml", Msg: overridesErr.Error()})
	}
	featureFiles, _ := fs.Glob(content, "services/*.yaml")
	sort.Strings(featureFiles)
	for _, f := range featureFiles {
		src, err := fs.ReadFile(content, f)
		if err != nil {
			errs = append(errs, &Error{File: f, Msg: err.Error()})
			continue
		}
		errs = append(errs, readFeatures(f, src, c)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func decodeYAML(file string, src []byte, v any) ErrorList {
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && err != io.EOF {
		line, msg := YAMLError(err, 0)
		return ErrorList{{File: file, Line: line, Msg: msg}}
	}
	return nil
}

// nonServiceFiles are the files of catalog/ that are not services: Load
// reads the kept facts and the categories, and leaves the global condition
// keys to their own loader.
var nonServiceFiles = map[string]bool{KeptFile: true, CategoriesFile: true, GlobalConditionKeysFile: true}

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

func readSnapshot(file string, src []byte, c *Catalog) ErrorList {
	var s struct {
		Date      string `yaml:"date"`
		Source    string `yaml:"source"`
		Package   string `yaml:"package"`
		Version   string `yaml:"version"`
		Integrity string `yaml:"integrity"`
	}
	if errs := decodeYAML(file, src, &s); errs != nil {
		return errs
	}
	if len(s.Date) != len("2006-01-02") {
		return ErrorList{{File: file, Line: 1, Msg: fmt.Sprintf("date %q: want YYYY-MM-DD", s.Date)}}
	}
	if (s.Package == "") != (s.Version == "") || s.Package != "" && !strings.HasPrefix(s.Integrity, "sha512-") {
		return ErrorList{{File: file, Line: 1, Msg: "package, version and integrity (sha512-…) go together"}}
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
func readOverrides(file string, src []byte, c *Catalog) ErrorList {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line, msg := YAMLError(err, 0)
		return ErrorList{{File: file, Line: line, Msg: msg}}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	var errs ErrorList
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return ErrorList{{File: file, Line: root.Line, Col: root.Column, Msg: "want a mapping of service prefixes"}}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		pk, levels := root.Content[i], root.Content[i+1]
		svc := c.Service(pk.Value)
		if levels.Kind != yaml.MappingNode {
			errs = append(errs, &Error{File: file, Line: levels.Line, Col: levels.Column, Msg: "want a mapping of access levels"})
			continue
		}
		for j := 0; j+1 < len(levels.Content); j += 2 {
			lk, actions := levels.Content[j], levels.Content[j+1]
			level, ok := ParseAccessLevel(lk.Value)
			if !ok {
				errs = append(errs, &Error{File: file, Line: lk.Line, Col: lk.Column, Msg: fmt.Sprintf("unknown access level %q", lk.Value)})
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
