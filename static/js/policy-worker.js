// iamref policy worker: runs the policy engine (cmd/policywasm, Go compiled
// to WebAssembly) off the main thread, for /analyze/ and /write/
// (static/js/policy-engine.js is its client; docs/policy.md the engine's
// functions).
//
// Messages in:
//   {type: "init", loader: URL, wasmExec: URL, wasm: URL, catalog: URL}
//       (absolute URLs; loader is static/js/worker-load.js, which loads
//       the engine and reports the progress)
//   {type: "call", id: n, fn: "analyze"|"analysis"|"compare"|"write"|"expand", args: [strings], shared: bool}
//   {type: "shared", control: SharedArrayBuffer, data: SharedArrayBuffer}
//       (where the page is cross-origin isolated: the buffers a "shared"
//       call's answer is written into, which the page's thread reads while
//       it waits for it; policy-engine.js's callNow)
// Messages out:
//   {type: "progress", loaded: bytes, total: bytes}
//   {type: "ready", ms: load time, phases: {name: ms since the worker started}}
//   {type: "error", message: "..."}          (the engine could not load)
//   {type: "result", id: n, result: "JSON", ms: time in the worker, goMs: of it, in Go's analysis}
//       (for a shared call, inShared: true and no result when the answer
//       is in the data buffer)
//
// A shared call's answer is written as UTF-8 into data, its length into
// control[1] (-1 when it does not fit: the message then carries it), the
// times into control[2] and [3] (µs), and last the call's id into
// control[0], with Atomics, so that a thread that sees the id sees the rest.
//
// "analysis" is the engine's __iamrefPolicyAnalysis: analyze's arguments,
// and {"report": the report, "known": which of the names it suggests are
// catalog actions, with their access levels (a finding suggests actions
// or condition keys; the page links the actions)}.
"use strict";

var ready = null;
var control = null, data = null, encoder = new TextEncoder(), scratch = new Uint8Array(0);
var goMs = 0; // of the last call, the time in the engine's analysis
var fns = {
  analyze: "__iamrefPolicyAnalyze",
  // The report and which of the names it suggests are actions, in one
  // answer, so the page asks once a keystroke.
  analysis: "__iamrefPolicyAnalysis",
  compare: "__iamrefPolicyCompare",
  write: "__iamrefPolicyWrite",
  expand: "__iamrefPolicyExpand"
};

self.onmessage = function (ev) {
  var msg = ev.data || {};
  if (msg.type === "init") {
    if (!ready) {
      var started = Date.now();
      ready = init(msg);
      ready.then(function () {
        self.postMessage({ type: "ready", ms: Date.now() - started, phases: phases });
      }, function (err) {
        self.postMessage({ type: "error", message: String(err && err.message || err) });
      });
    }
    return;
  }
  if (msg.type === "shared") {
    control = new Int32Array(msg.control);
    data = new Uint8Array(msg.data);
    return;
  }
  if (msg.type === "call") {
    if (!ready) {
      self.postMessage({ type: "result", id: msg.id, result: JSON.stringify({ error: "the engine was called before init" }) });
      return;
    }
    ready.then(function () {
      var t = performance.now();
      goMs = 0;
      var out;
      try {
        out = call(msg.fn, msg.args || []);
      } catch (err) {
        out = JSON.stringify({ error: String(err && err.message || err) });
      }
      if (typeof out !== "string") {
        // Go's program ended (a fatal error: out of memory, say), and its
        // functions now return undefined: every call says so.
        out = JSON.stringify({ error: "the policy engine stopped; reload the page to start it again" });
      }
      var ms = performance.now() - t;
      var inShared = false;
      if (msg.shared && control) {
        // Encoded into a scratch buffer first (Firefox's TextEncoder
        // writes into no shared memory), for an answer that can fit (each
        // UTF-16 unit takes a byte at least).
        var n = -1;
        if (out.length <= data.length) {
          if (scratch.length < out.length * 3) {
            scratch = new Uint8Array(Math.min(out.length * 3 + (64 << 10), data.length * 3));
          }
          n = encoder.encodeInto(out, scratch).written;
        }
        var fits = n >= 0 && n <= data.length;
        if (fits) {
          data.set(scratch.subarray(0, n));
        }
        Atomics.store(control, 1, fits ? n : -1);
        Atomics.store(control, 2, Math.round(ms * 1000));
        Atomics.store(control, 3, Math.round(goMs * 1000));
        Atomics.store(control, 0, msg.id);
        inShared = fits;
      }
      self.postMessage({ type: "result", id: msg.id, result: inShared ? undefined : out, inShared: inShared, ms: Math.round(ms), goMs: Math.round(goMs) });
    }, function (err) {
      self.postMessage({ type: "result", id: msg.id, result: JSON.stringify({ error: String(err && err.message || err) }) });
    });
  }
};

function call(fn, args) {
  var name = fns[fn];
  if (!name) {
    return JSON.stringify({ error: "no engine function " + fn });
  }
  var t = performance.now();
  var out = self[name].apply(null, args.map(String));
  if (fn === "analysis") {
    goMs = performance.now() - t;
  }
  return out;
}

// init compiles the engine while it downloads, loads the catalog meanwhile,
// starts Go and hands it the catalog (with static/js/worker-load.js, the
// loading both workers share).
// phases are when the load's steps ended, in ms since the worker started
// (for the page's timings).
var phases = {};
function phase(name) {
  phases[name] = Math.round(performance.now());
}

function init(msg) {
  importScripts(msg.loader); // defines self.iamrefWorkerLoad
  var load = self.iamrefWorkerLoad;
  var module = load.compile(msg.wasm);
  var pack = load.download(msg.catalog, "catalog").then(function (b) {
    phase("catalog");
    return b;
  });
  var started = load.start(msg.wasmExec, module, "__iamrefPolicyReady", function (step) {
    if (step !== "instantiated") {
      phase(step); // compiled, started
    }
  });
  return Promise.all([started, pack]).then(function (parts) {
    var err = self.__iamrefPolicyLoad(new Uint8Array(parts[1]));
    phase("loaded");
    if (err) {
      throw new Error(err);
    }
  });
}
