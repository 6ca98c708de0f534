// Command cmp compares the visible text of <main> in iamref's pages and
// Hugo's for the same URLs: tags removed, entities decoded, white space
// ignored (the two put different white space between elements, and chroma
// between tokens). With -all it compares every page Hugo wrote; otherwise the
// paths given as arguments (e.g. s3/GetObject policies/ReadOnlyAccess).
// -section compares one section of each page instead (e.g. -section
// versions -under policies). It prints each page that differs with the first difference in context,
// and the counts. Stdlib only.
package main

import (
	"flag"
	"fmt"
	"html"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

var (
	reMain  = regexp.MustCompile(`(?s)<main[^>]*>(.*)</main>`)
	reSkip  = regexp.MustCompile(`(?s)<(script|style|template)[^>]*>.*?</(script|style|template)>`)
	reTag   = regexp.MustCompile(`(?s)<[^>]*>`)
	reSpace = regexp.MustCompile(`\s+`)
)

// visible is the text of a page's <main> as a reader sees it, or of its
// section labelled by section ("" when the page has none).
func visible(path, section string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	m := reMain.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("%s: no <main>", path)
	}
	if section != "" {
		re := regexp.MustCompile(`(?s)<section aria-labelledby="` + regexp.QuoteMeta(section) + `">.*?</section>`)
		m = [][]byte{nil, re.Find(m[1])}
	}
	s := reSkip.ReplaceAllString(string(m[1]), " ")
	s = reTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	return reSpace.ReplaceAllString(s, ""), nil
}

func main() {
	iam := flag.String("iamref", "/tmp/public", "an iamref build")
	hugo := flag.String("hugo", "/tmp/hugopub", "Hugo's build of the same pages")
	all := flag.Bool("all", false, "compare every page Hugo wrote")
	show := flag.Int("show", 5, "how many differing pages to print")
	section := flag.String("section", "", `compare only the section labelled by this id (e.g. "versions", "granted-by")`)
	under := flag.String("under", "", "with -all, only the pages under this path (e.g. policies)")
	flag.Parse()
	paths := flag.Args()
	if *all {
		err := filepath.WalkDir(*hugo, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && d.Name() == "index.html" {
				rel, _ := filepath.Rel(*hugo, filepath.Dir(p))
				if *under == "" || strings.HasPrefix(rel, *under+"/") {
					paths = append(paths, rel)
				}
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	same, differ := 0, 0
	for _, p := range paths {
		p = strings.Trim(p, "/")
		a, err := visible(filepath.Join(*iam, p, "index.html"), *section)
		if err != nil {
			log.Fatal(err)
		}
		b, err := visible(filepath.Join(*hugo, p, "index.html"), *section)
		if err != nil {
			log.Fatal(err)
		}
		if a == b {
			same++
			continue
		}
		differ++
		if differ > *show {
			continue
		}
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		from := max(0, i-120)
		fmt.Printf("/%s/ differs at byte %d:\n  iamref: …%s…\n  hugo:   …%s…\n", p, i, a[from:min(len(a), i+200)], b[from:min(len(b), i+200)])
	}
	fmt.Printf("%d pages the same, %d differ\n", same, differ)
	if differ > 0 {
		os.Exit(1)
	}
}
