// Command search queries the search index of a built site:
//
//	go run ./cmd/search -index public create meeting
//
// It prints the top results as JSON lines with id, kind, title, url and
// score. The index is found through the site's search.json.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/query"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "search:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("index", "public", "directory holding "+search.ManifestName+" and the index it names")
	limit := fs.Int("n", 10, "number of results")
	snippets := fs.Bool("snippet", false, "also print the highlighted description")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: search [-index dir] [-n 10] [-snippet] QUERY...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(q) == "" {
		fs.Usage()
		return errors.New("no query")
	}
	m, err := search.ReadManifest(*dir)
	if err != nil {
		return fmt.Errorf("reading the manifest (build the site first?): %w", err)
	}
	if m.Index == "" || m.Descriptions == "" {
		return fmt.Errorf("%s does not name both parts of an index", filepath.Join(*dir, search.ManifestName))
	}
	names, err := os.ReadFile(filepath.Join(*dir, m.Index))
	if err != nil {
		return err
	}
	descs, err := os.ReadFile(filepath.Join(*dir, m.Descriptions))
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	eng, err := query.OpenAll(names, descs)
	if err != nil {
		return err
	}
	res := eng.Search(q, *limit)
	if res.Error != "" {
		return errors.New(res.Error)
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, h := range res.Hits {
		line := struct {
			ID      string  `json:"id"`
			Kind    string  `json:"kind"`
			Title   string  `json:"title"`
			URL     string  `json:"url"`
			Score   float64 `json:"score"`
			Snippet string  `json:"snippet,omitempty"`
		}{ID: h.ID, Kind: h.Kind, Title: h.Title, URL: h.URL, Score: h.Score}
		if *snippets {
			var b strings.Builder
			for _, s := range h.Snippet {
				if s.Mark {
					b.WriteString("[" + s.Text + "]")
				} else {
					b.WriteString(s.Text)
				}
			}
			line.Snippet = b.String()
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return nil
}
