// Package searchassets makes the files of the site's search while the
// pages are assembled and rendered: the index of the search documents
// (package search), written under a content-hashed name, and the engine
// that reads it, Go compiled to WebAssembly by wasmbuild (cached in
// <module>/.cache/wasm). The page templates need only their names: the
// index's, a hash of its bytes, is known once it is built (seconds); the
// engine's, a hash of its inputs (wasmbuild.Job.Name), before it compiles,
// so the pages render while the engine compiles (about a minute on a fresh
// clone) and the index is compressed:
//
//	Start   after loading: the index and the engine in the background
//	Ready   before rendering: their names, and the files known by then
//	Finish  before publishing: the index's .br and .gz copies, the engine
//
// Files, all at the site root: the index's parts search-<hash>.idx (names)
// and search-desc-<hash>.idx (descriptions), search-<hash>.wasm and
// wasm_exec-<hash>.js (each with .br and .gz copies) and search.json (for
// go run ./cmd/search -index public).
package searchassets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/wasmbuild"
)

// Job builds the index and the engine of one build.
type Job struct {
	named    chan struct{} // closed when engine (or wasmErr) is set
	engine   *wasmbuild.Job
	wasmDone chan struct{} // closed when wasm (or wasmErr) is set
	wasm     *wasmbuild.Files
	wasmErr  error

	indexDone chan struct{}
	parts     [2]indexPart // names, descriptions (search.Index)
	indexErr  error

	compressed chan struct{} // closed when the parts' br and gz are set
	compErr    error

	files *Files // set by Ready
	fixed bool   // FixedIndexNames

	cached                              bool // the index came from .cache/search
	docs                                int
	start                               time.Time
	indexTime, wasmTime, wait, wasmWait time.Duration
}

// indexPart is one part of the index with its compressed copies.
type indexPart struct{ data, br, gz []byte }

// indexPrefixes are the prefixes of the parts' file names.
var indexPrefixes = [2]string{"search-", "search-desc-"}

// File is one file of the search, at its site path.
type File struct {
	Path string // site-absolute: /search-0123456789.idx
	Data []byte
}

// Files are the search's files known before the pages render, and the
// site paths of those the pages name: Index and Descriptions are the
// index's parts; WASM is written by Finish.
type Files struct {
	Index, Descriptions, WASM, WASMExec string
	List                                []File
}

// Start starts building the index of docs and compiling the engine from
// the module at moduleRoot ("": found by wasmbuild.ModuleRoot).
func Start(ctx context.Context, docs []search.Document, moduleRoot string) *Job {
	s := &Job{named: make(chan struct{}), wasmDone: make(chan struct{}), indexDone: make(chan struct{}), compressed: make(chan struct{}), start: time.Now()}
	s.docs = len(docs)
	rootDone := make(chan struct{})
	root, rootErr := moduleRoot, error(nil)
	go func() {
		defer close(s.wasmDone)
		if root == "" {
			root, rootErr = wasmbuild.ModuleRoot(ctx)
		}
		close(rootDone)
		err := rootErr
		if err == nil {
			s.engine, err = wasmbuild.Start(ctx, root, filepath.Join(root, ".cache", "wasm"))
		}
		s.wasmErr = err
		close(s.named)
		if err != nil {
			return
		}
		s.wasm, s.wasmErr = s.engine.Wait()
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
			s.parts[0].data, s.parts[1].data = idx.Names(), idx.Descriptions()
		}
		s.indexErr = err
		s.indexTime = time.Since(s.start)
		close(s.indexDone)
		if err != nil {
			return
		}
		for i := range s.parts {
			p := &s.parts[i]
			if p.br, p.gz, err = search.CompressIndex(p.data); err != nil {
				s.compErr = err
				return
			}
		}
		if cache != "" && key != "" {
			writeCachedIndex(cache, key, s.parts) // a cache: failing to write it changes nothing
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
		buf = d.AppendKey(buf[:0])
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func (s *Job) readCached(dir, key string) bool {
	if dir == "" || key == "" {
		return false
	}
	var parts [2]indexPart
	paths := cachedIndexPaths(dir, key)
	for i, p := range paths {
		var err1, err2, err3 error
		parts[i].data, err1 = os.ReadFile(p)
		parts[i].br, err2 = os.ReadFile(p + ".br")
		parts[i].gz, err3 = os.ReadFile(p + ".gz")
		if err1 != nil || err2 != nil || err3 != nil {
			return false
		}
	}
	s.parts, s.cached = parts, true
	now := time.Now()
	_ = os.Chtimes(paths[0], now, now) // recently used: kept by the pruning
	return true
}

// cachedIndexPaths are the files of the parts of an index in the cache:
// the names part's marks a complete entry.
func cachedIndexPaths(dir, key string) [2]string {
	return [2]string{filepath.Join(dir, "index-"+key+".idx"), filepath.Join(dir, "index-"+key+".desc.idx")}
}

func writeCachedIndex(dir, key string, parts [2]indexPart) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	paths := cachedIndexPaths(dir, key)
	// the descriptions part and the copies first: the names part's .idx
	// marks a complete entry
	var files []File
	for _, i := range []int{1, 0} {
		files = append(files, File{paths[i] + ".br", parts[i].br}, File{paths[i] + ".gz", parts[i].gz}, File{paths[i], parts[i].data})
	}
	for _, f := range files {
		if search.WriteFileAtomic(f.Path, f.Data) != nil {
			return
		}
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "index-*.idx"))
	type entry struct {
		key string
		mod time.Time
	}
	var es []entry
	for _, e := range entries {
		k := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(e), "index-"), ".idx")
		if strings.Contains(k, ".") {
			continue // a descriptions part
		}
		if st, err := os.Stat(e); err == nil {
			es = append(es, entry{k, st.ModTime()})
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return b.mod.Compare(a.mod) })
	for _, e := range es[min(len(es), keepCachedIndexes):] {
		paths := cachedIndexPaths(dir, e.key)
		for _, p := range []string{paths[0], paths[1] + ".br", paths[1] + ".gz", paths[1], paths[0] + ".br", paths[0] + ".gz"} { // the marker first
			os.Remove(p)
		}
	}
}

// Ready waits for the index and the engine's name and returns the files
// known by then: the index's parts, Go's wasm_exec.js and the manifest.
// The engine may still be compiling.
func (s *Job) Ready() (*Files, error) {
	waitStart := time.Now()
	<-s.named
	<-s.indexDone
	s.wait = time.Since(waitStart)
	if s.engine == nil {
		return nil, s.engineError()
	}
	if s.indexErr != nil {
		return nil, fmt.Errorf("search index: %w", s.indexErr)
	}
	f := &Files{}
	add := func(path string, data []byte) { f.List = append(f.List, File{path, data}) }
	wasm := s.engine.Name() // its files come from Finish, once compiled
	execJS := search.HashName("wasm_exec-", ".js", s.engine.WasmExec)
	br, gz, err := search.Compress(s.engine.WasmExec)
	if err != nil {
		return nil, err
	}
	add("/"+execJS, s.engine.WasmExec)
	add("/"+execJS+".br", br)
	add("/"+execJS+".gz", gz)
	var names [2]string
	for i := range s.parts {
		// Only data: br and gz are still being written (Finish waits).
		data := s.parts[i].data
		names[i] = indexName(i, data, s.fixed)
		add("/"+names[i], data)
	}
	manifest, err := json.MarshalIndent(search.Manifest{Index: names[0], Descriptions: names[1], Wasm: wasm, WasmExec: execJS}, "", "  ")
	if err != nil {
		return nil, err
	}
	add("/"+search.ManifestName, append(manifest, '\n'))
	f.Index, f.Descriptions, f.WASM, f.WASMExec = "/"+names[0], "/"+names[1], "/"+wasm, "/"+execJS
	s.files = f
	return f, nil
}

// Finish waits for what the pages did not need, the index parts' brotli
// and gzip copies (made while the pages rendered) and the engine (compiled
// meanwhile), and returns their files; after Ready.
func (s *Job) Finish() ([]File, error) {
	<-s.compressed
	if s.compErr != nil {
		return nil, s.compErr
	}
	var files []File
	for i, name := range []string{s.files.Index, s.files.Descriptions} {
		files = append(files, File{name + ".br", s.parts[i].br}, File{name + ".gz", s.parts[i].gz})
	}
	waitStart := time.Now()
	<-s.wasmDone
	s.wasmWait = time.Since(waitStart)
	if s.wasmErr != nil {
		return nil, s.engineError()
	}
	wasm := s.files.WASM
	files = append(files, File{wasm, s.wasm.Wasm}, File{wasm + ".br", s.wasm.WasmBrotli}, File{wasm + ".gz", s.wasm.WasmGzip})
	return files, nil
}

// FixedIndexNames names the index's parts search-preview.idx and
// search-desc-preview.idx instead of by their hash, for the preview
// server: the pages name the index, and an edit that changes the index
// then changes only the index, not every page. Call it before Ready.
func (s *Job) FixedIndexNames() { s.fixed = true }

// indexName is the file name of part i of the index.
func indexName(i int, data []byte, fixed bool) string {
	if fixed {
		return indexPrefixes[i] + "preview.idx"
	}
	return search.HashName(indexPrefixes[i], ".idx", data)
}

// IndexFiles builds the index of docs alone, without the engine, and
// returns its parts and their compressed copies as Ready and Finish would
// (with fixed names, see FixedIndexNames), for the preview's rebuilds.
func IndexFiles(docs []search.Document, fixed bool) ([]File, error) {
	idx, err := search.Build(docs, search.Options{})
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	var files []File
	for i, data := range [][]byte{idx.Names(), idx.Descriptions()} {
		br, gz, err := search.CompressIndex(data)
		if err != nil {
			return nil, err
		}
		name := "/" + indexName(i, data, fixed)
		files = append(files, File{name, data}, File{name + ".br", br}, File{name + ".gz", gz})
	}
	return files, nil
}

func (s *Job) engineError() error {
	return fmt.Errorf("search: %w\n(the search engine is Go compiled to WebAssembly by the go tool; build without search with -search=false)", s.wasmErr)
}

// Stats says what the job made and how long it took.
type Stats struct {
	Docs                                int
	Cached                              bool // the index came from .cache/search
	IndexTime, WasmTime, Wait, WasmWait time.Duration
	// the parts' sizes, raw and brotli
	NamesBytes, NamesBrotli, DescBytes, DescBrotli int
	WasmBrotli                                     int
}

// Stats are the job's numbers, once Finish returned.
func (s *Job) Stats() Stats {
	return Stats{Docs: s.docs, Cached: s.cached, IndexTime: s.indexTime, WasmTime: s.wasmTime, Wait: s.wait, WasmWait: s.wasmWait,
		NamesBytes: len(s.parts[0].data), NamesBrotli: len(s.parts[0].br), DescBytes: len(s.parts[1].data), DescBrotli: len(s.parts[1].br),
		WasmBrotli: len(s.wasm.WasmBrotli)}
}
