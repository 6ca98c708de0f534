// Package policyassets makes the files of the browser's policy engine
// while the pages are assembled and rendered, as package searchassets does
// for the search: the engine, cmd/policywasm compiled to WebAssembly by
// wasmbuild (cached in <module>/.cache/wasm, named by the hash of its
// inputs, so the pages can name it before it compiles), and the catalog it
// analyses against, in catalogpack's encoding (named by its content hash):
//
//	Start   after loading: the catalog's encoding and the engine in the background
//	Ready   before rendering: their names, and the files known by then
//	Finish  before publishing: the catalog's compressed copies, the engine
//
// Files, at the site root, each with .br and .gz copies:
// policy-<hash>.wasm, policy-catalog-<hash>.pack and wasm_exec-<hash>.js
// (the same file as the search's). docs/policy.md is their contract.
package policyassets

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack"
	"github.com/iamref/iamref/builder/search"
	"github.com/iamref/iamref/builder/search/wasmbuild"
)

// File is one file, at its site path.
type File struct {
	Path string // site-absolute: /policy-0123456789ab.wasm
	Data []byte
}

// Files are the engine's files known before the pages render, and the
// site paths the pages name.
type Files struct {
	Wasm, Catalog, WasmExec string
	List                    []File
}

// Job makes the files of one build.
type Job struct {
	named    chan struct{} // closed when engine (or wasmErr) is set
	engine   *wasmbuild.Job
	wasmDone chan struct{}
	wasm     *wasmbuild.Files
	wasmErr  error

	pack       []byte
	compressed chan struct{}
	br, gz     []byte
	compErr    error

	files                     *Files
	start                     time.Time
	wasmTime, wait, wasmWait  time.Duration
	packTime, compressionTime time.Duration
}

// Start encodes the catalog and starts compiling the engine from the
// module at moduleRoot ("": found by wasmbuild.ModuleRoot).
func Start(ctx context.Context, c *catalog.Catalog, moduleRoot string) *Job {
	j := &Job{named: make(chan struct{}), wasmDone: make(chan struct{}), compressed: make(chan struct{}), start: time.Now()}
	go func() {
		defer close(j.wasmDone)
		root, err := moduleRoot, error(nil)
		if root == "" {
			root, err = wasmbuild.ModuleRoot(ctx)
		}
		if err == nil {
			j.engine, err = wasmbuild.StartTarget(ctx, wasmbuild.Policy, root, filepath.Join(root, ".cache", "wasm"))
		}
		j.wasmErr = err
		close(j.named)
		if err != nil {
			return
		}
		j.wasm, j.wasmErr = j.engine.Wait()
		j.wasmTime = time.Since(j.start)
	}()
	j.pack = catalogpack.Encode(c) // about 100 ms: the pages need its name
	j.packTime = time.Since(j.start)
	go func() {
		defer close(j.compressed)
		t := time.Now()
		j.br, j.gz, j.compErr = search.CompressIndex(j.pack)
		j.compressionTime = time.Since(t)
	}()
	return j
}

// Ready waits for the engine's name and returns the files known by then:
// the catalog and Go's wasm_exec.js, with its compressed copies. The
// engine may still be compiling.
func (j *Job) Ready() (*Files, error) {
	t := time.Now()
	<-j.named
	j.wait = time.Since(t)
	if j.engine == nil {
		return nil, j.engineError()
	}
	f := &Files{}
	execJS := search.HashName("wasm_exec-", ".js", j.engine.WasmExec)
	br, gz, err := search.Compress(j.engine.WasmExec)
	if err != nil {
		return nil, err
	}
	f.List = append(f.List, File{"/" + execJS, j.engine.WasmExec}, File{"/" + execJS + ".br", br}, File{"/" + execJS + ".gz", gz})
	pack := search.HashName("policy-catalog-", ".pack", j.pack)
	f.List = append(f.List, File{"/" + pack, j.pack})
	f.Wasm, f.Catalog, f.WasmExec = "/"+j.engine.Name(), "/"+pack, "/"+execJS
	j.files = f
	return f, nil
}

// Finish waits for the catalog's compressed copies and the engine, and
// returns their files; after Ready.
func (j *Job) Finish() ([]File, error) {
	<-j.compressed
	if j.compErr != nil {
		return nil, j.compErr
	}
	files := []File{{j.files.Catalog + ".br", j.br}, {j.files.Catalog + ".gz", j.gz}}
	t := time.Now()
	<-j.wasmDone
	j.wasmWait = time.Since(t)
	if j.wasmErr != nil {
		return nil, j.engineError()
	}
	w := j.files.Wasm
	return append(files, File{w, j.wasm.Wasm}, File{w + ".br", j.wasm.WasmBrotli}, File{w + ".gz", j.wasm.WasmGzip}), nil
}

func (j *Job) engineError() error {
	return fmt.Errorf("policy engine: %w\n(the browser's policy engine is Go compiled to WebAssembly by the go tool; build without it with -policy-engine=false)", j.wasmErr)
}

// Stats are the sizes and times of the job, once Finish returned.
type Stats struct {
	WasmBytes, WasmBrotli, WasmGzip int
	PackBytes, PackBrotli, PackGzip int
	// WasmTime: from Start until the engine was ready; Wait: what Ready
	// waited for its name; WasmWait: what Finish waited for the engine.
	WasmTime, Wait, WasmWait  time.Duration
	PackTime, CompressionTime time.Duration
}

// Stats says what the job made.
func (j *Job) Stats() Stats {
	s := Stats{PackBytes: len(j.pack), PackBrotli: len(j.br), PackGzip: len(j.gz),
		WasmTime: j.wasmTime, Wait: j.wait, WasmWait: j.wasmWait, PackTime: j.packTime, CompressionTime: j.compressionTime}
	if j.wasm != nil {
		s.WasmBytes, s.WasmBrotli, s.WasmGzip = len(j.wasm.Wasm), len(j.wasm.WasmBrotli), len(j.wasm.WasmGzip)
	}
	return s
}
