//go:build js && wasm

// Command policywasm is the site's policy engine compiled to WebAssembly,
// for the /analyze/ and /write/ pages. It registers, on the global object
// of the page or Web Worker that runs it, the functions docs/policy.md
// documents (their contract):
//
//	__iamrefPolicyLoad(pack: Uint8Array) -> string          // "" or an error message
//	__iamrefPolicyAnalyze(document, options: string) -> string   // iamref.policy.v1
//	__iamrefPolicyAnalysis(document, options: string) -> string  // {"report": iamref.policy.v1, "known": {…}, "held"?: {…}}
//	__iamrefPolicyCompare(a, b, options: string) -> string       // iamref.compare.v1
//	__iamrefPolicyWrite(spec: string) -> string                  // iamref.write.v1
//	__iamrefPolicyExpand(pattern: string) -> string              // iamref.expand.v1
//
// and then calls __iamrefPolicyReady() if it is defined. It imports the
// policy engine, the catalog's decoder and the two JSON writers only
// (TestImports holds it to that), so the results are the command line's,
// byte for byte.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"syscall/js"
	"time"
	"unsafe"

	"github.com/iamref/iamref/builder/catalogpack"
	"github.com/iamref/iamref/builder/leastprivilege"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/policyreport"
)

var engine *policy.Engine

func main() {
	g := js.Global()
	g.Set("__iamrefPolicyLoad", js.FuncOf(load))
	g.Set("__iamrefPolicyAnalyze", js.FuncOf(withEngine(analyze)))
	g.Set("__iamrefPolicyAnalysis", js.FuncOf(withEngine(analysis)))
	g.Set("__iamrefPolicyCompare", js.FuncOf(withEngine(compare)))
	g.Set("__iamrefPolicyWrite", js.FuncOf(withEngine(write)))
	g.Set("__iamrefPolicyExpand", js.FuncOf(withEngine(expand)))
	if ready := g.Get("__iamrefPolicyReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // serve calls while the page lives
}

func load(_ js.Value, args []js.Value) any {
	if len(args) != 1 || args[0].Type() != js.TypeObject || args[0].Get("byteLength").Type() != js.TypeNumber {
		return "load: want one Uint8Array"
	}
	// No collection while the catalog loads: it is all kept, and in
	// WebAssembly, with one thread, a collection running meanwhile made
	// the load half as long again (its write barriers and assists on
	// every value decoded: docs/policy.md). The first collection waits for
	// a pause after the first analysis (collectSoon).
	debug.SetGCPercent(-1)
	b := make([]byte, args[0].Get("byteLength").Int())
	js.CopyBytesToGo(b, args[0])
	c, err := catalogpack.Decode(b)
	if err != nil {
		debug.SetGCPercent(gcPercent)
		return err.Error()
	}
	engine = policy.NewEngine(c)
	collectPending, settled, collectCount = true, false, 0
	return ""
}

// gcPercent is the engine's GOGC once a catalog is loaded. The catalog
// and its engine are what lasts of the heap; an analysis allocates well
// under a megabyte, garbage at once. WebAssembly has one thread, so a
// collection stops the engine: with Go's default (GOGC 100) one falls
// every few dozen analyses of a 10 kB policy and adds 50–100 ms to a
// keystroke. Collecting when the heap has grown by three times the
// catalog keeps them several times rarer.
const gcPercent = 300

// The collection load puts off: it waits for a pause of collectPause
// after a call, as a reader reads the first analysis, in a timer task of
// its own, rather than falling in the first analysis (where collecting
// the new catalog took as long as the analysis), in the page's drawing of
// it or in a keystroke; after collectCalls calls without such a pause the
// collector is simply turned back on. The first such pause settles the
// heap (settle), however many calls came before it: its two collections
// take 100–200 ms, never inside a call.
var (
	collectPending bool // the collector is still off since the load
	settled        bool // settle has run since the load
	collectCount   int
	collectTimer   js.Value
	collectFunc    = js.FuncOf(func(js.Value, []js.Value) any {
		if !settled {
			collectPending, settled = false, true
			settle()
		}
		return nil
	})
)

const (
	collectPause = 1000 // ms
	collectCalls = 20
)

// collectSoon (re)arms the put-off collection and settle after a call,
// and once settled, the collection at a pause (collectIdle).
func collectSoon() {
	if settled {
		collectIdleSoon()
		return
	}
	g := js.Global()
	if collectTimer.Truthy() {
		g.Call("clearTimeout", collectTimer)
	}
	if collectCount++; collectPending && collectCount >= collectCalls {
		collectPending = false
		debug.SetGCPercent(gcPercent)
	}
	collectTimer = g.Call("setTimeout", collectFunc, collectPause)
}

// settle turns the collector on once the catalog is loaded, collects,
// and grows the heap at once to the size it will run at: GOGC gcPercent
// of what is live. Grown a few pages at a time as analyses allocate, the
// WebAssembly memory is enlarged in hundreds of small steps, and in V8
// each step past a few tens of megabytes copies the whole memory: until
// the heap had reached its goal, a keystroke's analysis took up to twice
// as long (docs/policy.md). A module's memory is never given back, so
// this is memory the engine would come to hold anyway.
func settle() {
	debug.SetGCPercent(gcPercent)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if goal := ms.HeapAlloc * (100 + gcPercent) / 100; goal > ms.HeapSys {
		grown := make([]byte, goal-ms.HeapSys)
		runtime.KeepAlive(grown) // made, then garbage
		runtime.GC()
	}
}

// Once the heap is settled, the collections fall where the heap reaches
// its goal: in whatever call allocates past it, a keystroke's analysis
// made 50–100 ms longer (WebAssembly has one thread, and the collector
// marks the whole catalog). A keystroke allocates some 100 kB, and a
// reader pauses: when a call leaves the heap past idleShare of the way
// from what the last collection kept to the goal, the collection runs at
// the first pause of idlePause without a call (collectIdle, in a timer
// task of its own, never inside a call), so that a keystroke seldom
// meets one. The pause is long, not the 30 ms between two keystrokes
// typed quickly: a collection there ran past the next keystroke and
// delayed it nearly as much as one inside it (docs/policy.md, stop 25).
// Calls without such a pause (a paste analysed, a script) still collect
// at the goal.
const (
	idlePause = 200 * time.Millisecond
	idleShare = 0.5
)

var (
	lastCall  time.Time // when the last call ended
	idleArmed bool      // a timer for idleFunc is set
	idleFunc  js.Func   // collectIdle, as a timer's function (set in init)
	// heapSamples are the runtime/metrics collectIdleSoon reads.
	heapSamples = []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
	}
)

func init() {
	idleFunc = js.FuncOf(func(js.Value, []js.Value) any {
		idleArmed = false
		collectIdle()
		return nil
	})
}

// collectIdleSoon, after a call, arms the collection at a pause when the
// heap is past idleShare of its way to the goal.
func collectIdleSoon() {
	lastCall = time.Now()
	if idleArmed || !idleDue() {
		return
	}
	idleArmed = true
	js.Global().Call("setTimeout", idleFunc, idlePause.Milliseconds())
}

// idleDue tells whether the heap is past idleShare of the way from what
// the last collection left live to the goal.
func idleDue() bool {
	metrics.Read(heapSamples)
	for _, s := range heapSamples {
		if s.Value.Kind() != metrics.KindUint64 {
			return false // not this Go's metrics: leave the collector alone
		}
	}
	live, goal, heap := heapSamples[0].Value.Uint64(), heapSamples[1].Value.Uint64(), heapSamples[2].Value.Uint64()
	return goal > live && float64(heap) >= float64(live)+idleShare*float64(goal-live)
}

// collectIdle collects if no call came for idlePause, and else waits
// again for the rest of the pause.
func collectIdle() {
	if wait := idlePause - time.Since(lastCall); wait > 0 {
		idleArmed = true
		js.Global().Call("setTimeout", idleFunc, max(1, wait.Milliseconds()))
		return
	}
	if idleDue() {
		runtime.GC()
	}
}

// errorJSON is {"error": msg} with a final newline.
func errorJSON(msg string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]string{"error": msg}) // a string map always encodes
	return b.String()
}

// withEngine checks the catalog is loaded and the arguments are strings,
// and turns a panic into an error result: no function throws.
func withEngine(fn func(args []string) string) func(js.Value, []js.Value) any {
	return func(_ js.Value, args []js.Value) (out any) {
		if engine == nil {
			return errorJSON("the catalog is not loaded")
		}
		ss := make([]string, len(args))
		for i, a := range args {
			if a.Type() != js.TypeString {
				return errorJSON(fmt.Sprintf("argument %d is a %s, not a string", i+1, a.Type()))
			}
			ss[i] = a.String()
		}
		defer collectSoon()
		defer func() {
			if r := recover(); r != nil {
				out = errorJSON(fmt.Sprintf("internal error: %v", r))
			}
		}()
		// Made a JavaScript string here, before anything else runs: the
		// result may be the bytes of reused (below).
		return js.ValueOf(fn(ss))
	}
}

// reused is the buffer the report of a keystroke is written into, the
// one before's bytes overwritten: the report of a 10 kB policy is about
// 110 kB, and allocated afresh (and copied into a string) it was half of
// what a keystroke allocated, which sets how often the collector runs.
// Its bytes are handed out as a string (bufString) only to be copied into
// a JavaScript string at once (withEngine); no Go string of them lives on.
var reused []byte

// encoder writes the answers of analysis: a keystroke that leaves the
// allowed list as it was copies its encoding from the answer before's.
var encoder policyreport.Encoder

// stringBytes is s as bytes, without a copy: Analyze only reads its
// document.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// bufString is b as a string, without a copy: b must not change while the
// string is in use.
func bufString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// options reads Analyze's and Compare's options.
func options(s string) (policy.Options, string, error) {
	var o struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	}
	if strings.TrimSpace(s) != "" {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			return policy.Options{}, "", fmt.Errorf("options: %v", err)
		}
	}
	switch k := policy.Kind(o.Kind); k {
	case "", policy.Identity, policy.Resource, policy.SCP:
		return policy.Options{Kind: k}, o.Name, nil
	}
	return policy.Options{}, "", fmt.Errorf("options: kind %q: want identity, resource, scp or \"\"", o.Kind)
}

func analyze(args []string) string {
	opts, name, err := options(arg(args, 1))
	if err != nil {
		return errorJSON(err.Error())
	}
	doc, held := policy.Unwrap(stringBytes(arg(args, 0)))
	if held != nil {
		return errorJSON(heldError(held))
	}
	a := engine.Analyze(doc, incremental(opts))
	if o := policyreport.CheckSize(a, policyreport.MaxBrowserSize); o != nil {
		return errorJSON(sizeError(o))
	}
	reused = policyreport.AppendEncode(reused[:0], policyreport.Subject{Kind: policyreport.Document, Name: name}, a, engine.Catalog().Snapshot)
	return bufString(reused)
}

// heldError is what analyze and compare say of a document held as a
// string, as the command line says it.
func heldError(h *policy.HeldDocument) string {
	return fmt.Sprintf("%d:%d: %s", h.At.Line, h.At.Col, h.Problem())
}

// sizeError is what analyze and analysis say of a document whose report
// would be too long to write, as the command line says it.
func sizeError(o *policyreport.Oversize) string {
	return fmt.Sprintf("%d:%d: %v", o.Line, o.Col, o)
}

// analysis is what /analyze/ asks for at every keystroke: the report and
// which of the names it suggests are actions (policyreport.EncodeAnalysis),
// and, for a document held as a string, where it is and what it says,
// for the page to offer it.
func analysis(args []string) string {
	opts, name, err := options(arg(args, 1))
	if err != nil {
		return errorJSON(err.Error())
	}
	doc, held := policy.Unwrap(stringBytes(arg(args, 0)))
	a := engine.Analyze(doc, incremental(opts))
	if o := policyreport.CheckSize(a, policyreport.MaxBrowserSize); o != nil {
		return errorJSON(sizeError(o))
	}
	reused = encoder.AppendAnalysis(reused[:0], policyreport.Subject{Kind: policyreport.Document, Name: name, Held: held}, a, engine.Catalog())
	return bufString(reused)
}

// incremental: the page analyses the document again at every keystroke,
// and the statements a keystroke left alone are not checked again.
func incremental(opts policy.Options) policy.Options {
	opts.Incremental = true
	return opts
}

func compare(args []string) string {
	opts, name, err := options(arg(args, 2))
	if err != nil {
		return errorJSON(err.Error())
	}
	var sides [2]policyreport.Side
	for i := range sides {
		doc, held := policy.Unwrap([]byte(arg(args, i)))
		if held != nil {
			return errorJSON(fmt.Sprintf("%c: %s", 'a'+i, heldError(held)))
		}
		if sides[i], err = policyreport.DocumentOrReport(engine, name, doc, opts); err != nil {
			return errorJSON(fmt.Sprintf("%c: %v", 'a'+i, err))
		}
	}
	return string(policyreport.EncodeComparison(sides[0], sides[1], engine.Catalog().Snapshot))
}

func write(args []string) string {
	var spec leastprivilege.Spec
	if s := arg(args, 0); strings.TrimSpace(s) != "" {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&spec); err != nil {
			return errorJSON(fmt.Sprintf("spec: %v", err))
		}
	}
	return string(leastprivilege.Encode(leastprivilege.Write(engine, spec), engine.Catalog().Snapshot))
}

func expand(args []string) string {
	return string(policyreport.EncodeExpansion(engine, arg(args, 0)))
}
