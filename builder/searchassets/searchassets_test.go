package searchassets

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamref/iamref/builder/search"
)

// cachedParts are the two parts of an index entry named key, as the test
// writes them.
func cachedParts(key string) [2]indexPart {
	return [2]indexPart{
		{[]byte("idx-" + key), []byte("br-" + key), []byte("gz-" + key)},
		{[]byte("desc-" + key), []byte("descbr-" + key), []byte("descgz-" + key)},
	}
}

func sameParts(a, b [2]indexPart) bool {
	for i := range a {
		if !bytes.Equal(a[i].data, b[i].data) || !bytes.Equal(a[i].br, b[i].br) || !bytes.Equal(a[i].gz, b[i].gz) {
			return false
		}
	}
	return true
}

// TestIndexCache: an entry written is read back whole, both parts; an
// entry missing a file of its descriptions part is not read; the cache
// keeps the newest keepCachedIndexes entries, both parts of each, and
// removes both parts of the others; the key follows the documents.
func TestIndexCache(t *testing.T) {
	dir := t.TempDir()
	for i, key := range []string{"a", "b", "c", "d"} {
		writeCachedIndex(dir, key, cachedParts(key))
		// Distinct times, oldest first, whatever the file system's resolution.
		at := time.Now().Add(time.Duration(i-10) * time.Minute)
		if err := os.Chtimes(cachedIndexPaths(dir, key)[0], at, at); err != nil {
			t.Fatal(err)
		}
	}
	writeCachedIndex(dir, "e", cachedParts("e")) // prunes to the newest three
	var j Job
	if j.readCached(dir, "a") || j.readCached(dir, "b") {
		t.Error("the oldest entries were kept")
	}
	if !j.readCached(dir, "e") || !sameParts(j.parts, cachedParts("e")) || !j.cached {
		t.Errorf("entry e read back as %q", j.parts)
	}
	if j.readCached("", "e") || j.readCached(dir, "") {
		t.Error("read without a cache or a key")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 3*6 {
		t.Errorf("the cache holds %d files, want both parts and their copies of three entries: %q", len(left), left)
	}
	if err := os.Remove(cachedIndexPaths(dir, "d")[1] + ".gz"); err != nil {
		t.Fatal(err)
	}
	if j := (Job{}); j.readCached(dir, "d") {
		t.Error("an entry without its descriptions' gzip copy was read")
	}
	docs := []search.Document{{Kind: "action", ID: "s3:GetObject", Title: "GetObject"}}
	k1 := indexKey(docs)
	docs[0].Title = "GetObjects"
	if k2 := indexKey(docs); k1 == "" || k1 == k2 || k2 != indexKey(docs) {
		t.Errorf("keys %q, %q: want stable and different", k1, k2)
	}
}
