// iamref search worker: runs the search engine (Go compiled to
// WebAssembly) off the main thread.
//
// Messages in:
//   {type: "init", wasmExec: URL, wasm: URL, index: URL}   (absolute URLs)
//   {type: "search", id: n, q: "text", limit: n}
// Messages out:
//   {type: "progress", loaded: bytes, total: bytes}
//   {type: "ready", ms: load time, phases: {boot, download, instantiate, start, wait, open,
//       indexAt} in ms}
//   {type: "error", message: "..."}
//   {type: "results", id: n, ms: time in the engine, results: {query, total, hits: [...], error?}}
"use strict";

var ready = null;

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
  if (msg.type === "search") {
    if (!ready) {
      self.postMessage({ type: "error", message: "search used before init" });
      return;
    }
    ready.then(function () {
      var results;
      var t = Date.now();
      try {
        results = JSON.parse(self.__iamrefSearch(String(msg.q), msg.limit | 0));
      } catch (err) {
        results = { query: msg.q, total: 0, hits: [], error: String(err && err.message || err) };
      }
      self.postMessage({ type: "results", id: msg.id, ms: Date.now() - t, results: results });
    }, function () { /* the error was reported once already */ });
  }
};

// progress tracks the bytes of every download under way.
var progress = { loaded: {}, total: {} };
var lastReport = 0;

function report(force) {
  var now = Date.now();
  if (!force && now - lastReport < 50) {
    return; // at most 20 messages a second
  }
  lastReport = now;
  var loaded = 0, total = 0;
  Object.keys(progress.total).forEach(function (k) {
    loaded += progress.loaded[k] || 0;
    total += progress.total[k] || 0;
  });
  self.postMessage({ type: "progress", loaded: loaded, total: total });
}

// get fetches url and returns a response whose reading reports progress.
// The Content-Length of a compressed response counts compressed bytes
// while the stream yields decompressed ones, so the total only grows.
function get(url, key) {
  return fetch(url, { credentials: "same-origin" }).then(function (res) {
    if (!res.ok) {
      throw new Error(url + ": HTTP " + res.status);
    }
    progress.total[key] = parseInt(res.headers.get("Content-Length") || "0", 10);
    progress.loaded[key] = 0;
    report(true);
    if (!res.body || !res.body.getReader || typeof ReadableStream === "undefined") {
      return res;
    }
    var reader = res.body.getReader();
    var stream = new ReadableStream({
      pull: function (ctl) {
        return reader.read().then(function (r) {
          if (r.done) {
            progress.total[key] = Math.max(progress.total[key], progress.loaded[key]);
            report(true);
            ctl.close();
            return;
          }
          progress.loaded[key] += r.value.length;
          progress.total[key] = Math.max(progress.total[key], progress.loaded[key]);
          report(false);
          ctl.enqueue(r.value);
        });
      }
    });
    return new Response(stream, { headers: { "Content-Type": res.headers.get("Content-Type") || "" } });
  });
}

// phases times the loading, for measurements (builder/site TestCompareSearch).
var phases = {};

function init(msg) {
  // from the worker's start (its time origin) to this message
  phases.boot = Math.round(self.performance ? self.performance.now() : 0);
  var t = Date.now(), t0 = t;
  function mark(name) {
    var now = Date.now();
    phases[name] = now - t;
    t = now;
  }
  importScripts(msg.wasmExec); // defines self.Go
  var go = new self.Go();
  // The engine compiles while it downloads, straight from the network
  // stream: reading it through JavaScript for a byte count made the first
  // results 300-500 ms later in Chromium (TestCompareSearch). Its bytes
  // count in the progress bar when it is compiled; the index's as they come.
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
      progress.loaded.wasm = size;
      report(true);
      return m;
    });
  });
  // (Fetching the index in the page and handing it over, or only once the
  // engine was compiled, made the first results later in TestCompareSearch:
  // the downloads share the browser's throughput either way.)
  var index = get(msg.index, "index").then(function (res) { return res.arrayBuffer(); }).then(function (b) {
    phases.indexAt = Date.now() - t0;
    return b;
  });
  // Go starts as soon as the engine is compiled, while the index may still
  // be on its way.
  var started = module.then(function (m) {
    mark("download");
    return WebAssembly.instantiate(m, go.importObject);
  }).then(function (instance) {
    mark("instantiate");
    var ready = new Promise(function (resolve) { self.__iamrefReady = resolve; });
    go.run(instance).catch(function () {});
    return ready;
  }).then(function () {
    mark("start");
  });
  return Promise.all([started, index]).then(function (parts) {
    mark("wait"); // for the index, once Go runs
    var err = self.__iamrefLoad(new Uint8Array(parts[1]));
    mark("open");
    if (err) {
      throw new Error(err);
    }
  });
}
