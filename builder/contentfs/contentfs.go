// Package contentfs is the content directory as the builder's loaders see
// it: the files of editors and the system hidden by one rule, every file
// read checked for its size and for valid UTF-8, and the inventory that
// makes sure every other file is one a loader reads.
//
// # The ignore rule
//
// A file or directory is no content, and is never read, when its name
//
//   - starts with "." (vim's swap files .chime.json.swp, emacs's lock
//     links .#chime.json, macOS's .DS_Store and ._chime.json, .git),
//   - ends with "~" (emacs's and vim's backups, chime.json~),
//   - starts and ends with "#" (emacs's auto-saves, #chime.json#), or
//   - is Thumbs.db or desktop.ini (Windows), in any case.
//
// Every other file must be one the build reads (Inventory), or the build
// fails naming it: nothing under content/ is silently left out.
//
// # Limits
//
// A file larger than its limit is an error naming the limit, before it is
// read: 16 MiB for any content file, 1 MiB for a managed policy, an example
// policy or a guide (the largest shipped are 1.1 MB, urls.txt, and
// 0.2 MB, AWSSupportServiceRolePolicy). A real catalog never comes near
// them; a file that does is a mistake that would take minutes and
// gigabytes to build.
package contentfs

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/diag"
)

// Ignored reports whether a file or directory name (one path element) is
// an editor's or the system's, never content (see the package doc).
func Ignored(name string) bool {
	switch {
	case strings.HasPrefix(name, "."), strings.HasSuffix(name, "~"),
		len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"),
		strings.EqualFold(name, "Thumbs.db"), strings.EqualFold(name, "desktop.ini"):
		return true
	}
	return false
}

// IgnoredPath reports whether any element of a slash-separated path is
// ignored.
func IgnoredPath(name string) bool {
	if name == "." {
		return false
	}
	for _, el := range strings.Split(name, "/") {
		if Ignored(el) {
			return true
		}
	}
	return false
}

// The size limits of content files.
const (
	MaxFile     = 16 << 20 // any content file
	MaxDocument = 1 << 20  // a managed policy, an example policy or a guide
)

// Limit is the size limit of the content file name, and what the file is.
func Limit(name string) (int64, string) {
	switch {
	case strings.HasPrefix(name, "policies/"):
		return MaxDocument, "a managed policy"
	case strings.HasPrefix(name, "examples/"):
		return MaxDocument, "an example policy or its explanation"
	case strings.HasPrefix(name, "guides/"):
		return MaxDocument, "a guide"
	}
	return MaxFile, "a content file"
}

// FS is a content directory seen through the ignore rule: ignored names
// are not listed and do not exist, and ReadFile checks the limit and the
// encoding of every file it reads.
type FS struct{ fsys fs.FS }

// New wraps a content directory.
func New(fsys fs.FS) *FS {
	if c, ok := fsys.(*FS); ok {
		return c
	}
	return &FS{fsys}
}

func notExist(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
}

// Open opens a file or directory that the ignore rule does not hide.
func (c *FS) Open(name string) (fs.File, error) {
	if IgnoredPath(name) {
		return nil, notExist("open", name)
	}
	f, err := c.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if d, ok := f.(fs.ReadDirFile); ok {
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return dirFile{d}, nil
		}
	}
	return f, nil
}

// dirFile lists a directory without the ignored names.
type dirFile struct{ fs.ReadDirFile }

func (d dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	for {
		entries, err := d.ReadDirFile.ReadDir(n)
		kept := visible(entries)
		if len(kept) > 0 || err != nil || n <= 0 || len(entries) == 0 {
			return kept, err
		}
	}
}

func visible(entries []fs.DirEntry) []fs.DirEntry {
	kept := entries[:0]
	for _, e := range entries {
		if !Ignored(e.Name()) {
			kept = append(kept, e)
		}
	}
	return kept
}

// ReadDir lists a directory without the ignored names.
func (c *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if IgnoredPath(name) {
		return nil, notExist("readdir", name)
	}
	entries, err := fs.ReadDir(c.fsys, name)
	return visible(entries), err
}

// Stat describes a file the ignore rule does not hide.
func (c *FS) Stat(name string) (fs.FileInfo, error) {
	if IgnoredPath(name) {
		return nil, notExist("stat", name)
	}
	return fs.Stat(c.fsys, name)
}

// Hide is fsys seen through the ignore rule alone, without the content's
// limits and UTF-8 check: for the templates and static assets read from
// disk (-templates, -static), where an editor's swap file or lock is no
// template and no asset either.
func Hide(fsys fs.FS) fs.FS { return hidden{fsys} }

type hidden struct{ fsys fs.FS }

func (h hidden) Open(name string) (fs.File, error) {
	return (&FS{h.fsys}).Open(name)
}

func (h hidden) ReadDir(name string) ([]fs.DirEntry, error) {
	return (&FS{h.fsys}).ReadDir(name)
}

func (h hidden) Stat(name string) (fs.FileInfo, error) {
	return (&FS{h.fsys}).Stat(name)
}

// ReadFile reads a file, refusing one over its size limit (Limit) and
// one that is not valid UTF-8: each is a *diag.Diagnostic at the file (and
// at the line and column of the first invalid byte).
func (c *FS) ReadFile(name string) ([]byte, error) {
	if IgnoredPath(name) {
		return nil, notExist("open", name)
	}
	limit, what := Limit(name)
	if st, err := fs.Stat(c.fsys, name); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, tooLarge(name, st.Size(), limit, what)
	}
	data, err := fs.ReadFile(c.fsys, name)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(name, int64(len(data)), limit, what)
	}
	if d := CheckUTF8(name, data, 1); d != nil {
		return nil, d
	}
	return data, nil
}

func tooLarge(name string, size, limit int64, what string) error {
	return diag.At(name, 0, 0, "%s is %s, more than the %s %s may have", name, mib(size), mib(limit), what)
}

func mib(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// CheckUTF8 is nil when data is valid UTF-8, else a diagnostic at the
// line and column (in characters) of the first invalid byte of file, data
// starting on line first.
func CheckUTF8(file string, data []byte, first int) *diag.Diagnostic {
	if utf8.Valid(data) {
		return nil
	}
	line, lineStart := first, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			col := utf8.RuneCount(data[lineStart:i]) + 1
			return diag.At(file, line, col, "invalid UTF-8: byte 0x%02X (content files must be UTF-8)", data[i])
		}
		if r == '\n' {
			line, lineStart = line+1, i+1
		}
		i += size
	}
	return nil
}

// A pattern is a kind of file a loader reads.
type pattern struct {
	glob, what string
}

// layout is every file the build reads, in docs/content.md's order (and
// risk/README.md, written for people beside the lists it explains, as
// history/README.md is).
var layout = []pattern{
	{"urls.txt", "the URL manifest"},
	{"services/*.yaml", "a service's IAM features"},
	{"guides/*/*.md", "a guide"},
	{"policies/*.json", "a managed policy"},
	{"policies/source.yaml", "the managed policies' package release"},
	{"examples/*.md", "an example's explanation"},
	{"examples/*.json", "an example policy"},
	{"docs/*-managed-policy-table.yaml", "a documented managed-policy table"},
	{"risk/sensitive-actions.yaml", "the sensitive actions"},
	{"risk/privesc-paths.json", "the privilege-escalation paths"},
	{"risk/sources.yaml", "the risk lists' sources"},
	{"risk/README.md", "the risk lists' guide, for people"},
}

// selfChecked are the directories whose loaders report every entry they
// do not read (package catalog, package history).
var selfChecked = []string{"catalog", "history"}

// Inventory is a diagnostic for every file of the content that no loader
// reads and the ignore rule does not hide, with what was probably meant.
func Inventory(fsys fs.FS) diag.List {
	var errs diag.List
	_ = fs.WalkDir(New(fsys), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs.Add(p, 0, 0, "%v", err)
			return nil
		}
		if p == "." {
			return nil
		}
		if d.IsDir() {
			for _, s := range selfChecked {
				if p == s {
					return fs.SkipDir
				}
			}
			return nil
		}
		for _, pat := range layout {
			if ok, _ := path.Match(pat.glob, p); ok {
				return nil
			}
		}
		errs.Add(p, 0, 0, "the build does not read this file: %s (files of editors and the system are ignored: names starting with \".\", ending with \"~\" or between \"#\"; see docs/content.md)", hint(p))
		return nil
	})
	return errs
}

// hint says what a stray file may have been meant to be.
func hint(p string) string {
	dir, ext := path.Dir(p), path.Ext(p)
	top, _, _ := strings.Cut(p, "/")
	var same, under []string
	for _, pat := range layout {
		want := path.Ext(pat.glob)
		if ok, _ := path.Match(path.Dir(pat.glob), dir); ok && dir != "." {
			fixed := strings.TrimSuffix(p, ext) + want
			if ok, _ := path.Match(pat.glob, fixed); ok && ext != want {
				if strings.EqualFold(ext, want) || ext == ".yml" && want == ".yaml" || ext == ".markdown" && want == ".md" {
					return fmt.Sprintf("%s is %s: name it %s", p, pat.what, fixed)
				}
			}
			same = append(same, fmt.Sprintf("%s (%s)", pat.glob, pat.what))
		} else if strings.HasPrefix(pat.glob, top+"/") && dir != "." {
			under = append(under, fmt.Sprintf("%s (%s)", pat.glob, pat.what))
		}
	}
	switch {
	case len(same) > 0:
		return fmt.Sprintf("%s/ holds %s", dir, strings.Join(same, " and "))
	case len(under) > 0:
		return fmt.Sprintf("%s/ holds %s, and no other directories", top, strings.Join(under, " and "))
	}
	var globs []string
	for _, pat := range layout {
		globs = append(globs, pat.glob)
	}
	return "content/ holds catalog/, history/, " + strings.Join(globs, ", ")
}
