// iamref policy worker: runs the policy engine (cmd/policywasm, Go compiled
// to WebAssembly) off the main thread, for /analyze/ and /write/
// (static/js/policy-engine.js is its client; docs/policy.md the engine's
// functions).
//
// Messages in:
//   {type: "init", wasmExec: URL, wasm: URL, catalog: URL}   (absolute URLs)
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

var progress = { loaded: {}, total: {} };
var lastReport = 0;

function report(force) {
  var now = Date.now();
  if (!force && now - lastReport < 50) {
    return;
  }
  lastReport = now;
  var loaded = 0, total = 0, unknown = false;
  Object.keys(progress.total).forEach(function (k) {
    loaded += progress.loaded[k] || 0;
    if (progress.total[k] < 0) {
      unknown = true;
    } else {
      total += progress.total[k] || 0;
    }
  });
  if (unknown) {
    total = 0; // a total in other units: no fraction
  }
  self.postMessage({ type: "progress", loaded: loaded, total: total });
}

// download fetches url into an ArrayBuffer with progress events (as the
// search worker does: XMLHttpRequest reports them without JavaScript
// reading every chunk). The Content-Length of a compressed response counts
// compressed bytes while loaded counts decompressed ones: such a total is
// not compared with them (-1: the bar shows progress without an end).
function download(url, key) {
  return new Promise(function (resolve, reject) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.responseType = "arraybuffer";
    progress.total[key] = 0;
    progress.loaded[key] = 0;
    xhr.onprogress = function (ev) {
      var enc = xhr.getResponseHeader("Content-Encoding");
      var comparable = ev.lengthComputable && (!enc || enc === "identity");
      progress.loaded[key] = ev.loaded;
      progress.total[key] = comparable ? Math.max(ev.total, ev.loaded) : -1;
      report(false);
    };
    xhr.onload = function () {
      if (xhr.status !== 200) {
        reject(new Error(url + ": HTTP " + xhr.status));
        return;
      }
      var n = xhr.response.byteLength;
      progress.loaded[key] = n;
      progress.total[key] = n;
      report(true);
      resolve(xhr.response);
    };
    xhr.onerror = function () { reject(new Error(url + ": network error")); };
    xhr.send();
  });
}

// init compiles the engine while it downloads, loads the catalog meanwhile,
// starts Go and hands it the catalog.
// phases are when the load's steps ended, in ms since the worker started
// (for the page's timings).
var phases = {};
function phase(name) {
  phases[name] = Math.round(performance.now());
}

function init(msg) {
  var module = fetch(msg.wasm, { credentials: "same-origin" }).then(function (res) {
    if (!res.ok) {
      throw new Error(msg.wasm + ": HTTP " + res.status);
    }
    var size = parseInt(res.headers.get("Content-Length") || "0", 10);
    progress.total.wasm = size;
    progress.loaded.wasm = 0;
    report(true);
    var compiled = WebAssembly.compileStreaming && /^application\/wasm/.test(res.headers.get("Content-Type") || "") ?
      WebAssembly.compileStreaming(res) :
      res.arrayBuffer().then(function (b) { return WebAssembly.compile(b); });
    return compiled.then(function (m) {
      phase("compiled");
      progress.loaded.wasm = size;
      report(true);
      return m;
    });
  });
  var pack = download(msg.catalog, "catalog").then(function (b) {
    phase("catalog");
    return b;
  });
  importScripts(msg.wasmExec); // defines self.Go
  var go = new self.Go();
  var started = module.then(function (m) {
    return WebAssembly.instantiate(m, go.importObject);
  }).then(function (instance) {
    var ready = new Promise(function (resolve) { self.__iamrefPolicyReady = resolve; });
    go.run(instance).catch(function () {});
    return ready.then(function () { phase("started"); });
  });
  return Promise.all([started, pack]).then(function (parts) {
    var err = self.__iamrefPolicyLoad(new Uint8Array(parts[1]));
    phase("loaded");
    if (err) {
      throw new Error(err);
    }
  });
}
