package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/yamlpos"
	"github.com/iamref/iamref/internal/parallel"
)

// Load reads the catalog from a content directory (see the package doc for
// the layout). It reports every problem at once as an diag.List.
func Load(content fs.FS) (*Catalog, error) {
	var errs diag.List
	files, err := fs.Glob(content, "catalog/*")
	if err != nil {
		return nil, err
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
		if ext := path.Ext(f); ext != ".json" && ext != ".md" || f == GlobalKeysFile {
			return
		}
		src, err := fs.ReadFile(content, f)
		if err != nil {
			results[i].errs = diag.List{{File: f, Msg: err.Error()}}
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
	for i, f := range files {
		if f == GlobalKeysFile {
			continue // read below
		}
		switch path.Ext(f) {
		case ".json", ".md":
		case ".yaml", ".yml":
			continue // read below
		default:
			errs = append(errs, &diag.Diagnostic{File: f, Msg: "unexpected file in catalog/ (want .json, .md, snapshot.yaml or access-level-overrides.yml)"})
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
				errs = append(errs, &diag.Diagnostic{File: f, Msg: fmt.Sprintf("service prefix %q is already defined in %s: a prefix must be defined by exactly one file", s.Prefix, prev.File)})
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
		errs = append(errs, &diag.Diagnostic{File: "catalog/snapshot.yaml", Msg: err.Error()})
	}
	overrides, overridesErr := fs.ReadFile(content, "catalog/access-level-overrides.yml")
	if overridesErr == nil {
		fmt.Fprintf(h, "catalog/access-level-overrides.yml %x\n", sha256.Sum256(overrides))
	}
	for _, gf := range []struct {
		file string
		read func(string, []byte, *Catalog) diag.List
	}{{GlobalKeysFile, readGlobalKeys}, {GlobalKeyDescriptionsFile, readGlobalKeyDescriptions}} {
		src, err := fs.ReadFile(content, gf.file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, &diag.Diagnostic{File: gf.file, Msg: err.Error()})
			continue
		}
		// Not in the snapshot's hash: it identifies the services'
		// catalog, which the history records (builder/history).
		errs = append(errs, gf.read(gf.file, src, c)...)
	}
	c.Snapshot.Hash = hex.EncodeToString(h.Sum(nil))[:12]
	c.link()

	if overridesErr == nil {
		errs = append(errs, readOverrides("catalog/access-level-overrides.yml", overrides, c)...)
	} else if !errors.Is(overridesErr, fs.ErrNotExist) {
		errs = append(errs, &diag.Diagnostic{File: "catalog/access-level-overrides.yml", Msg: overridesErr.Error()})
	}
	errs = append(errs, readRisks(content, c)...)
	featureFiles, _ := fs.Glob(content, "services/*.yaml")
	sort.Strings(featureFiles)
	for _, f := range featureFiles {
		src, err := fs.ReadFile(content, f)
		if err != nil {
			errs = append(errs, &diag.Diagnostic{File: f, Msg: err.Error()})
			continue
		}
		errs = append(errs, readFeatures(f, src, c)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeYAML decodes a YAML file strictly (yamlpos.Decode) and returns
// its root node, nil for an empty file.
func decodeYAML(file string, src []byte, v any) (*yaml.Node, diag.List) {
	root, errs := yamlpos.Parse(file, src, 1)
	if errs != nil {
		return nil, errs
	}
	return root, yamlpos.Decode(file, root, v)
}

func readSnapshot(file string, src []byte, c *Catalog) diag.List {
	var s struct {
		Date   string `yaml:"date"`
		Source string `yaml:"source"`
	}
	root, errs := decodeYAML(file, src, &s)
	if errs != nil {
		return errs
	}
	if len(s.Date) != len("2006-01-02") {
		line, col := 1, 0
		if n := yamlpos.Key(root, "date"); n != nil {
			line, col = n.Line, n.Column
		}
		return diag.List{diag.At(file, line, col, "date %q: want YYYY-MM-DD", s.Date)}
	}
	c.Snapshot.Date, c.Snapshot.Source = s.Date, s.Source
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
