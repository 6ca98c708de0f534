// Package wasmbuild compiles the browser's engines to WebAssembly, the
// search's (cmd/searchwasm) and the policy engine's (cmd/policywasm), and
// returns each with Go's wasm_exec.js, for the site to write under
// input-hashed names. Builds are cached by a hash of their
// inputs, so a rebuild with unchanged sources only reads files.
package wasmbuild

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/iamref/iamref/builder/search"
)

// MainPackage is the search engine's package, compiled to WebAssembly by
// Start and Compile.
const MainPackage = "./cmd/searchwasm"

// A Target is a main package to compile to WebAssembly, and the prefix of
// its file names in the site and the cache.
type Target struct {
	Package string // "./cmd/searchwasm"
	Prefix  string // "search-"
}

// The engines of the site.
var (
	Search = Target{MainPackage, "search-"}
	Policy = Target{"./cmd/policywasm", "policy-"}
)

// Flags are the go build flags, beyond -o.
var Flags = []string{"-trimpath", "-ldflags=-s -w"}

// Files are the compiled engine, with its brotli and gzip copies, and the
// Go release's wasm_exec.js that runs it.
type Files struct {
	Wasm, WasmBrotli, WasmGzip []byte
	WasmExec                   []byte
}

// Compile returns MainPackage of the module at moduleRoot compiled for
// js/wasm, from cacheDir (created if needed) when the inputs did not
// change; otherwise it compiles, compresses and caches it.
func Compile(ctx context.Context, moduleRoot, cacheDir string) (*Files, error) {
	j, err := StartTarget(ctx, Search, moduleRoot, cacheDir)
	if err != nil {
		return nil, err
	}
	return j.Wait()
}

// A Job is the engine being compiled (or read from the cache). What it
// will be is known before it is done: its Name, from the hash of its
// inputs, and Go's wasm_exec.js, so that pages that name the engine can be
// rendered while it compiles.
type Job struct {
	// Key is the hash of the inputs (InputHash): the same Key, the same
	// engine.
	Key    string
	target Target
	// WasmExec is the Go release's wasm_exec.js, which runs the engine.
	WasmExec []byte

	done  chan struct{}
	files *Files
	err   error
}

// Name is the engine's file name in a site: its target's prefix
// ("search-") + the first 12 hex digits of Key + ".wasm". Like a content hash, it changes whenever the
// engine's bytes can (the compiler, its flags and settings, the module's
// sources and dependencies); unlike one, it is known before compiling.
func (j *Job) Name() string { return j.target.Prefix + j.Key[:12] + ".wasm" }

// Wait waits for the engine and returns it, with Go's wasm_exec.js.
func (j *Job) Wait() (*Files, error) {
	<-j.done
	return j.files, j.err
}

// Start hashes the inputs of MainPackage of the module at moduleRoot,
// reads Go's wasm_exec.js, and then compiles the engine in the
// background, or reads it from cacheDir (created if needed) when the
// inputs did not change. Errors before the compile are returned; the
// compile's come from Wait.
func Start(ctx context.Context, moduleRoot, cacheDir string) (*Job, error) {
	return StartTarget(ctx, Search, moduleRoot, cacheDir)
}

// StartTarget is Start for the main package of t.
func StartTarget(ctx context.Context, t Target, moduleRoot, cacheDir string) (*Job, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("wasmbuild: the go tool is needed: %w", err)
	}
	goroot, err := goEnv(ctx, goTool, moduleRoot, "GOROOT")
	if err != nil {
		return nil, err
	}
	key, err := inputHash(ctx, goTool, moduleRoot, t.Package)
	if err != nil {
		return nil, err
	}
	execJS, err := os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, fmt.Errorf("wasmbuild: %w", err)
	}
	j := &Job{Key: key, target: t, WasmExec: execJS, done: make(chan struct{})}
	go func() {
		defer close(j.done)
		wasm, br, gz, err := compileCached(ctx, goTool, t, moduleRoot, cacheDir, key)
		if err != nil {
			j.err = err
			return
		}
		j.files = &Files{Wasm: wasm, WasmBrotli: br, WasmGzip: gz, WasmExec: execJS}
	}()
	return j, nil
}

// compileCached returns the engine of key and its compressed copies from
// cacheDir, or compiles, compresses and caches them.
func compileCached(ctx context.Context, goTool string, t Target, moduleRoot, cacheDir, key string) (wasm, br, gz []byte, err error) {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, nil, nil, err
	}
	cached := filepath.Join(cacheDir, t.Prefix+key+".wasm")
	wasm, br, gz, err = readCached(cached)
	if err == nil {
		return wasm, br, gz, nil
	}
	// One compiler of each engine at a time (go test runs packages in
	// parallel, and several build the site); the others then read the
	// cache. The search's and the policy engine's compile side by side.
	unlock, err := lockFile(lockPath(cacheDir, t))
	if err != nil {
		return nil, nil, nil, err
	}
	defer unlock()
	if wasm, br, gz, err = readCached(cached); err == nil {
		return wasm, br, gz, nil
	}
	if wasm, err = compile(ctx, goTool, t.Package, moduleRoot, cacheDir); err != nil {
		return nil, nil, nil, err
	}
	if br, gz, err = search.Compress(wasm); err != nil {
		return nil, nil, nil, err
	}
	// the compressed copies first: the .wasm marks a complete entry
	for _, f := range []struct {
		path string
		data []byte
	}{{cached + ".br", br}, {cached + ".gz", gz}, {cached, wasm}} {
		if err := search.WriteFileAtomic(f.path, f.data); err != nil {
			return nil, nil, nil, err
		}
	}
	prune(cacheDir, t.Prefix, keepCached)
	return wasm, br, gz, nil
}

// lockPath is the lock file of t's compiles in cacheDir, one per engine.
func lockPath(cacheDir string, t Target) string {
	return filepath.Join(cacheDir, ".lock-"+strings.TrimSuffix(t.Prefix, "-"))
}

// ModulePath is the import path of the module that holds MainPackage.
const ModulePath = "github.com/iamref/iamref"

// ModuleRoot finds the directory of the module that holds MainPackage:
// the main module of the working directory as the go tool sees it, or
// else the module this package was compiled from (its source directory,
// known when the binary was not built with -trimpath, as with go run).
func ModuleRoot(ctx context.Context) (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("wasmbuild: the go tool is needed to compile the search engine: %w", err)
	}
	var tried []string
	if gomod, err := goEnv(ctx, goTool, ".", "GOMOD"); err == nil && gomod != "" && gomod != os.DevNull {
		if isModule(gomod) {
			return filepath.Dir(gomod), nil
		}
		tried = append(tried, gomod)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		gomod := filepath.Join(filepath.Dir(file), "..", "..", "..", "go.mod")
		if isModule(gomod) {
			return filepath.Dir(filepath.Clean(gomod)), nil
		}
		tried = append(tried, gomod)
	}
	return "", fmt.Errorf("wasmbuild: cannot find the source of module %s to compile the search engine (looked at %q); run from the repository", ModulePath, tried)
}

// isModule reports whether the go.mod at path declares ModulePath.
func isModule(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == ModulePath
		}
	}
	return false
}

// keepCached is how many engines the cache keeps (the newest).
const keepCached = 3

// prune removes all but the keep newest engines of a prefix from the cache.
func prune(cacheDir, prefix string, keep int) {
	entries, _ := filepath.Glob(filepath.Join(cacheDir, prefix+"*.wasm"))
	type entry struct {
		path string
		mod  int64
	}
	var es []entry
	for _, e := range entries {
		if st, err := os.Stat(e); err == nil {
			es = append(es, entry{e, st.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(b.mod, a.mod) })
	for _, e := range es[min(len(es), keep):] {
		for _, ext := range []string{".br", ".gz", ""} { // the marker last
			os.Remove(e.path + ext)
		}
	}
}

func readCached(path string) (wasm, br, gz []byte, err error) {
	if wasm, err = os.ReadFile(path); err != nil {
		return
	}
	if br, err = os.ReadFile(path + ".br"); err != nil {
		return
	}
	gz, err = os.ReadFile(path + ".gz")
	return
}

func compile(ctx context.Context, goTool, pkg, moduleRoot, cacheDir string) ([]byte, error) {
	out, err := os.CreateTemp(cacheDir, ".build-*.wasm")
	if err != nil {
		return nil, err
	}
	out.Close()
	defer os.Remove(out.Name())
	// go build runs in moduleRoot: a relative cacheDir would name another file
	abs, err := filepath.Abs(out.Name())
	if err != nil {
		return nil, err
	}
	args := append([]string{"build", "-o", abs}, Flags...)
	args = append(args, pkg)
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Dir = moduleRoot
	cmd.Env = wasmEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("wasmbuild: go build: %v\n%s", err, stderr.Bytes())
	}
	b, err := os.ReadFile(out.Name())
	if err == nil && !bytes.HasPrefix(b, []byte("\x00asm")) {
		err = fmt.Errorf("wasmbuild: go build %s wrote %d bytes that are not WebAssembly\n%s", pkg, len(b), stderr.Bytes())
	}
	return b, err
}

func wasmEnv() []string {
	return append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
}

func goEnv(ctx context.Context, goTool, dir, name string) (string, error) {
	cmd := exec.CommandContext(ctx, goTool, "env", name)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("wasmbuild: go env %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// InputHash hashes what the WebAssembly build depends on: the Go version,
// the build flags and the settings of the environment that change what the
// compiler makes (GOFLAGS, GOEXPERIMENT, GOWASM), go.mod and go.sum, and
// the Go files of the module's packages that MainPackage imports (directly
// or not) for js/wasm. Dependencies outside the module are pinned by
// go.sum. The site names the engine by it (Job.Name).
func InputHash(ctx context.Context, goTool, moduleRoot string) (string, error) {
	return inputHash(ctx, goTool, moduleRoot, MainPackage)
}

// inputHash is InputHash for the main package pkg.
func inputHash(ctx context.Context, goTool, moduleRoot, mainPkg string) (string, error) {
	h := sha256.New()
	cmd := exec.CommandContext(ctx, goTool, "env", "GOVERSION", "GOFLAGS", "GOEXPERIMENT", "GOWASM")
	cmd.Dir = moduleRoot
	cmd.Env = wasmEnv()
	settings, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("wasmbuild: go env: %w", err)
	}
	fmt.Fprintf(h, "go env %q\nflags %q\n", settings, Flags)
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(moduleRoot, f))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	cmd = exec.CommandContext(ctx, goTool, "list", "-deps", "-json=ImportPath,Dir,Module,GoFiles,EmbedFiles", mainPkg)
	cmd.Dir = moduleRoot
	cmd.Env = wasmEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("wasmbuild: go list: %v\n%s", err, stderr.Bytes())
	}
	type pkg struct {
		ImportPath string
		Dir        string
		Module     *struct{ Main bool }
		GoFiles    []string
		EmbedFiles []string
	}
	dec := json.NewDecoder(bufio.NewReader(bytes.NewReader(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return "", fmt.Errorf("wasmbuild: go list output: %w", err)
		}
		if p.Module != nil && p.Module.Main {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		return "", errors.New("wasmbuild: go list found no package of the module")
	}
	slices.SortFunc(pkgs, func(a, b pkg) int { return strings.Compare(a.ImportPath, b.ImportPath) })
	for _, p := range pkgs {
		files := append(slices.Clone(p.GoFiles), p.EmbedFiles...)
		slices.Sort(files)
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(p.Dir, f))
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "%s/%s %d\n", p.ImportPath, f, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}
