// Package searchassets makes the files of the site's search while the
// pages are assembled: the index of the search documents (package search),
// written under a content-hashed name, and the engine that reads it, Go
// compiled to WebAssembly by wasmbuild (cached in <module>/.cache/wasm).
// The page templates need only their names, so the index is compressed
// while the pages render:
//
//	Start       after loading: the index and the engine in the background
//	Ready       before rendering: their names and files
//	Compressed  before publishing: the index's .br and .gz copies
//
// Files, all at the site root: search-<hash>.idx and search-<hash>.wasm,
// wasm_exec-<hash>.js (each with .br and .gz copies) and search.json (for
// go run ./cmd/search -index public).
package searchassets

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/wasmbuild"
)

// Job builds the index and the engine of one build.
type Job struct {
	wasmDone chan struct{}
	wasm     *wasmbuild.Files
	wasmErr  error

	indexDone chan struct{}
	index     []byte
	indexErr  error

	compressed chan struct{} // closed when br and gz are set
	br, gz     []byte
	compErr    error

	files *Files // set by Ready

	cached                    bool // the index came from .cache/search
	docs                      int
	start                     time.Time
	indexTime, wasmTime, wait time.Duration
}

// File is one file of the search, at its site path.
type File struct {
	Path string // site-absolute: /search-0123456789.idx
	Data []byte
}

// Files are the search's files, and the site paths of those the pages
// name.
type Files struct {
	Index, WASM, WASMExec string
	List                  []File
}

// Start starts building the index of docs and compiling the engine from
// the module at moduleRoot ("": found by wasmbuild.ModuleRoot).
func Start(ctx context.Context, docs []search.Document, moduleRoot string) *Job {
	s := &Job{wasmDone: make(chan struct{}), indexDone: make(chan struct{}), compressed: make(chan struct{}), start: time.Now()}
	s.docs = len(docs)
	rootDone := make(chan struct{})
	root, rootErr := moduleRoot, error(nil)
	go func() {
		defer close(s.wasmDone)
		if root == "" {
			root, rootErr = wasmbuild.ModuleRoot(ctx)
		}
		close(rootDone)
		if rootErr != nil {
			s.wasmErr = rootErr
			return
		}
		s.wasm, s.wasmErr = wasmbuild.Compile(ctx, root, filepath.Join(root, ".cache", "wasm"))
		s.wasmTime = time.Since(s.start)
	}()
	go func() {
		defer close(s.compressed)
		<-rootDone
		cache := ""
		if rootErr == nil {
			cache = filepath.Join(root, ".cache", "search")
		}
		key := indexKey(docs)
		if s.readCached(cache, key) {
			s.indexTime = time.Since(s.start)
			close(s.indexDone)
			return
		}
		idx, err := search.Build(docs, search.Options{})
		if err == nil {
			s.index = idx.Bytes()
		}
		s.indexErr = err
		s.indexTime = time.Since(s.start)
		close(s.indexDone)
		if err != nil {
			return
		}
		s.br, s.gz, s.compErr = search.CompressIndex(s.index)
		if s.compErr == nil && cache != "" && key != "" {
			writeCachedIndex(cache, key, s.index, s.br, s.gz) // a cache: failing to write it changes nothing
		}
	}()
	return s
}

// The index is cached in <module>/.cache/search under a hash of the
// documents and of the running builder's executable (which holds the
// indexing code): a build whose content did not change reads the index
// and its compressed copies instead of making them. The last few entries
// are kept.
const keepCachedIndexes = 3

var (
	exeHashOnce sync.Once
	exeHash     []byte
)

// indexKey is the cache key of the index of docs, "" when the executable
// cannot be read.
func indexKey(docs []search.Document) string {
	exeHashOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			return
		}
		f, err := os.Open(exe)
		if err != nil {
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err == nil {
			exeHash = h.Sum(nil)
		}
	})
	if exeHash == nil {
		return ""
	}
	h := sha256.New()
	h.Write(exeHash)
	var buf []byte
	for i := range docs {
		d := &docs[i]
		buf = buf[:0]
		for _, f := range []string{d.Kind, d.ID, d.Title, d.URL, d.Service, d.ServiceName, d.AccessLevel, d.AccessOverride, d.Risk, d.Description} {
			buf = binary.AppendUvarint(buf, uint64(len(f)))
			buf = append(buf, f...)
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func (s *Job) readCached(dir, key string) bool {
	if dir == "" || key == "" {
		return false
	}
	p := filepath.Join(dir, "index-"+key+".idx")
	idx, err1 := os.ReadFile(p)
	br, err2 := os.ReadFile(p + ".br")
	gz, err3 := os.ReadFile(p + ".gz")
	if err1 != nil || err2 != nil || err3 != nil {
		return false
	}
	s.index, s.br, s.gz, s.cached = idx, br, gz, true
	now := time.Now()
	_ = os.Chtimes(p, now, now) // recently used: kept by the pruning
	return true
}

func writeCachedIndex(dir, key string, idx, br, gz []byte) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	p := filepath.Join(dir, "index-"+key+".idx")
	// the copies first: the .idx marks a complete entry
	for _, f := range []struct {
		path string
		data []byte
	}{{p + ".br", br}, {p + ".gz", gz}, {p, idx}} {
		if search.WriteFileAtomic(f.path, f.data) != nil {
			return
		}
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "index-*.idx"))
	type entry struct {
		path string
		mod  time.Time
	}
	var es []entry
	for _, e := range entries {
		if st, err := os.Stat(e); err == nil {
			es = append(es, entry{e, st.ModTime()})
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return b.mod.Compare(a.mod) })
	for _, e := range es[min(len(es), keepCachedIndexes):] {
		for _, ext := range []string{".br", ".gz", ""} { // the marker last
			os.Remove(e.path + ext)
		}
	}
}

// Ready waits for the index and the engine and returns their files.
func (s *Job) Ready() (*Files, error) {
	waitStart := time.Now()
	<-s.wasmDone
	<-s.indexDone
	s.wait = time.Since(waitStart)
	if s.wasmErr != nil {
		return nil, fmt.Errorf("search: %w\n(the search engine is Go compiled to WebAssembly by the go tool; build without search with -search=false)", s.wasmErr)
	}
	if s.indexErr != nil {
		return nil, fmt.Errorf("search index: %w", s.indexErr)
	}
	f := &Files{}
	add := func(path string, data []byte) { f.List = append(f.List, File{path, data}) }
	wasm := search.HashName("search-", ".wasm", s.wasm.Wasm)
	add("/"+wasm, s.wasm.Wasm)
	add("/"+wasm+".br", s.wasm.WasmBrotli)
	add("/"+wasm+".gz", s.wasm.WasmGzip)
	execJS := search.HashName("wasm_exec-", ".js", s.wasm.WasmExec)
	br, gz, err := search.Compress(s.wasm.WasmExec)
	if err != nil {
		return nil, err
	}
	add("/"+execJS, s.wasm.WasmExec)
	add("/"+execJS+".br", br)
	add("/"+execJS+".gz", gz)
	index := search.HashName("search-", ".idx", s.index)
	add("/"+index, s.index)
	manifest, err := json.MarshalIndent(search.Manifest{Index: index, Wasm: wasm, WasmExec: execJS}, "", "  ")
	if err != nil {
		return nil, err
	}
	add("/"+search.ManifestName, append(manifest, '\n'))
	f.Index, f.WASM, f.WASMExec = "/"+index, "/"+wasm, "/"+execJS
	s.files = f
	return f, nil
}

// Compressed waits for the index's brotli and gzip copies, made while the
// pages render, and returns them as files; after Ready.
func (s *Job) Compressed() ([]File, error) {
	<-s.compressed
	if s.compErr != nil {
		return nil, s.compErr
	}
	return []File{{s.files.Index + ".br", s.br}, {s.files.Index + ".gz", s.gz}}, nil
}

// Stats says what the job made and how long it took.
type Stats struct {
	Docs                      int
	Cached                    bool // the index came from .cache/search
	IndexTime, WasmTime, Wait time.Duration
	IndexBytes, IndexBrotli   int
	WasmBrotli                int
}

// Stats are the job's numbers, once Compressed returned.
func (s *Job) Stats() Stats {
	return Stats{Docs: s.docs, Cached: s.cached, IndexTime: s.indexTime, WasmTime: s.wasmTime, Wait: s.wait,
		IndexBytes: len(s.index), IndexBrotli: len(s.br), WasmBrotli: len(s.wasm.WasmBrotli)}
}
