// iamref policy worker: runs the policy engine (cmd/policywasm, Go compiled
// to WebAssembly) off the main thread, for /analyze/ and /write/
// (static/js/policy-engine.js is its client; docs/policy.md the engine's
// functions).
//
// Messages in:
//   {type: "init", loader: URL, wasmExec: URL, wasm: URL, catalog: URL}
//       (absolute URLs; loader is static/js/worker-load.js, which loads
//       the engine and reports the progress)
//   {type: "call", id: n, fn: "analyze"|"analysis"|"compare"|"write"|"expand", args: [strings]}
// Messages out:
//   {type: "progress", loaded: bytes, total: bytes}
//   {type: "ready", ms: load time, phases: {name: ms since the worker started}}
//   {type: "error", message: "..."}          (the engine could not load)
//   {type: "result", id: n, result: "JSON", ms: time in the worker, goMs: of it, in Go's analysis}
//
// "analysis" is the engine's __iamrefPolicyAnalysis: analyze's arguments,
// and {"report": the report, "known": which of the names it suggests are
// catalog actions, with their access levels (a finding suggests actions
// or condition keys; the page links the actions)}.
"use strict";

var ready = null;
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
      self.postMessage({ type: "result", id: msg.id, result: out, ms: Math.round(performance.now() - t), goMs: Math.round(goMs) });
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
