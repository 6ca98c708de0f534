// Package search builds the site's search index: a bleve upsidedown index
// built in memory, then serialised as flat, sorted key/value rows together
// with a compact table of what a result shows, in two files: the names
// part (the rows of the name field and the document table) and the
// descriptions part (the rows of the description field and the
// descriptions). A browser answers from the names as soon as they and the
// engine are there, and from everything once the descriptions follow.
// Package builder/search/query opens them, natively or in WebAssembly.
//
// What the index holds: two analysed fields per document, "name" (the
// words of the id split at camelCase and punctuation, and of the title
// when it differs) and "desc" (the description without the "Grants
// permission to" that starts most of them); no stored fields, no term
// vectors; no back-index rows (package internal/rowindex, which answers
// bleve's searchers, counts documents from the document table).
// Document ids inside bleve are 3-byte ordinals, so posting keys stay
// short. Ids, kinds, services, access levels, titles and URLs live in a
// column-wise side table in the names part, the descriptions in a column
// of the descriptions part: exact ids, action names typed in any case or
// spacing, IAM wildcards and filters are answered from the table.
//
// Wiring a site (builder/site does this): Build the index and write
// Names as HashName("search-", ".idx", ...) and Descriptions as
// HashName("search-desc-", ".idx", ...), each with its CompressIndex
// copies as name.br and name.gz; compile the engine with
// wasmbuild.Compile and write it and Go's wasm_exec.js the same way; name
// the four in the Manifest; and put on the search form of every page
// (URLs relative to the page):
//
//	<form role="search" action="/" method="get"
//	      data-index="{{index}}" data-index-desc="{{descriptions}}"
//	      data-wasm="{{wasm}}" data-wasm-exec="{{wasmExec}}"
//	      data-worker="js/search-worker.js"
//	      data-worker-load="js/worker-load.js" data-root="{{root}}">
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
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"

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
	// Kind is one of service, action, removed-action, resource,
	// condition, policy, example, guide, removed-service: the order in
	// which results of equal score are shown. A removed action or service
	// (RemovedAction, RemovedService) is one the catalog's history says
	// was removed; its URL is its tombstone page.
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
	// Removed is the date of the first snapshot without a removed action
	// or service ("2026-05-10").
	Removed string
	// ARNs are a resource type's ARN formats
	// ("arn:${Partition}:s3:::${BucketName}/${ObjectName}"), and Actions
	// the ids of the actions that take it, each the ID of an action
	// document: a pasted ARN finds the resource types whose format it
	// matches and their actions (package query).
	ARNs    []string
	Actions []string
}

// AppendKey appends to buf every field of d, each length-prefixed: equal
// keys are equal documents (a cache key of an index hashes them).
func (d *Document) AppendKey(buf []byte) []byte {
	for _, f := range []string{d.Kind, d.ID, d.Title, d.URL, d.Service, d.ServiceName, d.AccessLevel, d.AccessOverride, d.Risk, d.Description, d.Removed} {
		buf = binary.AppendUvarint(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	for _, list := range [][]string{d.ARNs, d.Actions} {
		buf = binary.AppendUvarint(buf, uint64(len(list)))
		for _, f := range list {
			buf = binary.AppendUvarint(buf, uint64(len(f)))
			buf = append(buf, f...)
		}
	}
	return buf
}

// The kinds of removed actions and services.
const (
	RemovedAction  = format.RemovedAction
	RemovedService = format.RemovedService
)

// Options tune Build.
type Options struct {
	// Workers is the number of analysis goroutines; 0 means GOMAXPROCS.
	Workers int
}

// Index is a built, serialised index, in two parts (package format): the
// names part answers alone, and the descriptions part adds the
// descriptions' words and text.
type Index struct {
	names, descs []byte
	docs         int
	rows         int
}

// Names returns the names part (the content of search-<hash>.idx).
func (x *Index) Names() []byte { return x.names }

// Descriptions returns the descriptions part (the content of
// search-desc-<hash>.idx).
func (x *Index) Descriptions() []byte { return x.descs }

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
			cmp.Compare(format.KindRank(a.Kind), format.KindRank(b.Kind)),
			cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Title, b.Title),
			cmp.Compare(a.URL, b.URL),
			cmp.Compare(a.AccessLevel, b.AccessLevel),
			cmp.Compare(a.AccessOverride, b.AccessOverride),
			cmp.Compare(a.Risk, b.Risk),
			cmp.Compare(a.ServiceName, b.ServiceName),
			cmp.Compare(a.Description, b.Description),
			cmp.Compare(a.Removed, b.Removed),
			slices.Compare(a.ARNs, b.ARNs),
			slices.Compare(a.Actions, b.Actions),
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
	// The description field's rows go to the descriptions part, every
	// other row that package rowindex reads to the names part.
	store := kvs.(*memkv.Store)
	descField := -1
	err = store.Walk(func(k, v []byte) error {
		if k[0] == 'f' && len(k) == 3 && string(v) == textan.FieldDesc+"\xff" {
			descField = int(binary.LittleEndian.Uint16(k[1:]))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var names, descs flatkv.Encoder
	err = store.Walk(func(k, v []byte) error {
		switch k[0] {
		case 'f':
			return names.Add(k, v)
		case 'd', 't':
			// the term dictionary and term frequencies of a field
			if int(binary.LittleEndian.Uint16(k[1:])) == descField {
				return descs.Add(k, v)
			}
			return names.Add(k, v)
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

	actionDoc := map[string]int32{}
	for i, d := range sorted {
		if d.Kind == "action" {
			actionDoc[d.ID] = int32(i)
		}
	}
	meta := make([]format.Doc, len(sorted))
	for i, d := range sorted {
		meta[i] = format.Doc{
			Kind: d.Kind, ID: d.ID, Title: d.Title, URL: d.URL, Service: d.Service,
			AccessLevel: d.AccessLevel, AccessOverride: d.AccessOverride, Risk: d.Risk, Description: d.Description,
			Removed: d.Removed,
		}
		if len(d.ARNs) == 0 {
			if len(d.Actions) > 0 {
				return nil, fmt.Errorf("search: %s %s has actions but no ARN format", d.Kind, d.ID)
			}
			continue
		}
		meta[i].ARNs = d.ARNs
		for _, a := range d.Actions {
			n, ok := actionDoc[a]
			if !ok {
				return nil, fmt.Errorf("search: %s %s lists the action %s, which is no document", d.Kind, d.ID, a)
			}
			meta[i].Actions = append(meta[i].Actions, n)
		}
		slices.Sort(meta[i].Actions)
		meta[i].Actions = slices.Compact(meta[i].Actions)
	}
	nf := format.File{Part: format.PartNames, KV: names.Encode(), Rest: format.EncodeDocs(meta)}
	df := format.File{Part: format.PartDescriptions, KV: descs.Encode(), Rest: format.EncodeDescriptions(meta)}
	// The set id ties the parts: a hash of both.
	h := sha256.New()
	for _, b := range [][]byte{nf.KV, nf.Rest, df.KV, df.Rest} {
		h.Write(binary.AppendUvarint(nil, uint64(len(b))))
		h.Write(b)
	}
	copy(nf.Set[:], h.Sum(nil))
	df.Set = nf.Set
	return &Index{names: nf.Encode(), descs: df.Encode(), docs: len(sorted), rows: names.Len() + descs.Len()}, nil
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

// Manifest names the hashed search assets of a directory (cmd/search
// reads it). Precompressed copies are the same names plus ".br" and
// ".gz".
type Manifest struct {
	Index        string `json:"index,omitempty"`        // the names part
	Descriptions string `json:"descriptions,omitempty"` // the descriptions part
	Wasm         string `json:"wasm,omitempty"`
	WasmExec     string `json:"wasmExec,omitempty"`
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

// HashName returns prefix + the first 12 hex digits of data's SHA-256 +
// suffix.
func HashName(prefix, suffix string, data []byte) string {
	sum := sha256.Sum256(data)
	return prefix + hex.EncodeToString(sum[:6]) + suffix
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
	if err := compressBrotli(&bb, data, quality); err != nil {
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

// The brotli copies declare a 16 MiB window (brotliWindow), but are
// made with the smallest window of at least 512 KiB that holds the data:
// the encoder's memory follows the window, not the data (at quality 11,
// 137 MB for the 17 kB of wasm_exec.js with the 16 MiB window, 7 MB with
// 512 KiB; at quality 9, a ring buffer of 32 MB), and a window the data
// fits in finds the same matches. The stream is then the same but for its first four bits, which
// name the window (18 to 24 bits are all written in four), and a decoder
// of the wider window decodes the narrower stream. Below 512 KiB the
// encoder would pick another hasher at quality 9.
const (
	brotliWindow    = 24
	brotliMinWindow = 19
)

// compressBrotli writes data compressed at quality to w, as an encoder
// of brotliWindow bits writes it.
func compressBrotli(w *bytes.Buffer, data []byte, quality int) error {
	lgwin := brotliMinWindow
	for lgwin < brotliWindow && len(data) > 1<<lgwin-16 { // the encoder keeps 16 bytes of its window
		lgwin++
	}
	start := w.Len()
	bw := brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: quality, LGWin: lgwin})
	if _, err := bw.Write(data); err != nil {
		return err
	}
	if err := bw.Close(); err != nil {
		return err
	}
	if lgwin != brotliWindow {
		out := w.Bytes()[start:]
		if len(out) == 0 || out[0]&0x0F != windowNibble(lgwin) {
			return fmt.Errorf("brotli: the stream does not start with the window of %d bits", lgwin)
		}
		out[0] = out[0]&0xF0 | windowNibble(brotliWindow)
	}
	return nil
}

// windowNibble is the stream's first four bits for a window of lgwin
// bits, 18 to 24 (RFC 7932, section 9.1).
func windowNibble(lgwin int) byte { return byte(lgwin-17)<<1 | 1 }

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
