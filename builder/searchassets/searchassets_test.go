package searchassets

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/iamref/iamref/builder/search"
)

// TestIndexCache: an entry written is read back whole; the cache keeps the
// newest keepCachedIndexes entries; the key follows the documents.
func TestIndexCache(t *testing.T) {
	dir := t.TempDir()
	for i, key := range []string{"a", "b", "c", "d"} {
		writeCachedIndex(dir, key, []byte("idx-"+key), []byte("br-"+key), []byte("gz-"+key))
		// Distinct times, oldest first, whatever the file system's resolution.
		at := time.Now().Add(time.Duration(i-10) * time.Minute)
		p := filepath.Join(dir, "index-"+key+".idx")
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	writeCachedIndex(dir, "e", []byte("idx-e"), []byte("br-e"), []byte("gz-e")) // prunes to the newest three
	var j Job
	if j.readCached(dir, "a") || j.readCached(dir, "b") {
		t.Error("the oldest entries were kept")
	}
	if !j.readCached(dir, "e") || string(j.index) != "idx-e" || string(j.br) != "br-e" || string(j.gz) != "gz-e" || !j.cached {
		t.Errorf("entry e read back as %q %q %q", j.index, j.br, j.gz)
	}
	if j.readCached("", "e") || j.readCached(dir, "") {
		t.Error("read without a cache or a key")
	}
	docs := []search.Document{{Kind: "action", ID: "s3:GetObject", Title: "GetObject"}}
	k1 := indexKey(docs)
	docs[0].Title = "GetObjects"
	if k2 := indexKey(docs); k1 == "" || k1 == k2 || k2 != indexKey(docs) {
		t.Errorf("keys %q, %q: want stable and different", k1, k2)
	}
}
