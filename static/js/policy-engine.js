// iamref policy engine client, for /analyze/ and /write/: starts the
// engine's worker (static/js/policy-worker.js) when the page is first used,
// says how it loads, and calls the engine's functions (docs/policy.md).
// Also the pieces both pages draw with: elements, action links, access
// levels, a JSON highlighter with the classes chroma gives the site's
// policy documents.
//
// The page's tool element (#analyzer, #writer) carries data-wasm,
// data-catalog, data-wasm-exec, data-worker, data-worker-load (the
// loader the worker imports: static/js/worker-load.js), data-root and
// data-names (builder/site/workbench.go). Nothing the reader types is sent anywhere:
// the worker only fetches the engine and the catalog.
(function () {
  "use strict";

  var P = window.iamrefPolicy = {};

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  }
  P.el = el;

  P.clear = function (node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  };

  // levelSlug names an access level as the pages' classes do.
  P.levelSlug = function (level) {
    var s = String(level || "").toLowerCase();
    return s === "permissions management" ? "permissions" : s || "unknown";
  };

  P.levelBadge = function (level, count) {
    return el("span", "level level-" + P.levelSlug(level), (level || "Unknown") + (count === undefined ? "" : " " + count));
  };

  P.levels = ["List", "Read", "Write", "Permissions management", "Tagging"];

  // num writes a count with thousands separators, as toLocaleString("en-US")
  // does for an integer, at a fraction of its cost (a keystroke's drawing
  // writes dozens of counts).
  P.num = function (n) {
    var s = String(n);
    return /^\d{4,}$/.test(s) ? s.replace(/\B(?=(\d{3})+$)/g, ",") : s;
  };

  P.plural = function (n, one, many) {
    return P.num(n) + " " + (n === 1 ? one : many);
  };

  var tool = null, root = "";

  // url is a site path ("/s3/GetObject/") from this page.
  P.url = function (sitePath) {
    return root + sitePath.replace(/^\//, "");
  };

  // actionLink links an action "prefix:Name" to its page.
  P.actionLink = function (id, withCode) {
    var i = id.indexOf(":");
    var a = el("a");
    a.href = P.url("/" + encodeURIComponent(id.slice(0, i)) + "/" + encodeURIComponent(id.slice(i + 1)) + "/");
    if (withCode === false) {
      a.textContent = id;
    } else {
      a.appendChild(el("code", "", id));
    }
    return a;
  };

  var tokens = /("(?:[^"\\\n]|\\.)*"?)|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{}\[\],:])|(\s+)|([^\s"{}\[\],:]+)/g;

  // highlightLine is one line of a highlighted document, its "cl" span:
  // chroma's classes, the line's newline inside it but for the last.
  P.highlightLine = function (line, last) {
    var cl = el("span", "cl");
    var m;
    tokens.lastIndex = 0;
    while ((m = tokens.exec(line)) !== null) {
      if (m[1] !== undefined) {
        var rest = line.slice(tokens.lastIndex);
        cl.appendChild(el("span", /^\s*:/.test(rest) ? "nt" : "s2", m[1]));
      } else if (m[2] !== undefined) {
        cl.appendChild(el("span", /[.eE]/.test(m[2]) ? "mf" : "mi", m[2]));
      } else if (m[3] !== undefined) {
        cl.appendChild(el("span", "kc", m[3]));
      } else if (m[4] !== undefined) {
        cl.appendChild(el("span", "p", m[4]));
      } else if (m[5] !== undefined) {
        cl.appendChild(document.createTextNode(m[5]));
      } else {
        cl.appendChild(el("span", "err", m[6]));
      }
    }
    if (!last) {
      cl.appendChild(document.createTextNode("\n"));
    }
    return cl;
  };

  // highlightRow is line n of a highlighted document without its text:
  // the line's span (marked "hl") and its number, L<n>.
  P.highlightRow = function (n, marked) {
    var ln = el("span", marked ? "line hl" : "line");
    var num = el("span", "ln");
    num.id = "L" + n;
    var a = el("a", "lnlinks", String(n));
    a.href = "#L" + n;
    num.appendChild(a);
    ln.appendChild(num);
    return ln;
  };

  // highlight renders a JSON document as the site's policy pages show one:
  // chroma's line structure and classes, lines L<n> (marked lines "hl").
  // Invalid JSON is highlighted as far as it goes, the rest as text.
  P.highlight = function (src, marked) {
    var pre = el("pre", "chroma");
    var code = el("code");
    pre.appendChild(code);
    var lines = src.split("\n");
    lines.forEach(function (line, i) {
      var ln = P.highlightRow(i + 1, marked && marked[i + 1]);
      ln.appendChild(P.highlightLine(line, i === lines.length - 1));
      code.appendChild(ln);
    });
    return pre;
  };

  // The engine.
  var worker = null, state = "idle", seq = 0, pending = {}, readyWaiters = [], loadError = "";
  var statusText = null, bar = null;

  function say(text, progress) {
    if (!statusText) {
      return;
    }
    if (statusText.textContent !== text) {
      statusText.textContent = text;
    }
    if (progress === undefined) {
      if (!bar.hidden) {
        bar.hidden = true;
      }
    } else {
      bar.hidden = false;
      if (progress === null) {
        bar.removeAttribute("value");
      } else {
        bar.value = progress;
      }
    }
  }
  P.say = say;

  function megabytes(n) {
    return (n / 1048576).toFixed(1) + " MB";
  }

  // init reads the tool element; it returns false when the page has no
  // engine (then the page says so without JavaScript too).
  P.init = function (toolElement) {
    tool = toolElement;
    if (!tool || !window.Worker || !window.WebAssembly) {
      return false;
    }
    root = tool.dataset.root || "";
    statusText = document.getElementById("wb-status-text");
    bar = document.getElementById("wb-progress");
    if (!tool.dataset.wasm || !tool.dataset.worker || !tool.dataset.workerLoad) {
      return false;
    }
    tool.hidden = false;
    say("The policy engine loads when you start (" + "nothing you type is sent anywhere).");
    return true;
  };

  function abs(u) {
    return new URL(u, document.baseURI).href;
  }

  // start loads the engine; it returns a promise of its readiness.
  P.start = function () {
    if (state === "ready") {
      return Promise.resolve();
    }
    if (state === "error") {
      return Promise.reject(new Error(loadError));
    }
    var p = new Promise(function (resolve, reject) { readyWaiters.push([resolve, reject]); });
    if (worker) {
      return p;
    }
    state = "loading";
    P.startedAt = performance.now();
    say("Loading the policy engine…", null);
    var t0 = Date.now();
    try {
      worker = new Worker(abs(tool.dataset.worker));
    } catch (err) {
      fail("The policy engine is unavailable: " + err.message);
      return p;
    }
    worker.onerror = function (ev) {
      fail("The policy engine is unavailable: " + (ev.message || "its worker failed"));
    };
    worker.onmessage = function (ev) {
      var msg = ev.data;
      if (msg.type === "progress") {
        if (state === "loading") {
          say("Loading the policy engine… " + megabytes(msg.loaded) + (msg.total > msg.loaded ? " of " + megabytes(msg.total) : ""),
            msg.total > 0 ? Math.min(1, msg.loaded / msg.total) : null);
        }
      } else if (msg.type === "ready") {
        state = "ready";
        P.loadMs = Date.now() - t0;
        P.loadPhases = msg.phases || {};
        P.readyAt = performance.now();
        say("");
        readyWaiters.forEach(function (w) { w[0](); });
        readyWaiters = [];
      } else if (msg.type === "error") {
        fail("The policy engine is unavailable: " + msg.message);
      } else if (msg.type === "result") {
        var cb = pending[msg.id];
        delete pending[msg.id];
        if (msg.id === sharedId) {
          sharedId = 0;
        }
        if (cb) {
          cb(msg.inShared ? readShared(msg.id) : msg.result, msg.ms, msg.goMs);
        }
      }
    };
    worker.postMessage({ type: "init", loader: abs(tool.dataset.workerLoad), wasmExec: abs(tool.dataset.wasmExec), wasm: abs(tool.dataset.wasm), catalog: abs(tool.dataset.catalog) });
    return p;
  };

  function fail(text) {
    state = "error";
    loadError = text;
    say(text);
    readyWaiters.forEach(function (w) { w[1](new Error(text)); });
    readyWaiters = [];
  }

  function parse(result) {
    try {
      return JSON.parse(result);
    } catch (err) {
      return { error: "the engine's answer is not JSON: " + err.message };
    }
  }

  // call runs an engine function; the promise gives the parsed result.
  P.call = function (fn, args) {
    return P.start().then(function () {
      return new Promise(function (resolve) {
        seq++;
        pending[seq] = function (result, ms, goMs) {
          P.lastMs = ms;
          P.lastGoMs = goMs;
          resolve(parse(result));
        };
        worker.postMessage({ type: "call", id: seq, fn: fn, args: args });
      });
    });
  };

  // The answer in the key's own frame. Where the page is cross-origin
  // isolated (the site's headers: Cross-Origin-Opener-Policy and
  // -Embedder-Policy), the worker also writes a shared call's answer into
  // memory both threads share, and callNow waits for it on the page's
  // thread, a few milliseconds, so that the analysis of a keystroke is
  // drawn in the same frame as the keystroke itself: posted back, the
  // answer waits for the frame that draws the box's new character and is
  // drawn one frame later (docs/policy.md, stop 29). The engine still runs
  // in the worker: its load never holds the page, and an answer slower
  // than the wait comes as a message, as every other call's does.
  //
  // An answer longer than sharedBytes comes as a message too (an analysis
  // of a 10 kB policy is about 110 kB; of "Action": "*", 4 MB).
  var sharedBytes = 2 << 20;
  var shared = null, sharedId = 0, decoder = null, copyBuf = null;
  P.sharedAnswers = !!(window.crossOriginIsolated && typeof SharedArrayBuffer === "function" && typeof Atomics === "object" && typeof TextDecoder === "function") &&
    !(navigator.hardwareConcurrency < 2);

  // share makes the shared memory and hands it to the worker, once.
  function share() {
    if (!shared) {
      try {
        shared = { control: new Int32Array(new SharedArrayBuffer(16)), data: new Uint8Array(new SharedArrayBuffer(sharedBytes)) };
        decoder = new TextDecoder();
      } catch (err) {
        P.sharedAnswers = false;
        return false;
      }
      worker.postMessage({ type: "shared", control: shared.control.buffer, data: shared.data.buffer });
    }
    return true;
  }

  // readShared is the answer to shared call id in the data buffer.
  function readShared(id) {
    if (!shared || Atomics.load(shared.control, 0) !== id) {
      return JSON.stringify({ error: "the engine's answer is lost" });
    }
    var n = Atomics.load(shared.control, 1);
    if (!copyBuf || copyBuf.length < n) {
      copyBuf = new Uint8Array(Math.max(n, 256 << 10));
    }
    // TextDecoder reads no shared memory: the bytes are copied first.
    copyBuf.set(shared.data.subarray(0, n));
    return decoder.decode(copyBuf.subarray(0, n));
  }

  // callNow runs an engine function and waits up to waitMs on this thread
  // for its answer. It returns {answer: the parsed answer} when it came
  // within the wait, else {later: a promise of it, as P.call gives}. It is
  // only for a call that asks for something quick (a keystroke's
  // re-analysis); it returns null without calling when the engine is not
  // ready, the page is not isolated, the device has one core (the wait
  // would take it from the worker) or another call is still out (the
  // answer would wait behind it).
  P.callNow = function (fn, args, waitMs) {
    if (!P.sharedAnswers || state !== "ready" || sharedId || Object.keys(pending).length > 0 || !share()) {
      return null;
    }
    seq++;
    var id = sharedId = seq;
    var later = new Promise(function (resolve) {
      pending[id] = function (result, ms, goMs) {
        P.lastMs = ms;
        P.lastGoMs = goMs;
        resolve(parse(result));
      };
    });
    worker.postMessage({ type: "call", id: id, fn: fn, args: args, shared: true });
    var c = shared.control, end = performance.now() + waitMs;
    while (Atomics.load(c, 0) !== id) {
      if (performance.now() > end) {
        return { later: later };
      }
    }
    if (Atomics.load(c, 1) < 0) { // too long for the buffer: the message has it
      return { later: later };
    }
    delete pending[id];
    sharedId = 0;
    P.lastMs = Math.round(Atomics.load(c, 2) / 1000);
    P.lastGoMs = Math.round(Atomics.load(c, 3) / 1000);
    return { answer: parse(readShared(id)) };
  };

  // names loads the page's list of managed policies and services once.
  var namesP = null;
  P.names = function () {
    if (!namesP) {
      namesP = fetch(abs(tool.dataset.names), { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.json();
      });
    }
    return namesP;
  };

  // copy puts text on the clipboard and says so on the button.
  P.copy = function (text, button) {
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      return;
    }
    navigator.clipboard.writeText(text).then(function () {
      var old = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = old; }, 1200);
    }, function () {});
  };
})();
