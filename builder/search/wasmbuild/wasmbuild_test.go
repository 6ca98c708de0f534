package wasmbuild

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

const moduleRoot = "../../.."

// TestGoBuildWasm checks that the engine compiles for the browser:
// GOOS=js GOARCH=wasm go build ./cmd/searchwasm.
func TestGoBuildWasm(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH; cannot check the js/wasm build")
	}
	out := filepath.Join(t.TempDir(), "search.wasm")
	cmd := exec.Command(goTool, "build", "-o", out, MainPackage)
	cmd.Dir = moduleRoot
	cmd.Env = wasmEnv()
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go build %s: %v\n%s", MainPackage, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		t.Fatalf("output is not a WebAssembly module")
	}
}

// TestInputHash checks that the cache key is stable and follows the
// sources.
func TestInputHash(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	ctx := context.Background()
	h1, err := InputHash(ctx, goTool, moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := InputHash(ctx, goTool, moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	if h1 != h2 || len(h1) != 24 {
		t.Fatalf("InputHash gave %q then %q", h1, h2)
	}
	saved := Flags
	defer func() { Flags = saved }()
	Flags = append([]string{"-race"}, saved...)
	h3, err := InputHash(ctx, goTool, moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	if h3 == h1 {
		t.Fatal("InputHash ignores the build flags")
	}
	Flags = saved
	t.Setenv("GOWASM", "satconv")
	h4, err := InputHash(ctx, goTool, moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	if h4 == h1 {
		t.Fatal("InputHash ignores GOWASM")
	}
}

func TestModuleRoot(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go tool is not on PATH")
	}
	got, err := ModuleRoot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs(moduleRoot)
	if got != want {
		t.Errorf("ModuleRoot = %q, want %q", got, want)
	}
	if isModule(filepath.Join(t.TempDir(), "go.mod")) {
		t.Error("a missing go.mod counts as the module")
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"policy-a.wasm", "search-a.wasm", "search-b.wasm", "search-c.wasm"} {
		for _, ext := range []string{"", ".br", ".gz"} {
			p := filepath.Join(dir, name+ext)
			if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			mod := time.Unix(int64(1000+i), 0)
			if err := os.Chtimes(p, mod, mod); err != nil {
				t.Fatal(err)
			}
		}
	}
	prune(dir, "search-", 2) // another target's engines are its own
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	var names []string
	for _, p := range left {
		names = append(names, filepath.Base(p))
	}
	want := []string{"policy-a.wasm", "policy-a.wasm.br", "policy-a.wasm.gz", "search-b.wasm", "search-b.wasm.br", "search-b.wasm.gz", "search-c.wasm", "search-c.wasm.br", "search-c.wasm.gz"}
	if !slices.Equal(names, want) {
		t.Errorf("after prune: %v, want %v", names, want)
	}
}

// TestLockPerEngine checks that a compile of one engine waits for another
// compile of the same engine, not for the other engine's.
func TestLockPerEngine(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockFile(lockPath(dir, Search))
	if err != nil {
		t.Fatal(err)
	}
	other := make(chan error, 1)
	go func() {
		u, err := lockFile(lockPath(dir, Policy))
		if err == nil {
			u()
		}
		other <- err
	}()
	select {
	case err := <-other:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the policy engine's lock waited for the search's")
	}
	same := make(chan struct{})
	go func() {
		u, err := lockFile(lockPath(dir, Search))
		if err == nil {
			u()
		}
		close(same)
	}()
	select {
	case <-same:
		t.Fatal("a second compile of the search engine did not wait for the first")
	case <-time.After(200 * time.Millisecond):
	}
	unlock()
	<-same
}
