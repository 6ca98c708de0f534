package contentfs

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/iamref/iamref/builder/diag"
)

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		".chime.json.swp": true, ".chime.json.swo": true, ".#chime.json": true, ".DS_Store": true, "._chime.json": true,
		".git": true, "chime.json~": true, "#chime.json#": true, "Thumbs.db": true, "DESKTOP.INI": true,
		"chime.json": false, "chime.md": false, "#": false, "#notes": false, "a#b#": false, "snapshot.yaml": false,
	} {
		if got := Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", name, got, want)
		}
	}
}

// recordingFS fails the test when a file the ignore rule hides is opened.
type recordingFS struct {
	fstest.MapFS
	t *testing.T
}

func (r recordingFS) Open(name string) (fs.File, error) {
	if IgnoredPath(name) {
		r.t.Errorf("opened %s, which the ignore rule hides", name)
	}
	return r.MapFS.Open(name)
}

// TestEditorFilesNeverRead: the swap files, locks and system files an
// editor or a desktop leaves beside the content are not listed, not
// opened and not read.
func TestEditorFilesNeverRead(t *testing.T) {
	m := fstest.MapFS{
		"catalog/chime.json":             {Data: []byte("{}")},
		"catalog/.chime.json.swp":        {Data: []byte("b0VIM 9.0\x00\xff\xfe")},
		"catalog/.#chime.json":           {Data: []byte("user@host.1234:1700000000")},
		"catalog/chime.json~":            {Data: []byte("old")},
		"catalog/#chime.json#":           {Data: []byte("autosave")},
		".DS_Store":                      {Data: []byte("\x00\x00\x00\x01Bud1")},
		"guides/chime/.DS_Store":         {Data: []byte("\x00")},
		".git/config":                    {Data: []byte("[core]")},
		"policies/._ReadOnlyAccess.json": {Data: []byte("\x00\x05\x16\x07")},
	}
	c := New(recordingFS{m, t})
	files, err := fs.Glob(c, "catalog/*")
	if err != nil || strings.Join(files, " ") != "catalog/chime.json" {
		t.Errorf("Glob(catalog/*) = %q, %v", files, err)
	}
	if p, _ := fs.Glob(c, "policies/*.json"); len(p) != 0 {
		t.Errorf("Glob(policies/*.json) = %q", p)
	}
	var walked []string
	_ = fs.WalkDir(c, ".", func(p string, d fs.DirEntry, err error) error {
		walked = append(walked, p)
		return err
	})
	if got := strings.Join(walked, " "); got != ". catalog catalog/chime.json guides guides/chime policies" {
		t.Errorf("WalkDir saw %s", got)
	}
	for _, name := range []string{"catalog/.chime.json.swp", ".git/config", "catalog/.#chime.json"} {
		if _, err := fs.ReadFile(c, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(%s) = %v, want not found", name, err)
		}
		if _, err := fs.Stat(c, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%s) = %v, want not found", name, err)
		}
	}
	// catalog/ accounts for its own files; the rest is ignored.
	if errs := Inventory(m); len(errs) != 0 {
		t.Errorf("Inventory = %v", errs)
	}
}

// TestReadFileUTF8: a byte that is not UTF-8 is an error at its line and
// column, not a U+FFFD in JSON or invalid UTF-8 in a page declared UTF-8.
func TestReadFileUTF8(t *testing.T) {
	c := New(fstest.MapFS{
		"guides/chime/intro.md": {Data: []byte("---\ntitle: Caf\xe9\n---\n")},
		"catalog/chime.json":    {Data: []byte("{\"chime\": {\n  \"service_name\": \"Ch\u00efme \xe9\"}}")},
		"catalog/ok.json":       {Data: []byte("{\"n\": \"Ch\u00efme\"}")},
		"examples/x.json":       {Data: []byte("\xff")},
	})
	for name, want := range map[string]string{
		"guides/chime/intro.md": "guides/chime/intro.md:2:11: invalid UTF-8: byte 0xE9",
		"catalog/chime.json":    "catalog/chime.json:2:26: invalid UTF-8: byte 0xE9",
		"examples/x.json":       "examples/x.json:1:1: invalid UTF-8: byte 0xFF",
	} {
		_, err := fs.ReadFile(c, name)
		var d *diag.Diagnostic
		if !errors.As(err, &d) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ReadFile(%s) = %v, want %s", name, err, want)
		}
	}
	if data, err := fs.ReadFile(c, "catalog/ok.json"); err != nil || !strings.Contains(string(data), "Ch\u00efme") {
		t.Errorf("valid UTF-8: %q, %v", data, err)
	}
}

// TestReadFileLimits: a file over its limit is refused before it is read,
// naming the limit (a 75 MB managed policy took 7.5 minutes and 8.9 GB).
func TestReadFileLimits(t *testing.T) {
	big := make([]byte, MaxDocument+1)
	for i := range big {
		big[i] = ' '
	}
	c := New(fstest.MapFS{
		"policies/Huge.json":    {Data: big},
		"examples/huge.json":    {Data: big},
		"guides/chime/huge.md":  {Data: big},
		"catalog/big.json":      {Data: big}, // under the limit of a catalog file
		"docs/x.yaml":           {Data: big[:MaxDocument]},
		"policies/AtLimit.json": {Data: big[:MaxDocument]},
	})
	for name, want := range map[string]string{
		"policies/Huge.json":   "policies/Huge.json: policies/Huge.json is 1.0 MiB, more than the 1 MiB a managed policy may have",
		"examples/huge.json":   "more than the 1 MiB an example policy or its explanation may have",
		"guides/chime/huge.md": "more than the 1 MiB a guide may have",
	} {
		if _, err := fs.ReadFile(c, name); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadFile(%s) = %v, want %q", name, err, want)
		}
	}
	for _, name := range []string{"catalog/big.json", "docs/x.yaml", "policies/AtLimit.json"} {
		if _, err := fs.ReadFile(c, name); err != nil {
			t.Errorf("ReadFile(%s): %v", name, err)
		}
	}
	if l, _ := Limit("catalog/ec2.json"); l != MaxFile {
		t.Errorf("Limit(catalog/ec2.json) = %d", l)
	}
}

// TestInventory: every file under content/ that no loader reads is named,
// with what it was probably meant to be (nested guides, .markdown,
// services/*.yml, policies/sub/, *.JSON were silently ignored).
func TestInventory(t *testing.T) {
	m := fstest.MapFS{
		"urls.txt":                             {},
		"catalog/chime.json":                   {},
		"catalog/sub/x.json":                   {}, // catalog/ reports its own
		"history/x":                            {},
		"services/chime.yaml":                  {},
		"services/s3.yml":                      {},
		"guides/chime/intro.md":                {},
		"guides/chime/deep/nested.md":          {},
		"guides/chime/old.markdown":            {},
		"guides/top.md":                        {},
		"policies/ReadOnlyAccess.json":         {},
		"policies/Shouted.JSON":                {},
		"policies/sub/Nested.json":             {},
		"examples/a.md":                        {},
		"examples/a.json":                      {},
		"examples/a.txt":                       {},
		"docs/chime-managed-policy-table.yaml": {},
		"docs/notes.yaml":                      {},
		"README.md":                            {},
		"assets/logo.png":                      {},
		"risk/README.md":                       {},
		"risk/sensitive-actions.yaml":          {},
		"risk/privesc-paths.json":              {},
		"risk/sources.yaml":                    {},
		"risk/sensitive-actions.yml":           {},
		".DS_Store":                            {},
		"guides/chime/.intro.md.swp":           {},
	}
	got := map[string]string{}
	for _, d := range Inventory(m) {
		got[d.File] = d.Msg
	}
	for file, want := range map[string]string{
		"services/s3.yml":             "services/s3.yml is a service's IAM features: name it services/s3.yaml",
		"guides/chime/deep/nested.md": "guides/ holds guides/*/*.md (a guide), and no other directories",
		"guides/chime/old.markdown":   "name it guides/chime/old.md",
		"guides/top.md":               "guides/ holds guides/*/*.md",
		"policies/Shouted.JSON":       "name it policies/Shouted.json",
		"policies/sub/Nested.json":    "policies/ holds policies/*.json (a managed policy) and policies/source.yaml (the managed policies' package release), and no other directories",
		"examples/a.txt":              "examples/ holds examples/*.md (an example's explanation) and examples/*.json (an example policy)",
		"docs/notes.yaml":             "docs/ holds docs/*-managed-policy-table.yaml",
		"README.md":                   "content/ holds catalog/, history/, urls.txt",
		"assets/logo.png":             "content/ holds",
		"risk/sensitive-actions.yml":  "name it risk/sensitive-actions.yaml",
	} {
		msg, ok := got[file]
		if !ok || !strings.Contains(msg, want) || !strings.HasPrefix(msg, "the build does not read this file: ") {
			t.Errorf("%s: %q, want %q", file, msg, want)
		}
		delete(got, file)
	}
	if len(got) > 0 {
		t.Errorf("also reported: %v", got)
	}
}

// TestHide: the ignore rule alone, for templates and assets: an editor's
// files are gone, and an asset that is no UTF-8 (an image) is read as it
// is.
func TestHide(t *testing.T) {
	h := Hide(fstest.MapFS{
		"img/logo.png":      {Data: []byte("\x89PNG\r\n\x1a\n\xff")},
		"css/.site.css.swp": {Data: []byte("b0VIM")},
		"css/site.css~":     {Data: []byte("old")},
	})
	if data, err := fs.ReadFile(h, "img/logo.png"); err != nil || len(data) != 9 {
		t.Errorf("ReadFile(img/logo.png) = %q, %v", data, err)
	}
	var files []string
	_ = fs.WalkDir(h, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if strings.Join(files, " ") != "img/logo.png" {
		t.Errorf("WalkDir saw %q", files)
	}
	if _, err := fs.ReadFile(h, "css/.site.css.swp"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(css/.site.css.swp) = %v", err)
	}
}
