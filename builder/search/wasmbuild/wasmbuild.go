// Package wasmbuild compiles the browser's search engine (cmd/searchwasm)
// to WebAssembly and places it, with Go's wasm_exec.js, under
// content-hashed names in the site. Builds are cached by a hash of their
// inputs, so a rebuild with unchanged sources only copies files.
package wasmbuild

import (
	"bufio"
	"bytes"
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
	"slices"
	"strings"

	"github.com/iamref/iamref/builder/search"
)

// MainPackage is the package compiled to WebAssembly.
const MainPackage = "./cmd/searchwasm"

// Flags are the go build flags, beyond -o.
var Flags = []string{"-trimpath", "-ldflags=-s -w"}

// Assets names the files Build wrote into the output directory; each has
// .br and .gz copies.
type Assets struct {
	Wasm       string // "search-<hash>.wasm"
	WasmExec   string // "wasm_exec-<hash>.js"
	WasmSize   int
	BrotliSize int
	GzipSize   int
}

// Build compiles MainPackage of the module at moduleRoot for js/wasm,
// reusing cacheDir (created if needed) when the inputs did not change, and
// writes search-<hash>.wasm and wasm_exec-<hash>.js (each with .br and
// .gz copies) into outDir, recording them in outDir's search manifest.
func Build(ctx context.Context, moduleRoot, cacheDir, outDir string) (Assets, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return Assets{}, fmt.Errorf("wasmbuild: the go tool is needed: %w", err)
	}
	goroot, err := goEnv(ctx, goTool, moduleRoot, "GOROOT")
	if err != nil {
		return Assets{}, err
	}
	key, err := InputHash(ctx, goTool, moduleRoot)
	if err != nil {
		return Assets{}, err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return Assets{}, err
	}
	cached := filepath.Join(cacheDir, "search-"+key+".wasm")
	wasm, br, gz, err := readCached(cached)
	if err != nil {
		if wasm, err = compile(ctx, goTool, moduleRoot, cacheDir); err != nil {
			return Assets{}, err
		}
		if br, gz, err = search.Compress(wasm); err != nil {
			return Assets{}, err
		}
		// the compressed copies first: the .wasm marks a complete entry
		if err := search.WriteFileAtomic(cached+".br", br); err != nil {
			return Assets{}, err
		}
		if err := search.WriteFileAtomic(cached+".gz", gz); err != nil {
			return Assets{}, err
		}
		if err := search.WriteFileAtomic(cached, wasm); err != nil {
			return Assets{}, err
		}
	}
	a := Assets{
		Wasm:     search.HashName("search-", ".wasm", wasm),
		WasmSize: len(wasm), BrotliSize: len(br), GzipSize: len(gz),
	}
	if err := search.WriteCompressed(outDir, a.Wasm, wasm, br, gz); err != nil {
		return Assets{}, err
	}
	execJS, err := os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return Assets{}, fmt.Errorf("wasmbuild: %w", err)
	}
	f, err := search.WriteHashed(outDir, "wasm_exec-", ".js", execJS)
	if err != nil {
		return Assets{}, err
	}
	a.WasmExec = f.Name
	err = search.UpdateManifest(outDir, func(m *search.Manifest) {
		m.Wasm = a.Wasm
		m.WasmExec = a.WasmExec
	})
	return a, err
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

func compile(ctx context.Context, goTool, moduleRoot, cacheDir string) ([]byte, error) {
	out, err := os.CreateTemp(cacheDir, ".build-*.wasm")
	if err != nil {
		return nil, err
	}
	out.Close()
	defer os.Remove(out.Name())
	args := append([]string{"build", "-o", out.Name()}, Flags...)
	args = append(args, MainPackage)
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Dir = moduleRoot
	cmd.Env = wasmEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("wasmbuild: go build: %v\n%s", err, stderr.Bytes())
	}
	return os.ReadFile(out.Name())
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
// the build flags, go.mod and go.sum, and the Go files of the module's
// packages that MainPackage imports (directly or not) for js/wasm.
// Dependencies outside the module are pinned by go.sum.
func InputHash(ctx context.Context, goTool, moduleRoot string) (string, error) {
	h := sha256.New()
	version, err := goEnv(ctx, goTool, moduleRoot, "GOVERSION")
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "go %s\nflags %q\n", version, Flags)
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(moduleRoot, f))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	cmd := exec.CommandContext(ctx, goTool, "list", "-deps", "-json=ImportPath,Dir,Module,GoFiles,EmbedFiles", MainPackage)
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
