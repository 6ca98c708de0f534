// Package search builds the site's search index: a bleve upsidedown index
// built in memory, then serialised as one flat, sorted key/value file
// together with a compact table of what a result shows. Package
// builder/search/query opens that file, natively or in WebAssembly.
//
// What the index holds: two analysed fields per document, "name" (the
// words of the id split at camelCase and punctuation, and of the title
// when it differs) and "desc" (the description without the "Grants
// permission to" that starts most of them); no stored fields, no term
// vectors; no back-index rows (package internal/rowindex, which answers
// bleve's searchers, counts documents from the document table).
// Document ids inside bleve are 3-byte ordinals, so posting keys stay
// short. Ids, kinds, services, access levels, titles, URLs and
// descriptions live in a column-wise side table in the same file: exact
// ids, action names typed in any case or spacing, IAM wildcards and
// filters are answered from it.
//
// Wiring a site:
//
//	idx, _ := search.Build(docs, search.Options{})
//	ia, _ := search.Write(idx, "public")                     // search-<hash>.idx(.br, .gz)
//	wa, _ := wasmbuild.Build(ctx, ".", ".cache/wasm", "public") // search-<hash>.wasm, wasm_exec-<hash>.js
//
// and on the search form of every page (URLs relative to the page):
//
//	<form role="search" action="/" method="get"
//	      data-index="{{ia.Index}}" data-wasm="{{wa.Wasm}}" data-wasm-exec="{{wa.WasmExec}}"
//	      data-worker="js/search-worker.js" data-root="{{root}}">
//	  <input id="search-input" name="q" ...>
//	</form>
//	<script src="js/search.js" defer></script>
//
// The server should send .wasm as application/wasm and may serve the .br
// and .gz copies with Content-Encoding. The page's CSP needs script-src
// 'self' 'wasm-unsafe-eval' and worker-src 'self'.
package search

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/upsidedown"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/iamref/iamref/builder/search/internal/flatkv"
	"github.com/iamref/iamref/builder/search/internal/format"
	"github.com/iamref/iamref/builder/search/internal/memkv"
	"github.com/iamref/iamref/builder/search/internal/textan"
)

// Document is one searchable thing of the site.
type Document struct {
	// Kind is one of action, service, resource, condition, policy,
	// example, guide.
	Kind string
	// ID is what the user may type exactly: "chime:CreateMeeting" for an
	// action, the prefix "chime" for a service, a policy name, ...
	ID          string
	Title       string
	URL         string
	Service     string // service prefix, "" when none
	ServiceName string // "Amazon Chime"; indexed with service documents
	AccessLevel string // for actions: List, Read, Write, Permissions management, Tagging
	// AccessOverride is a corrected access level (policy_sentry's) when
	// the official one is disputed; the access: filter matches either.
	AccessOverride string
	// Risk is the risk categories of a sensitive action, lower case and
	// separated by spaces ("privesc credentialexposure"); the risk: filter
	// matches any of them by its beginning.
	Risk        string
	Description string
}

// Kinds lists the document kinds in the order results of equal score are
// shown.
var Kinds = []string{"service", "action", "resource", "condition", "policy", "example", "guide"}

func kindRank(k string) int {
	if i := slices.Index(Kinds, k); i >= 0 {
		return i
	}
	return len(Kinds)
}

// Options tune Build.
type Options struct {
	// Workers is the number of analysis goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Index is a built, serialised index.
type Index struct {
	data []byte
	docs int
	rows int
}

// Bytes returns the serialised index (the content of search-<hash>.idx).
func (x *Index) Bytes() []byte { return x.data }

// Docs returns the number of documents in the index.
func (x *Index) Docs() int { return x.docs }

// Rows returns the number of key/value rows in the index.
func (x *Index) Rows() int { return x.rows }

// Build indexes docs. The bytes of the result depend only on the set of
// documents, not on their order nor on scheduling.
func Build(docs []Document, opts Options) (*Index, error) {
	if len(docs) == 0 {
		return nil, errors.New("search: no documents")
	}
	if len(docs) > format.MaxDocs {
		return nil, fmt.Errorf("search: %d documents, at most %d", len(docs), format.MaxDocs)
	}
	sorted := slices.Clone(docs)
	// Documents of one service sit together: their internal ids are then
	// close, which keeps posting lists compact.
	slices.SortFunc(sorted, func(a, b Document) int {
		return cmp.Or(
			cmp.Compare(a.Service, b.Service),
			cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Title, b.Title),
			cmp.Compare(a.URL, b.URL),
			cmp.Compare(a.AccessLevel, b.AccessLevel),
			cmp.Compare(a.AccessOverride, b.AccessOverride),
			cmp.Compare(a.Risk, b.Risk),
			cmp.Compare(a.ServiceName, b.ServiceName),
			cmp.Compare(a.Description, b.Description),
		)
	})

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	queue := index.NewAnalysisQueue(workers)
	defer queue.Close()
	idx, err := upsidedown.NewUpsideDownCouch(memkv.Name, nil, queue)
	if err != nil {
		return nil, err
	}
	if err := idx.Open(); err != nil {
		return nil, err
	}
	defer idx.Close()

	// The first document alone fixes the field numbering; every document
	// then has the same fields in the same order.
	if err := idx.Update(bleveDoc(0, &sorted[0])); err != nil {
		return nil, err
	}
	batch := index.NewBatch()
	for i := 1; i < len(sorted); i++ {
		batch.Update(bleveDoc(i, &sorted[i]))
	}
	if err := idx.Batch(batch); err != nil {
		return nil, err
	}

	kvs, err := idx.(*upsidedown.UpsideDownCouch).Advanced()
	if err != nil {
		return nil, err
	}
	var enc flatkv.Encoder
	err = kvs.(*memkv.Store).Walk(func(k, v []byte) error {
		switch k[0] {
		case 'f', 'd', 't':
			// fields, the term dictionary, term frequencies: what
			// package rowindex reads
			return enc.Add(k, v)
		case 'v', 'b', 's', 'i':
			// upsidedown's version row, back-index rows (for updates and
			// deletes; queries count documents in the document table),
			// stored fields and internal rows: none are needed
			return nil
		}
		return fmt.Errorf("search: unexpected index row %q", k)
	})
	if err != nil {
		return nil, err
	}

	meta := make([]format.Doc, len(sorted))
	for i, d := range sorted {
		meta[i] = format.Doc{
			Kind: d.Kind, ID: d.ID, Title: d.Title, URL: d.URL, Service: d.Service,
			AccessLevel: d.AccessLevel, AccessOverride: d.AccessOverride, Risk: d.Risk, Description: d.Description,
		}
	}
	return &Index{
		data: format.Join(enc.Encode(), format.EncodeDocs(meta)),
		docs: len(sorted),
		rows: enc.Len(),
	}, nil
}

func bleveDoc(n int, d *Document) *document.Document {
	const opts = index.IndexField
	an := textan.Analyzer{}
	doc := document.NewDocument(string(format.DocID(n)))
	name := textan.NameText(d.ID, d.Title)
	if d.Kind == "service" && d.ServiceName != "" {
		name += " " + d.ServiceName
	}
	doc.AddField(document.NewTextFieldCustom(textan.FieldName, nil, []byte(name), opts, an))
	doc.AddField(document.NewTextFieldCustom(textan.FieldDesc, nil, []byte(textan.DescText(d.Description)), opts, an))
	return doc
}

// ManifestName is the file, next to the hashed assets, that names them.
// Unlike theirs, its name does not start with "search-": hosts may cache
// search-* forever.
const ManifestName = "search.json"

// Manifest names the hashed search assets of a directory. Precompressed
// copies are the same names plus ".br" and ".gz".
type Manifest struct {
	Index    string `json:"index,omitempty"`
	Wasm     string `json:"wasm,omitempty"`
	WasmExec string `json:"wasmExec,omitempty"`
}

var manifestMu sync.Mutex

// UpdateManifest reads dir's manifest (if any), lets fn change it and
// writes it back. Calls within one process are serialised.
func UpdateManifest(dir string, fn func(*Manifest)) error {
	manifestMu.Lock()
	defer manifestMu.Unlock()
	path := filepath.Join(dir, ManifestName)
	var m Manifest
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("search: %s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	fn(&m)
	b, err := json.MarshalIndent(&m, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, append(b, '\n'))
}

// ReadManifest reads dir's manifest.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return m, err
	}
	err = json.Unmarshal(b, &m)
	return m, err
}

// Assets names the files Write wrote.
type Assets struct {
	Index      string // "search-<hash>.idx"
	Brotli     string // Index + ".br"
	Gzip       string // Index + ".gz"
	Size       int
	BrotliSize int
	GzipSize   int
}

// Write writes idx into dir as search-<hash>.idx with .br and .gz copies
// (CompressIndex),
// and records the name in dir's manifest.
func Write(idx *Index, dir string) (Assets, error) {
	name := HashName("search-", ".idx", idx.data)
	br, gz, err := CompressIndex(idx.data)
	if err != nil {
		return Assets{}, err
	}
	if err := WriteCompressed(dir, name, idx.data, br, gz); err != nil {
		return Assets{}, err
	}
	files := HashedFile{Name: name, BrotliSize: len(br), GzipSize: len(gz)}
	err = UpdateManifest(dir, func(m *Manifest) { m.Index = files.Name })
	return Assets{
		Index: files.Name, Brotli: files.Name + ".br", Gzip: files.Name + ".gz",
		Size: len(idx.data), BrotliSize: files.BrotliSize, GzipSize: files.GzipSize,
	}, err
}

// HashedFile describes a file written by WriteHashed.
type HashedFile struct {
	Name                 string
	BrotliSize, GzipSize int
}

// HashName returns prefix + the first 12 hex digits of data's SHA-256 +
// suffix.
func HashName(prefix, suffix string, data []byte) string {
	sum := sha256.Sum256(data)
	return prefix + hex.EncodeToString(sum[:6]) + suffix
}

// WriteHashed writes data under a content-hashed name in dir, with brotli
// and gzip copies (name + ".br", ".gz"). Existing identical files are kept.
func WriteHashed(dir, prefix, suffix string, data []byte) (HashedFile, error) {
	name := HashName(prefix, suffix, data)
	br, gz, err := Compress(data)
	if err != nil {
		return HashedFile{}, err
	}
	if err := WriteCompressed(dir, name, data, br, gz); err != nil {
		return HashedFile{}, err
	}
	return HashedFile{Name: name, BrotliSize: len(br), GzipSize: len(gz)}, nil
}

// WriteCompressed writes data as dir/name and its compressed forms as
// name.br and name.gz, leaving files that already hold those bytes alone.
func WriteCompressed(dir, name string, data, br, gz []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{name, data}, {name + ".br", br}, {name + ".gz", gz}} {
		path := filepath.Join(dir, f.name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, f.data) {
			continue
		}
		if err := WriteFileAtomic(path, f.data); err != nil {
			return err
		}
	}
	return nil
}

// Compress returns the brotli (quality 11, 16 MiB window) and gzip (best)
// forms of data.
// Both are deterministic.
func Compress(data []byte) (br, gz []byte, err error) { return compress(data, 11) }

// IndexBrotliQuality is the brotli quality of an index's .br copy. The
// index changes with the content, so it is compressed on every build:
// quality 9 takes about 0.4 s for the full catalog, quality 11 about 7 s
// for 9% fewer bytes. (The engine is compressed at 11 once per change of
// its sources, and cached.)
const IndexBrotliQuality = 9

// CompressIndex is Compress with brotli at IndexBrotliQuality.
func CompressIndex(data []byte) (br, gz []byte, err error) {
	return compress(data, IndexBrotliQuality)
}

func compress(data []byte, quality int) (br, gz []byte, err error) {
	var bb, gb bytes.Buffer
	bw := brotli.NewWriterOptions(&bb, brotli.WriterOptions{Quality: quality, LGWin: 24})
	if _, err := bw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, nil, err
	}
	gw, err := gzip.NewWriterLevel(&gb, gzip.BestCompression)
	if err != nil {
		return nil, nil, err
	}
	if _, err := gw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := gw.Close(); err != nil {
		return nil, nil, err
	}
	return bb.Bytes(), gb.Bytes(), nil
}

// WriteFileAtomic writes data to path through a temporary file and a
// rename, so readers never see a half-written file.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
