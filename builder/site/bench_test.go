package site

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// BenchmarkBuildFull builds the whole shipped site (every AWS service) into a
// temporary directory. Budget (issue 2): less wall time than Hugo for the same
// pages on the same machine (about 6 s for 23,234 pages on 2 cores) and under
// 500 MiB peak memory; the README says how to measure both.
func BenchmarkBuildFull(b *testing.B) {
	benchmarkBuild(b, os.DirFS("../../content"))
}

// BenchmarkBuildChime builds the site of one service, Amazon Chime.
func BenchmarkBuildChime(b *testing.B) {
	benchmarkBuild(b, onlyServices(b, os.DirFS("../../content"), "chime"))
}

func benchmarkBuild(b *testing.B, content fs.FS) {
	out := filepath.Join(b.TempDir(), "public")
	var stats Stats
	for i := 0; i < b.N; i++ {
		var err error
		stats, err = Build(context.Background(), Config{Content: content, Out: out})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(stats.Pages), "pages")
	b.ReportMetric(float64(stats.Bytes)/1e6, "MB")
}

// onlyServices copies the content that belongs to the given service
// prefixes (and everything that is not per service) into a MapFS.
func onlyServices(tb testing.TB, content fs.FS, prefixes ...string) fstest.MapFS {
	keep := map[string]bool{}
	for _, p := range prefixes {
		keep[p] = true
	}
	m := fstest.MapFS{}
	err := fs.WalkDir(content, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if p == URLManifest || strings.HasPrefix(p, "history/") {
			return nil // the manifest and the history describe every service; a subset would fail them
		}
		dir, name := filepath.Split(p)
		switch dir {
		case "catalog/", "services/":
			base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".yaml")
			if (strings.HasSuffix(name, ".json") || dir == "services/") && !keep[base] {
				return nil
			}
		}
		if strings.HasPrefix(p, "guides/") && !keep[strings.Split(p, "/")[1]] {
			return nil
		}
		data, err := fs.ReadFile(content, p)
		if err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
