package linkcheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCheckLinks checks the links of a built site named by
// IAMREF_SITE (for example a full build in /tmp/public); it is skipped
// without it. Budget: well under 1 s for the full site on 2 cores.
func BenchmarkCheckLinks(b *testing.B) {
	dir := os.Getenv("IAMREF_SITE")
	if dir == "" {
		b.Skip("set IAMREF_SITE to a built site")
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, "/"+filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	x, err := IndexFiles(dir, files)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Check(dir, files, x)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Links), "links")
	}
}
