package catalog

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/jsonpos"
	"github.com/iamref/iamref/builder/yamlpos"
)

// noteFrontMatter is the YAML front matter of a catalog note. Only title is
// used; the other keys are the note system's bookkeeping and are accepted.
type noteFrontMatter struct {
	ID      string `yaml:"id"`
	Title   string `yaml:"title"`
	Desc    string `yaml:"desc"`
	Updated string `yaml:"updated"`
	Created string `yaml:"created"`
	Stub    bool   `yaml:"stub"`
	TOC     bool   `yaml:"toc"`
	Sources []struct {
		Name    string `yaml:"name"`
		URL     string `yaml:"url"`
		License string `yaml:"license"`
	} `yaml:"sources"`
}

// parseNote reads a catalog note in Policy Sentry's note format:
//
//	---
//	title: Chime          (YAML front matter)
//	---
//	# Chime
//	- prefix: chime
//	## Privileges
//	### AcceptDelegate
//	- description: …
//	- access level: Write
//	- resource types
//	```
//	{ "": {"resource_type": "", "required": false, "condition_keys": [], "dependent_actions": []} }
//	```
//
// Every problem is reported with its line (and column inside the JSON).
func parseNote(file string, src []byte) (*Service, diag.List) {
	d := newDecoder(file)
	errAt := func(line, col int, format string, args ...any) {
		d.Errs = append(d.Errs, &diag.Diagnostic{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
	}
	// valueCol is the column of the value after a "- key:" prefix.
	valueCol := func(line, prefix string) int {
		rest := strings.TrimPrefix(line, prefix)
		return len(prefix) + len(rest) - len(strings.TrimLeft(rest, " \t")) + 1
	}
	var fm noteFrontMatter
	yml, body, first, ok, errs := yamlpos.SplitFrontMatter(file, src)
	if errs != nil {
		return nil, errs
	}
	if ok {
		root, errs := yamlpos.Parse(file, yml, 2)
		if errs == nil {
			errs = yamlpos.Decode(file, root, &fm)
		}
		for _, e := range errs {
			e.Msg = "front matter: " + e.Msg
		}
		d.Errs = append(d.Errs, errs...)
	}
	// lines[i] is line first+i of the file.
	lines := strings.Split(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n")
	s := &Service{File: file, Name: fm.Title}
	var cur *Action
	var curLine int
	seen := map[string]int{}
	lower := map[string]struct {
		name string
		line int
	}{}
	finish := func() {
		if cur == nil {
			return
		}
		if cur.Description == "" {
			errAt(curLine, 5, "action %s: \"- description:\" is missing", cur.Name)
		}
		if cur.AccessLevel == "" {
			errAt(curLine, 5, "action %s: \"- access level:\" is missing", cur.Name)
		}
		if cur.ResourceTypes == nil {
			errAt(curLine, 5, "action %s: \"- resource types\" with a fenced JSON object is missing", cur.Name)
		}
		s.Actions = append(s.Actions, cur)
		cur = nil
	}
	section := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		n := first + i
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
		case strings.HasPrefix(line, "### "):
			finish()
			name := strings.TrimSpace(line[4:])
			if section != "Privileges" {
				errAt(n, 1, "action heading %q outside the \"## Privileges\" section", name)
			}
			if !d.name(jsonpos.Pos{Line: n, Col: 5}, "action", name) {
				continue
			}
			if !validActionName(name) {
				errAt(n, 5, "invalid action name %q", name)
				continue
			}
			if prev, dup := seen[name]; dup {
				errAt(n, 5, "duplicate action %q (first at line %d)", name, prev)
				continue
			}
			if prev, dup := lower[strings.ToLower(name)]; dup {
				errAt(n, 5, "action %s differs only in case from %s (line %d): IAM ignores the case of action names, so they are one action", name, prev.name, prev.line)
				continue
			}
			seen[name] = n
			lower[strings.ToLower(name)] = struct {
				name string
				line int
			}{name, n}
			cur = &Action{Service: s, Name: name, File: file, Line: n, Col: 5}
			curLine = n
		case strings.HasPrefix(line, "## "):
			finish()
			section = strings.TrimSpace(line[3:])
		case strings.HasPrefix(line, "# "):
			finish()
			if s.Name == "" {
				s.Name = strings.TrimSpace(line[2:])
			}
		case strings.HasPrefix(line, "- prefix:"):
			s.Prefix = strings.TrimSpace(strings.TrimPrefix(line, "- prefix:"))
			s.Line, s.Col = n, valueCol(line, "- prefix:")
			switch {
			case !ValidPrefix(s.Prefix):
				errAt(n, s.Col, "invalid service prefix %q", s.Prefix)
			case s.Prefix != FilePrefix(file):
				errAt(n, s.Col, "service %q in %s: a catalog file is named by the prefix of its service (catalog/%s.md)", s.Prefix, path.Base(file), s.Prefix)
			}
		case cur != nil && strings.HasPrefix(line, "- description:"):
			cur.Description = strings.TrimSpace(strings.TrimPrefix(line, "- description:"))
			if c := utf8.RuneCountInString(cur.Description); c > MaxText {
				errAt(n, valueCol(line, "- description:"), "action %s: description: %d characters, more than the %d a catalog text may have", cur.Name, c, MaxText)
			}
		case cur != nil && strings.HasPrefix(line, "- access level:"):
			raw := strings.TrimSpace(strings.TrimPrefix(line, "- access level:"))
			l, ok := ParseAccessLevel(raw)
			if !ok {
				errAt(n, valueCol(line, "- access level:"), "action %s: unknown access level %q (want one of List, Read, Write, Permissions management, Tagging)", cur.Name, raw)
				cur.AccessLevel = "?"
			} else {
				cur.AccessLevel = l
			}
		case cur != nil && trimmed == "- resource types":
			// The fenced block follows.
			j := i + 1
			for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
				j++
			}
			if j >= len(lines) || !strings.HasPrefix(lines[j], "```") {
				errAt(n, 1, "action %s: \"- resource types\" must be followed by a ``` fenced JSON block", cur.Name)
				continue
			}
			k := j + 1
			for k < len(lines) && !strings.HasPrefix(lines[k], "```") {
				k++
			}
			if k >= len(lines) {
				errAt(first+j, 1, "action %s: fenced block is never closed", cur.Name)
				i = k
				continue
			}
			block := strings.Join(lines[j+1:k], "\n")
			cur.ResourceTypes = d.noteResources(block, first+j+1, cur)
			if cur.ResourceTypes == nil {
				cur.ResourceTypes = []*ActionResource{}
			}
			i = k
		case cur == nil && section == "Table of Contents":
		default:
			errAt(n, len(line)-len(strings.TrimLeft(line, " \t"))+1, "unexpected line %q", clip(trimmed, 60))
		}
	}
	finish()
	if s.Prefix == "" {
		errAt(1, 1, "\"- prefix:\" line is missing: the note names no service prefix")
	}
	if s.Name == "" {
		s.Name = s.Prefix
	}
	for _, a := range s.Actions {
		if a.AccessLevel == "?" {
			a.AccessLevel = ""
		}
	}
	return s, d.Errs
}

// noteResources decodes a fenced resource-types object whose first line is
// line first of the note, so positions point into the note.
func (d *decoder) noteResources(block string, first int, a *Action) []*ActionResource {
	v, err := jsonpos.ParseAt([]byte(block), first)
	if err != nil {
		d.Syntax(err, "action "+a.Name+": invalid JSON: ")
		return nil
	}
	return d.actionResources(v, "action "+a.Name)
}

// clip shortens s to at most n bytes, cut between two characters, and
// marks the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
