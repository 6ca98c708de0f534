package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/diag"
	"github.com/iamref/iamref/builder/history"
	"github.com/iamref/iamref/internal/parallel"
)

// Atom feeds (RFC 4287) of the catalog's changes, written with
// encoding/xml:
//
//	/changes/feed.xml                    one entry per snapshot: what changed in the catalog
//	/<prefix>/changes/feed.xml           one entry per snapshot that changed the service
//	/changes/permissions-management.xml  one entry per new Permissions management action
//
// Entry ids are tag URIs made of the snapshot's date and what the entry is
// about (tag:iamref,2026:changes/2026-06-14, tag:iamref,2026:s3/changes/2026-06-14,
// tag:iamref,2026:permissions-management/2026-06-14/iam:CreateThing), and
// updated dates are the snapshots' dates at midnight UTC (a month-only date
// is its first day), so a feed changes only when the history does.

const atomNS = "http://www.w3.org/2005/Atom"

// tagBase is the start of every feed and entry id; never change it, feed
// readers key entries by id.
const tagBase = "tag:iamref,2026:"

type atomFeed struct {
	XMLName  xml.Name    `xml:"feed"`
	NS       string      `xml:"xmlns,attr"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary *atomText  `xml:"summary,omitempty"`
	Content *atomText  `xml:"content,omitempty"`
}

// atomDate is a snapshot date as an RFC 3339 timestamp.
func atomDate(date string) string {
	if len(date) == len("2006-01") {
		date += "-01"
	}
	return date + "T00:00:00Z"
}

// feedWriter makes one feed's links: absolute with a base URL, else
// relative to the feed's own location (feed readers resolve them against
// the feed's URL).
type feedWriter struct {
	b    *builder
	path string
	err  *error // the first error; feeds are written concurrently
}

func (w feedWriter) fail(err error) {
	if *w.err == nil {
		*w.err = fmt.Errorf("feed %s: %w", w.path, err)
	}
}

func (w feedWriter) link(target string) string {
	if w.b.cfg.BaseURL != "" {
		return w.b.cfg.BaseURL + target
	}
	return Rel(w.path, target)
}

func (w feedWriter) feed(title, subtitle, id, page string, entries []atomEntry) []byte {
	f := atomFeed{NS: atomNS, Title: title, Subtitle: subtitle, ID: tagBase + id, Author: atomPerson{Name: "iamref"}, Entries: entries,
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: w.link(w.path)}, {Rel: "alternate", Type: "text/html", Href: w.link(page)}}}
	f.Updated = atomDate(w.b.cat.Snapshot.Date)
	if len(entries) > 0 {
		f.Updated = entries[0].Updated
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		// Only unencodable strings fail; they are reported, not written.
		w.fail(err)
		return nil
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// feedEntryHTML is an entry's content: the transition's counts and its
// lists, with links made by the feed writer.
var feedEntryHTML = template.Must(template.New("entry").Parse(`<p>{{.Summary}}</p>
{{- with .PM}}<p>New Permissions management actions:</p><ul>{{range .}}<li><a href="{{.Href}}">{{.Text}}</a></li>{{end}}</ul>{{end}}
{{- range .Lists}}<p>{{.Title}}:</p><ul>{{range .Items}}<li>{{if .Href}}<a href="{{.Href}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{with .Note}} — {{.}}{{end}}</li>{{end}}</ul>{{end}}`))

type feedItem struct{ Href, Text, Note string }

type feedList struct {
	Title string
	Items []feedItem
}

type feedEntryData struct {
	Summary string
	PM      []feedItem
	Lists   []feedList
}

func (w feedWriter) entryHTML(d feedEntryData) *atomText {
	var buf bytes.Buffer
	if err := feedEntryHTML.Execute(&buf, d); err != nil {
		w.fail(err)
	}
	return &atomText{Type: "html", Body: buf.String()}
}

// levelSummary is "12 Write, 3 Read" for a transition's counts.
func levelSummary(c LevelCounts) string {
	var parts []string
	for i, n := range c {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", commas(n), catalog.AccessLevels[i]))
		}
	}
	return strings.Join(parts, ", ")
}

func transitionSummary(tv *TransitionView) string {
	s := fmt.Sprintf("%s actions added", commas(tv.AddedN))
	if l := levelSummary(tv.Added); l != "" {
		s += " (" + l + ")"
	}
	s += fmt.Sprintf(", %s removed", commas(tv.RemovedN))
	if l := levelSummary(tv.Removed); l != "" {
		s += " (" + l + ")"
	}
	s += fmt.Sprintf(", %s changed", commas(tv.Changed))
	if tv.ResourceTypeCount > 0 {
		s += fmt.Sprintf("; %s resource types and", commas(tv.ResourceTypeCount))
	} else {
		s += ";"
	}
	s += fmt.Sprintf(" %s condition keys added, removed or changed", commas(tv.ConditionKeyCount))
	if tv.ServicesAdded > 0 || tv.ServicesRemoved > 0 {
		s += fmt.Sprintf("; %d services added, %d removed", tv.ServicesAdded, tv.ServicesRemoved)
	}
	if tv.SourceChange {
		s += fmt.Sprintf(". The catalog's source changed (%s, then %s); %s entities that the two sources only describe differently are not counted", tv.From.Source, tv.To.Source, commas(tv.SourceN))
	}
	return s + "."
}

// feeds writes the three kinds of feed from the changes pages.
func (hb *historyBuilder) feeds() {
	b := hb.b
	var all, pmPage *ChangesPage
	var services []*ChangesPage
	for _, j := range b.jobs {
		if p, ok := j.page.(*ChangesPage); ok {
			if p.Prefix == "" {
				all = p
			} else {
				services = append(services, p)
			}
		}
	}
	if all == nil {
		return
	}
	pmPage = all

	// The whole catalog.
	errs := make([]error, len(services)+2)
	w := feedWriter{b: b, path: ChangesFeedPath, err: &errs[0]}
	var entries []atomEntry
	for _, tv := range all.Transitions {
		d := feedEntryData{Summary: transitionSummary(tv)}
		for _, c := range tv.PermissionsMgmt {
			d.PM = append(d.PM, feedItem{Href: w.link(c.Path), Text: c.Full()})
		}
		var svc feedList
		svc.Title = fmt.Sprintf("%d services changed", len(tv.Services))
		for _, s := range tv.Services {
			note := fmt.Sprintf("%d added, %d removed, %d changed actions", s.Added, s.Removed, s.Changed)
			if s.Kind == history.Added || s.Kind == history.Removed {
				note = "service " + string(s.Kind) + "; " + note
			}
			svc.Items = append(svc.Items, feedItem{Href: w.link(s.Path), Text: s.Prefix, Note: note})
		}
		d.Lists = append(d.Lists, svc)
		entries = append(entries, atomEntry{
			Title:   fmt.Sprintf("IAM catalog of %s: %s actions added, %s removed, %s changed", tv.To.Label, commas(tv.AddedN), commas(tv.RemovedN), commas(tv.Changed)),
			ID:      tagBase + "changes/" + tv.To.Date,
			Updated: atomDate(tv.To.Date),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: w.link(ChangesPath + "#" + tv.ID)}},
			Content: w.entryHTML(d),
		})
	}
	b.addFile(ChangesFeedPath, w.feed("iamref: AWS IAM catalog changes", "What AWS added, removed and changed in the IAM catalog, per snapshot.", "changes", ChangesPath, entries))

	// New Permissions management actions, newest first.
	w = feedWriter{b: b, path: PermissionsFeedPath, err: &errs[1]}
	entries = nil
	for _, tv := range pmPage.Transitions {
		for _, c := range tv.PermissionsMgmt {
			e := atomEntry{
				Title:   fmt.Sprintf("%s — new Permissions management action (%s)", c.Full(), tv.To.Label),
				ID:      tagBase + "permissions-management/" + tv.To.Date + "/" + c.Full(),
				Updated: atomDate(tv.To.Date),
			}
			text := fmt.Sprintf("%s first appeared in the catalog snapshot of %s with the access level Permissions management.", c.Full(), tv.To.Label)
			if a := hb.liveAction(c.Service, c.Name); a != nil {
				if a.Description != "" {
					text += " " + a.Description
				}
			} else {
				text += " It is no longer in the catalog."
			}
			e.Summary = &atomText{Type: "text", Body: text}
			if c.Path != "" {
				e.Links = []atomLink{{Rel: "alternate", Type: "text/html", Href: w.link(c.Path)}}
			}
			entries = append(entries, e)
		}
	}
	b.addFile(PermissionsFeedPath, w.feed("iamref: new Permissions management actions", "IAM actions that can change permissions, as each snapshot of the catalog added them.", "permissions-management", ChangesPath, entries))

	// Per service, on every core.
	data := make([][]byte, len(services))
	parallel.Each(len(services), func(i int) {
		p := services[i]
		w := feedWriter{b: b, path: ServiceFeedPath(p.Prefix), err: &errs[i+2]}
		var entries []atomEntry
		for _, tv := range p.Transitions {
			if !tv.Real() {
				continue // the sources differ, nothing changed
			}
			d := feedEntryData{Summary: transitionSummary(tv)}
			for _, c := range tv.PermissionsMgmt {
				d.PM = append(d.PM, feedItem{Href: w.link(c.Path), Text: c.Full()})
			}
			lists := []struct {
				title string
				cs    []*ChangeView
			}{{"Added actions", tv.AddedActions}, {"Removed actions", tv.RemovedActions}, {"Changed actions", tv.ChangedActions}, {"Resource types", tv.ResourceTypes}, {"Condition keys", tv.ConditionKeys}, {"Service", tv.ServiceChanges}}
			for _, l := range lists {
				if len(l.cs) == 0 {
					continue
				}
				fl := feedList{Title: l.title}
				for _, c := range l.cs {
					it := feedItem{Text: c.Full(), Note: changeNote(c)}
					if c.Path != "" {
						it.Href = w.link(c.Path)
					}
					fl.Items = append(fl.Items, it)
				}
				d.Lists = append(d.Lists, fl)
			}
			entries = append(entries, atomEntry{
				Title:   fmt.Sprintf("%s in the catalog of %s: %d actions added, %d removed, %d changed", p.Prefix, tv.To.Label, tv.AddedN, tv.RemovedN, tv.Changed),
				ID:      tagBase + p.Prefix + "/changes/" + tv.To.Date,
				Updated: atomDate(tv.To.Date),
				Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: w.link(p.Path + "#" + tv.ID)}},
				Content: w.entryHTML(d),
			})
		}
		name := p.Name
		if name == "" {
			name = p.Prefix
		}
		data[i] = w.feed("iamref: "+name+" ("+p.Prefix+") IAM changes", "What AWS added, removed and changed in the IAM catalog of "+p.Prefix+", per snapshot.", p.Prefix+"/changes", p.Path, entries)
	})
	for i, p := range services {
		b.addFile(ServiceFeedPath(p.Prefix), data[i])
	}
	for _, err := range errs {
		if err != nil {
			b.errs = append(b.errs, &diag.Diagnostic{File: history.Dir, Msg: err.Error()})
		}
	}
}

// changeNote is a one-line account of a change, for feeds.
func changeNote(c *ChangeView) string {
	switch c.Kind {
	case history.Added:
		if c.Level != "" {
			return "added (" + string(c.Level) + ")"
		}
		return "added"
	case history.Removed:
		if c.Level != "" {
			return "removed (was " + string(c.Level) + ")"
		}
		return "removed"
	}
	var parts []string
	for _, f := range c.Fields {
		s := strings.ToLower(f.Label)
		if f.Row && f.Field != history.ResourceTypeField {
			s += " of " + rowName(f.Resource)
		}
		switch {
		case f.Field == history.ResourceTypeField:
			s += " " + rowName(f.Resource) + ": " + rowState(f.Old) + " → " + rowState(f.New)
		case f.Field == history.DescriptionField:
			// the text itself is on the page
		case len(f.Added) > 0 || len(f.Removed) > 0:
			if len(f.Added) > 0 {
				s += " +" + strings.Join(f.Added, " +")
			}
			if len(f.Removed) > 0 {
				s += " −" + strings.Join(f.Removed, " −")
			}
		default:
			s += ": " + f.Old + " → " + f.New
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// rowName names an action's resource-type row.
func rowName(r string) string {
	if r == "" {
		return "(no resource type)"
	}
	return r
}

// rowState spells a resource-type row state.
func rowState(s string) string {
	if s == history.RowAbsent {
		return "absent"
	}
	return s
}
