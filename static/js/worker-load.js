// iamref worker loader: how the search worker (static/js/search-worker.js)
// and the policy worker (static/js/policy-worker.js) load a Go program
// compiled to WebAssembly and its data, and tell the page how far they
// are. One file, so that the two load and report the same way.
//
// A worker loads it with importScripts(msg.loader) when its "init" comes:
// the build fingerprints this file, so a worker cannot name it; the page
// does (data-worker-load, next to data-worker) and passes its URL on.
// That is one request more before the downloads start: on a cold cache
// at 40 ms round trips the search's engine and names came 20-50 ms later
// (medians of 6 runs, IAMREF_COMPARE_COLD TestCompareSearch), its first
// results within the runs' noise; the file is cached like every
// fingerprinted asset.
//
// It defines self.iamrefWorkerLoad:
//   compile(url)         the engine, compiled while it downloads
//   download(url, key)   a data file into an ArrayBuffer
//   start(wasmExec, module, readyName, step)
//                        Go's program running, once it calls self[readyName]
// and posts {type: "progress", loaded: bytes, total: bytes} for all of
// their bytes together (total 0: no fraction can be told).
"use strict";

self.iamrefWorkerLoad = (function () {
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

  // download fetches url into an ArrayBuffer, counting its bytes under
  // key. It uses XMLHttpRequest, whose progress events come without
  // JavaScript handling every chunk of the body: reading a fetch() stream
  // for a byte count made the first results about 300 ms later
  // (TestCompareSearch). The Content-Length of a compressed response
  // counts compressed bytes while loaded counts decompressed ones: such a
  // total is not compared with them (-1: the bar then shows progress
  // without an end, and the bytes read).
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

  // compile fetches the engine and compiles it while it downloads,
  // straight from the network stream: reading it through JavaScript for a
  // byte count made the search's first results 300-500 ms later in
  // Chromium (TestCompareSearch). Its bytes count in the progress when it
  // is compiled; the data's as they come.
  function compile(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) {
        throw new Error(url + ": HTTP " + res.status);
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
  }

  // start loads Go's support code (wasm_exec.js, which defines self.Go)
  // at once, while the downloads started before are under way, and runs
  // the program as soon as module is compiled, while its data may still
  // be on the way. It resolves once the program has registered its
  // functions and called self[readyName]. step, if given, is called with
  // "compiled", "instantiated" and "started" as they happen (the workers'
  // phases).
  function start(wasmExec, module, readyName, step) {
    step = step || function () {};
    importScripts(wasmExec); // defines self.Go
    var go = new self.Go();
    return module.then(function (m) {
      step("compiled");
      return WebAssembly.instantiate(m, go.importObject);
    }).then(function (instance) {
      step("instantiated");
      var ready = new Promise(function (resolve) { self[readyName] = resolve; });
      go.run(instance).catch(function () {});
      return ready;
    }).then(function () {
      step("started");
    });
  }

  return { compile: compile, download: download, start: start };
})();
