// iamref search worker: runs the search engine (Go compiled to
// WebAssembly) off the main thread.
//
// Messages in:
//   {type: "init", wasmExec: URL, wasm: URL, index: URL}   (absolute URLs)
//   {type: "search", id: n, q: "text", limit: n}
// Messages out:
//   {type: "progress", loaded: bytes, total: bytes}
//   {type: "ready", ms: load time}
//   {type: "error", message: "..."}
//   {type: "results", id: n, results: {query, total, hits: [...], error?}}
"use strict";

var ready = null;

self.onmessage = function (ev) {
  var msg = ev.data || {};
  if (msg.type === "init") {
    if (!ready) {
      var started = Date.now();
      ready = init(msg);
      ready.then(function () {
        self.postMessage({ type: "ready", ms: Date.now() - started });
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
      try {
        results = JSON.parse(self.__iamrefSearch(String(msg.q), msg.limit | 0));
      } catch (err) {
        results = { query: msg.q, total: 0, hits: [], error: String(err && err.message || err) };
      }
      self.postMessage({ type: "results", id: msg.id, results: results });
    }, function () { /* the error was reported once already */ });
  }
};

// progress tracks the bytes of every download under way.
var progress = { loaded: {}, total: {} };

function report() {
  var loaded = 0, total = 0;
  Object.keys(progress.total).forEach(function (k) {
    loaded += progress.loaded[k] || 0;
    total += progress.total[k] || 0;
  });
  self.postMessage({ type: "progress", loaded: loaded, total: total });
}

// fetchBytes downloads url into an ArrayBuffer, reporting progress. The
// Content-Length of a compressed response counts compressed bytes while
// the stream yields decompressed ones, so the total only grows.
function fetchBytes(url, key) {
  return fetch(url, { credentials: "same-origin" }).then(function (res) {
    if (!res.ok) {
      throw new Error(url + ": HTTP " + res.status);
    }
    var length = parseInt(res.headers.get("Content-Length") || "0", 10);
    progress.total[key] = length;
    progress.loaded[key] = 0;
    report();
    if (!res.body || !res.body.getReader) {
      return res.arrayBuffer();
    }
    var reader = res.body.getReader();
    var chunks = [];
    var size = 0;
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) {
          var out = new Uint8Array(size);
          var off = 0;
          chunks.forEach(function (c) { out.set(c, off); off += c.length; });
          progress.loaded[key] = size;
          progress.total[key] = Math.max(progress.total[key], size);
          report();
          return out.buffer;
        }
        chunks.push(r.value);
        size += r.value.length;
        progress.loaded[key] = size;
        progress.total[key] = Math.max(progress.total[key], size);
        report();
        return pump();
      });
    }
    return pump();
  });
}

function init(msg) {
  importScripts(msg.wasmExec); // defines self.Go
  var go = new self.Go();
  return Promise.all([fetchBytes(msg.wasm, "wasm"), fetchBytes(msg.index, "index")]).then(function (parts) {
    return WebAssembly.instantiate(parts[0], go.importObject).then(function (inst) {
      var started = new Promise(function (resolve) { self.__iamrefReady = resolve; });
      go.run(inst.instance).catch(function () {});
      return started.then(function () {
        var err = self.__iamrefLoad(new Uint8Array(parts[1]));
        if (err) {
          throw new Error(err);
        }
      });
    });
  });
}
