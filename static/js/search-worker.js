// iamref search worker: runs the search engine (Go compiled to
// WebAssembly) off the main thread.
//
// Messages in:
//   {type: "init", wasmExec: URL, wasm: URL, index: URL, descriptions: URL, use: bool}
//       (absolute URLs; index is the names part of the index, descriptions
//       the descriptions part; without use, the descriptions wait for "use")
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

// progress tracks the bytes of every download under way.
var progress = { loaded: {}, total: {} };
var lastReport = 0;

function report(force) {
  var now = Date.now();
  if (!force && now - lastReport < 50) {
    return; // at most 20 messages a second
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

// download fetches url into an ArrayBuffer, reporting progress. It uses
// XMLHttpRequest, whose progress events come without JavaScript handling
// every chunk of the body: reading a fetch() stream for a byte count made
// the first results about 300 ms later (TestCompareSearch). The
// Content-Length of a compressed response counts compressed bytes while
// loaded counts decompressed ones: such a total is not compared with
// them (the bar then shows progress without an end, and the bytes read).
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
  var names = download(msg.index, "index").then(function (b) {
    phases.indexAt = Date.now() - t0;
    return b;
  });
  // The downloads are under way; Go's support code loads meanwhile.
  importScripts(msg.wasmExec); // defines self.Go
  var go = new self.Go();
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
    return download(msg.descriptions, "descriptions").then(function (b) {
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
