package site

import (
	"context"
	"fmt"
	"time"

	"github.com/iamref/iamref/builder/policyassets"
)

// The browser's policy engine: its files, which package policyassets makes
// while the pages are assembled and which the pages name in Info.Policy
// (the /analyze/ and /write/ pages load them; docs/policy.md).

// PolicyEngineAssets are the site-absolute paths of the browser's policy
// engine, its catalog and Go's wasm_exec.js; empty without
// Config.PolicyEngine.
type PolicyEngineAssets struct {
	Wasm, Catalog, WasmExec string
}

// startPolicyEngine starts encoding the catalog and compiling the engine.
func (b *builder) startPolicyEngine(ctx context.Context) {
	if b.cfg.PolicyEngine {
		b.engine = policyassets.Start(ctx, b.cat, b.cfg.ModuleRoot)
	}
}

// policyEngineReady names the engine's files in Info.Policy and adds those
// known by then to the build (Go's wasm_exec.js only once, when the search
// added it already).
func (b *builder) policyEngineReady() error {
	if b.engine == nil {
		return nil
	}
	f, err := b.engine.Ready()
	if err != nil {
		return err
	}
	// The pages name the worker and the loader it imports (the
	// workbench-engine partial): without them the engine cannot start.
	if b.info.Asset("js/policy-worker.js") == "" || b.info.Asset("js/worker-load.js") == "" {
		return fmt.Errorf("static: js/policy-worker.js and js/worker-load.js are needed for the policy engine")
	}
	have := map[string]bool{}
	for _, j := range b.jobs {
		have[j.path] = true
	}
	for _, file := range f.List {
		if !have[file.Path] {
			b.addFile(file.Path, file.Data)
			b.engFiles = append(b.engFiles, file)
		}
	}
	b.info.Policy = PolicyEngineAssets{Wasm: f.Wasm, Catalog: f.Catalog, WasmExec: f.WasmExec}
	return nil
}

// policyEngineFinish writes the catalog's compressed copies and the
// engine, compiled while the pages rendered, with write, and returns the
// note on the engine for the end of the render, as searchFinish does.
func (b *builder) policyEngineFinish(write func(string, []byte) error) (note func(rendered time.Time) string, err error) {
	if b.engine == nil {
		return nil, nil
	}
	files, err := b.engine.Finish()
	if err != nil {
		return nil, err
	}
	ready := time.Now()
	for _, f := range files {
		if err := write(f.Path, f.Data); err != nil {
			return nil, err
		}
	}
	if b.keepViews { // a Session writes them again
		b.engFiles = append(b.engFiles, files...)
	}
	st := b.engine.Stats()
	// The job holds the engine's files (7 MB): nothing needs it now.
	b.engine = nil
	ms := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	return func(rendered time.Time) string {
		return fmt.Sprintf("policy engine: %d kB (%d kB brotli) and its catalog %d kB (%d kB brotli): %d kB brotli for /analyze/ and /write/; engine ready in %s; the pages waited %s for its name, then %s for it after rendering",
			st.WasmBytes/1000, st.WasmBrotli/1000, st.PackBytes/1000, st.PackBrotli/1000, (st.WasmBrotli+st.PackBrotli)/1000, ms(st.WasmTime), ms(st.Wait), ms(max(0, ready.Sub(rendered))))
	}, nil
}

// reusePolicyEngine adds the engine's files of an earlier build (Session)
// to the build and names them, as policyEngineReady and Finish did.
func (b *builder) reusePolicyEngine(prev *builder) {
	have := map[string]bool{}
	for _, j := range b.jobs {
		have[j.path] = true
	}
	for _, f := range prev.engFiles {
		if !have[f.Path] {
			b.addFile(f.Path, f.Data)
		}
	}
	b.engFiles = prev.engFiles
	b.info.Policy = prev.info.Policy
}
