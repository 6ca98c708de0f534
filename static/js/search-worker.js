// iamref search worker: runs the search engine (Go compiled to
// WebAssembly) off the main thread.
//
// Messages in:
//   {type: "init", loader: URL, wasmExec: URL, wasm: URL, index: URL, descriptions: URL, use: bool}
//       (absolute URLs; loader is static/js/worker-load.js, which loads the
//       engine and the index's parts and reports the progress; index is the
//       names part of the index, descriptions the descriptions part; without
//       use, the descriptions wait for "use")
//   {type: "use"}   the visitor is searching: load the descriptions too
//   {type: "search", id: n, q: "text", limit: n}
// Messages out:
//   {type: "progress", loaded: bytes, total: bytes}
//   {type: "ready", ms: load time, phases: {boot, download, instantiate, start, wait, open,
//       indexAt} in ms}   (the engine answers, from the names part)
//   {type: "complete", ms: load time, phases: {..., descriptionsAt, descriptions}}
//       (the descriptions are in: queries now give the full results)
//   {type: "error", message: "..."}
//   {type: "results", id: n, ms: time in the engine, complete: bool,
//       results: {query, total, hits: [...], error?}}
"use strict";

var ready = null;
var complete = false;
var use = null; // resolves when the descriptions may be loaded
var useNow = null;

self.onmessage = function (ev) {
  var msg = ev.data || {};
  if (msg.type === "init") {
    if (!ready) {
      var started = Date.now();
      use = new Promise(function (resolve) { useNow = resolve; });
      if (msg.use) {
        useNow();
      }
      var loaded = init(msg);
      ready = loaded.ready;
      ready.then(function () {
        self.postMessage({ type: "ready", ms: Date.now() - started, phases: phases });
      }, function (err) {
        self.postMessage({ type: "error", message: String(err && err.message || err) });
      });
      loaded.complete.then(function () {
        complete = true;
        self.postMessage({ type: "complete", ms: Date.now() - started, phases: phases });
      }, function (err) {
        ready.then(function () {
          // The names still answer; say why the rest is missing.
          self.postMessage({ type: "error", message: String(err && err.message || err), partial: true });
        }, function () { /* reported as the engine's error */ });
      });
    }
    return;
  }
  if (msg.type === "use") {
    if (useNow) {
      useNow();
    }
    return;
  }
  if (msg.type === "search") {
    if (!ready) {
      self.postMessage({ type: "error", message: "search used before init" });
      return;
    }
    if (useNow) {
      useNow();
    }
    ready.then(function () {
      var results;
      var t = Date.now();
      try {
        results = JSON.parse(self.__iamrefSearch(String(msg.q), msg.limit | 0));
      } catch (err) {
        results = { query: msg.q, total: 0, hits: [], error: String(err && err.message || err) };
      }
      self.postMessage({ type: "results", id: msg.id, ms: Date.now() - t, complete: complete, results: results });
    }, function () { /* the error was reported once already */ });
  }
};

// phases times the loading, for measurements (builder/site TestCompareSearch).
var phases = {};

// init loads the engine and the names part, and then the descriptions
// part. It returns two promises: ready (the engine answers from the names)
// and complete (the descriptions are in).
function init(msg) {
  // from the worker's start (its time origin) to this message
  phases.boot = Math.round(self.performance ? self.performance.now() : 0);
  var t = Date.now(), t0 = t;
  function mark(name) {
    var now = Date.now();
    phases[name] = now - t;
    t = now;
  }
  importScripts(msg.loader); // defines self.iamrefWorkerLoad
  var load = self.iamrefWorkerLoad;
  // The engine compiles while it downloads (load.compile).
  var module = load.compile(msg.wasm);
  // (Fetching the index in the page and handing it over, or only once the
  // engine was compiled, made the first results later in TestCompareSearch:
  // the downloads share the browser's throughput either way.)
  var names = load.download(msg.index, "index").then(function (b) {
    phases.indexAt = Date.now() - t0;
    return b;
  });
  // Go's support code loads while the downloads are under way; Go starts
  // as soon as the engine is compiled, while the index may still be on its
  // way.
  var marks = { compiled: "download", instantiated: "instantiate", started: "start" };
  var started = load.start(msg.wasmExec, module, "__iamrefReady", function (step) {
    mark(marks[step]);
  });
  var opened = Promise.all([started, names]).then(function (parts) {
    mark("wait"); // for the index, once Go runs
    var err = self.__iamrefLoad(new Uint8Array(parts[1]));
    mark("open");
    if (err) {
      throw new Error(err);
    }
  });
  // The descriptions come last, once the visitor searches: on the way to
  // the first results they would only share the throughput with the
  // engine and the names.
  var descriptions = Promise.all([module, names, use]).then(function () {
    var at = Date.now();
    return load.download(msg.descriptions, "descriptions").then(function (b) {
      phases.descriptionsAt = Date.now() - t0;
      phases.descriptionsDownload = Date.now() - at;
      return b;
    });
  });
  var all = Promise.all([opened, descriptions]).then(function (parts) {
    var s = Date.now();
    var err = self.__iamrefAddDescriptions(new Uint8Array(parts[1]));
    phases.descriptions = Date.now() - s;
    if (err) {
      throw new Error(err);
    }
  });
  return { ready: opened, complete: all };
}
