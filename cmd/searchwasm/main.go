//go:build js && wasm

// Command searchwasm is the site's search engine compiled to WebAssembly.
// It runs in a Web Worker (static/js/search-worker.js) and registers three
// functions on the worker's global object:
//
//	__iamrefLoad(bytes: Uint8Array) -> string            // the index's names part; "" or an error message
//	__iamrefAddDescriptions(bytes: Uint8Array) -> string // its descriptions part, once loaded; "" or an error message
//	__iamrefSearch(q: string, limit: number) -> string   // JSON query.Results
//
// and then calls __iamrefReady() if the worker defined it.
package main

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"syscall/js"
	"time"

	"github.com/iamref/iamref/builder/search/query"
)

var engine *query.Engine

// Garbage: the open index is about 16 MB of live heap (the file itself,
// read in place, and the document table), and a collection in WebAssembly
// takes milliseconds to tens of them. The engine lets the heap grow to five
// times that before collecting, and collects when the user stops typing,
// so that collections rarely fall inside a query.
const (
	gcPercent = 400
	gcIdle    = 800 * time.Millisecond
)

var idleGC *time.Timer

func main() {
	debug.SetGCPercent(gcPercent)
	idleGC = time.AfterFunc(time.Hour, runtime.GC)
	idleGC.Stop()
	g := js.Global()
	g.Set("__iamrefLoad", js.FuncOf(load))
	g.Set("__iamrefAddDescriptions", js.FuncOf(addDescriptions))
	g.Set("__iamrefSearch", js.FuncOf(search))
	if ready := g.Get("__iamrefReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // serve calls until the worker goes away
}

func load(_ js.Value, args []js.Value) any {
	return open(args, func(b []byte) (*query.Engine, error) { return query.Open(b) })
}

func addDescriptions(_ js.Value, args []js.Value) any {
	if engine == nil {
		return "the index's names are not loaded"
	}
	return open(args, engine.WithDescriptions)
}

// open copies the bytes of a part of the index into Go and opens an engine
// with them.
func open(args []js.Value, with func([]byte) (*query.Engine, error)) any {
	if len(args) != 1 || args[0].Type() != js.TypeObject {
		return "load: want one Uint8Array"
	}
	// Opening builds the whole live heap at once: collecting on the way
	// would only scan what must stay. Collect once, when the user pauses.
	debug.SetGCPercent(-1)
	defer debug.SetGCPercent(gcPercent)
	b := make([]byte, args[0].Get("byteLength").Int())
	js.CopyBytesToGo(b, args[0])
	e, err := with(b)
	if err != nil {
		return err.Error()
	}
	engine = e
	idleGC.Reset(gcIdle) // the garbage of opening
	return ""
}

func search(_ js.Value, args []js.Value) any {
	var res query.Results
	switch {
	case engine == nil:
		res.Error = "the index is not loaded"
	case len(args) < 1 || args[0].Type() != js.TypeString:
		res.Error = "search: want a query string"
	default:
		limit := 10
		if len(args) > 1 && args[1].Type() == js.TypeNumber {
			limit = args[1].Int()
		}
		res = engine.Search(args[0].String(), limit)
	}
	idleGC.Reset(gcIdle)
	b, err := json.Marshal(res)
	if err != nil {
		return `{"error":"` + "cannot encode results" + `"}`
	}
	return string(b)
}
