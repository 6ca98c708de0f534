// iamref search box: loads the search engine (WebAssembly, in a Web
// Worker) when the visitor is about to search, and shows results as you
// type.
//
// When: a pointer slowing down near the box, or over it, or a touch on it
// starts the engine and the names part of the index (what the first
// results need); focus, typing, "/" or ?q= start them too, and the
// descriptions part after them. A page view whose pointer never comes to
// the box costs only this script.
//
// The page provides, on <form role="search"> holding <input
// id="search-input" name="q">:
//   data-wasm       URL of search-<hash>.wasm
//   data-index      URL of search-<hash>.idx (the index's names part)
//   data-index-desc URL of search-desc-<hash>.idx (its descriptions part)
//   data-wasm-exec  URL of wasm_exec-<hash>.js
//   data-worker     URL of search-worker.js (default: next to this script)
//   data-root       optional prefix for result URLs that start with "/"
//                   (for example "../../" on a page two levels down)
// Without them, or without JavaScript, the form submits to /?q=... as is.
// Results are built with textContent and <mark> elements only.
(function () {
  "use strict";

  var form = document.querySelector("form[role=search]");
  var input = document.getElementById("search-input");
  if (!form || !input || !window.Worker || !window.WebAssembly || !window.URL) {
    return;
  }
  var data = form.dataset;
  if (!data.wasm || !data.index || !data.indexDesc || !data.wasmExec) {
    return;
  }
  var here = document.currentScript && document.currentScript.src;
  var workerURL = data.worker || (here ? here.replace(/[^/]*$/, "search-worker.js") : "");
  if (!workerURL) {
    return;
  }

  // The "/" shortcut works only with this script: the box says so only now.
  input.placeholder = "Search IAM (press /)";

  var LIMIT = 20;
  var PAGE_LIMIT = 1000; // the results page: the engine's cap (query.MaxLimit); ec2:* has 780
  var NEAR = 100; // px: a pointer this close to the box starts the loading
  var worker = null;
  var state = "idle"; // idle, loading, ready (from the names), error
  var used = false; // the visitor searches: the descriptions may load
  var complete = false; // the descriptions are in
  var descError = ""; // why they are not
  var seq = 0; // id of the last query sent
  var inFlight = false;
  var dirty = false; // the input changed while a query was in flight
  var hits = [];
  var active = -1;

  function abs(u) {
    return new URL(u, document.baseURI).href;
  }

  function resultURL(u) {
    if (data.root && u.charAt(0) === "/" && u.charAt(1) !== "/") {
      return abs(data.root + u.slice(1));
    }
    return abs(u);
  }

  // The widgets: a status line with a progress bar, and the listbox.
  var status = document.createElement("div");
  status.id = "search-status";
  status.className = "search-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  status.hidden = true;
  var statusText = document.createElement("span");
  var bar = document.createElement("progress");
  bar.max = 1;
  bar.hidden = true;
  status.appendChild(statusText);
  status.appendChild(bar);

  var list = document.createElement("ul");
  list.id = "search-results";
  list.className = "search-results";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Search results");
  list.hidden = true;

  // One drop-down under the box holds both, in this order.
  var pop = document.createElement("div");
  pop.className = "search-pop";
  pop.appendChild(status);
  pop.appendChild(list);
  form.appendChild(pop);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function say(text, progress) {
    statusText.textContent = text;
    status.hidden = !text;
    if (progress === undefined) {
      bar.hidden = true;
    } else {
      bar.hidden = false;
      if (progress === null) {
        bar.removeAttribute("value"); // indeterminate
      } else {
        bar.value = progress;
      }
    }
  }

  function megabytes(n) {
    return (n / 1048576).toFixed(1) + " MB";
  }

  // load starts the worker, the engine and the names part; with use, the
  // descriptions part follows them.
  function load(use) {
    if (worker) {
      if (use && !used) {
        used = true;
        worker.postMessage({ type: "use" });
      }
      if (use && state === "loading") {
        say("Loading search…", null);
      }
      return;
    }
    used = !!use;
    state = "loading";
    if (used) {
      say("Loading search…", null);
    }
    try {
      worker = new Worker(workerURL);
    } catch (err) {
      state = "error";
      say("Search is unavailable: " + err.message);
      return;
    }
    worker.onmessage = onMessage;
    worker.onerror = function (ev) {
      state = "error";
      say("Search is unavailable: " + (ev.message || "the worker failed"));
    };
    worker.postMessage({
      type: "init",
      wasmExec: abs(data.wasmExec),
      wasm: abs(data.wasm),
      index: abs(data.index),
      descriptions: abs(data.indexDesc),
      use: used
    });
  }

  function onMessage(ev) {
    var msg = ev.data;
    switch (msg.type) {
      case "progress":
        if (state === "loading" && used) {
          var frac = msg.total > 0 ? Math.min(1, msg.loaded / msg.total) : null;
          say("Loading search… " + megabytes(msg.loaded) +
            (msg.total > msg.loaded ? " of " + megabytes(msg.total) : ""), frac);
        }
        break;
      case "ready":
        state = "ready";
        say("");
        search();
        searchPage();
        break;
      case "complete":
        complete = true;
        searchPage();
        if (input.value.trim() && document.activeElement === input) {
          search(); // the full results, with the descriptions
        }
        break;
      case "error":
        if (msg.partial) {
          descError = msg.message;
          break;
        }
        state = "error";
        inFlight = false;
        say("Search is unavailable: " + msg.message);
        break;
      case "results":
        if (msg.id === "page") {
          renderPage(msg.results);
          break;
        }
        inFlight = false;
        if (dirty) {
          dirty = false;
          search();
          return;
        }
        if (msg.id === seq) {
          render(msg.results);
        }
        break;
    }
  }

  function search() {
    var q = input.value;
    if (!q.trim()) {
      hits = [];
      close();
      say("");
      return;
    }
    if (state !== "ready") {
      load(true);
      return; // runs when the engine is ready
    }
    if (inFlight) {
      dirty = true;
      return;
    }
    inFlight = true;
    seq++;
    worker.postMessage({ type: "search", id: seq, q: q, limit: LIMIT });
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  var riskNames = {credentialexposure: "Credential exposure", dataaccess: "Data access", privesc: "Privilege escalation", resourceexposure: "Resource exposure"};
  function slug(s) {
    return String(s).toLowerCase().replace(/[^a-z0-9]+/g, "-");
  }

  // levelSlug names an access level as the pages' classes do
  // (catalog.AccessLevel.Slug): level-write, level-permissions, …
  function levelSlug(level) {
    var s = String(level).toLowerCase();
    return s === "permissions management" ? "permissions" : s || "unknown";
  }

  function render(res) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    hits = res.hits || [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (res.error) {
      say("Search failed: " + res.error);
    } else if (!hits.length) {
      say("No results for “" + input.value.trim() + "”");
    } else {
      say((res.total > hits.length ? hits.length + " of " + res.total + " results" :
        hits.length + (hits.length === 1 ? " result" : " results")) +
        (complete ? "" : descError ? " (without descriptions: " + descError + ")" : " (descriptions still loading)"));
    }
    hits.forEach(function (h, i) {
      // The link is the option (an option must hold nothing interactive).
      var li = el("li", "search-hit search-kind-" + slug(h.kind));
      li.setAttribute("role", "none");
      var a = el("a");
      a.id = "search-opt-" + i;
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", "false");
      a.href = resultURL(h.url);
      a.tabIndex = -1;
      var head = el("span", "search-head");
      head.appendChild(el("span", "search-id", h.id));
      if (h.kind !== "action") {
        head.appendChild(el("span", "search-kind", h.kind));
      }
      if (h.access) {
        head.appendChild(el("span", "level level-" + levelSlug(h.access), h.access));
      }
      if (h.access_override) {
        // policy_sentry's correction of the official level
        var fix = el("span", "level level-" + levelSlug(h.access_override) + " override", "policy_sentry: " + h.access_override);
        fix.title = "policy_sentry corrects the official level " + h.access + " to " + h.access_override;
        head.appendChild(fix);
      }
      if (h.risk) {
        // the action's categories in the sensitive-action list
        h.risk.split(" ").forEach(function (r) {
          head.appendChild(el("span", "badge risk risk-" + r, riskNames[r] || r));
        });
      }
      if (h.title && h.title !== h.id && h.id.indexOf(":" + h.title) < 0) {
        head.appendChild(el("span", "search-title", h.title));
      }
      a.appendChild(head);
      if (h.snippet && h.snippet.length) {
        var sn = el("span", "search-snippet");
        h.snippet.forEach(function (s) {
          sn.appendChild(s.mark ? el("mark", "", s.text) : document.createTextNode(s.text));
        });
        a.appendChild(sn);
      }
      li.appendChild(a);
      li.addEventListener("mousemove", function () {
        if (active !== i) {
          setActive(i);
        }
      });
      list.appendChild(li);
    });
    if (hits.length) {
      open();
    } else {
      close();
    }
  }

  function open() {
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function setActive(i) {
    var old = document.getElementById("search-opt-" + active);
    if (old) {
      old.setAttribute("aria-selected", "false");
      old.parentNode.classList.remove("active");
    }
    active = i;
    var cur = document.getElementById("search-opt-" + i);
    if (cur) {
      cur.setAttribute("aria-selected", "true");
      cur.parentNode.classList.add("active");
      input.setAttribute("aria-activedescendant", cur.id);
      if (cur.scrollIntoView) {
        cur.scrollIntoView({ block: "nearest" });
      }
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function go(i) {
    var a = document.getElementById("search-opt-" + i);
    if (a) {
      window.location.href = a.href;
    }
  }

  input.addEventListener("focus", function () {
    load(true);
    if (hits.length && input.value.trim()) {
      open();
    }
  });
  input.addEventListener("input", search);
  input.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) {
      return;
    }
    switch (ev.key) {
      case "ArrowDown":
        if (!hits.length) {
          return;
        }
        ev.preventDefault();
        open();
        setActive(Math.min(active + 1, hits.length - 1));
        break;
      case "ArrowUp":
        if (!hits.length) {
          return;
        }
        ev.preventDefault();
        setActive(Math.max(active - 1, -1));
        break;
      case "Enter":
        if (hits.length && !list.hidden) {
          ev.preventDefault();
          go(active >= 0 ? active : 0);
        }
        break;
      case "Escape":
        ev.preventDefault();
        if (!list.hidden) {
          close();
        } else if (input.value) {
          input.value = "";
          search();
        } else {
          input.blur();
        }
        break;
    }
  });
  form.addEventListener("submit", function (ev) {
    // Enter without a list: with the engine loaded, show the results here.
    if (state === "ready" || state === "loading") {
      ev.preventDefault();
      search();
    }
  });
  document.addEventListener("click", function (ev) {
    if (!form.contains(ev.target)) {
      close();
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.altKey || ev.ctrlKey || ev.metaKey || ev.defaultPrevented) {
      return;
    }
    var t = ev.target;
    var tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) {
      return;
    }
    ev.preventDefault();
    input.focus();
    input.select();
  });

  // 404.html: offer the words of the missing address as a query.
  var nf = document.getElementById("search-404");
  if (nf && !nf.value) {
    var words = "";
    try {
      words = decodeURIComponent(window.location.pathname);
    } catch (e) {
      words = window.location.pathname;
    }
    nf.value = words.split(/[\/\s]+/).filter(Boolean).join(" ").slice(0, 100);
  }

  // A pointer that slows down near the box (as a hand does on its way to
  // a target), or one over it, or a touch on it, means a search is likely:
  // start the engine and the names before the focus. A pointer passing by
  // fast (on its way to the browser's tabs, say) does not. Watched only
  // until the loading starts.
  var SLOW = 1; // px/ms
  var box = null, last = null;
  function dropBox() { box = null; }
  function onPointerMove(ev) {
    if (worker) {
      document.removeEventListener("pointermove", onPointerMove);
      window.removeEventListener("scroll", dropBox);
      window.removeEventListener("resize", dropBox);
      return;
    }
    if (ev.pointerType === "touch") {
      return;
    }
    box = box || input.getBoundingClientRect();
    var dx = Math.max(box.left - ev.clientX, 0, ev.clientX - box.right);
    var dy = Math.max(box.top - ev.clientY, 0, ev.clientY - box.bottom);
    var d2 = dx * dx + dy * dy;
    var speed = Infinity;
    if (last && ev.timeStamp > last.t) {
      speed = Math.sqrt(Math.pow(ev.clientX - last.x, 2) + Math.pow(ev.clientY - last.y, 2)) / (ev.timeStamp - last.t);
    }
    last = { x: ev.clientX, y: ev.clientY, t: ev.timeStamp };
    if (d2 === 0 || d2 <= NEAR * NEAR && speed <= SLOW) {
      load(false);
    }
  }
  document.addEventListener("pointermove", onPointerMove, { passive: true });
  window.addEventListener("scroll", dropBox, { passive: true });
  window.addEventListener("resize", dropBox, { passive: true });
  form.addEventListener("pointerdown", function () { load(false); }, { passive: true });

  // /?q=... opens with results: the box holds the query and has the
  // focus (the arrow keys walk the drop-down), the title names the query,
  // and the page lists every result, which copy as a list of actions.
  var q0 = new URLSearchParams(window.location.search).get("q");
  var page = null;
  function searchPage() {
    if (page && state === "ready") {
      worker.postMessage({ type: "search", id: "page", q: q0, limit: PAGE_LIMIT });
    }
  }
  function renderPage(res) {
    var hs = res.hits || [];
    while (page.list.firstChild) {
      page.list.removeChild(page.list.firstChild);
    }
    page.actions = [];
    hs.forEach(function (h) {
      var li = el("li", "search-hit search-kind-" + slug(h.kind));
      var a = el("a");
      a.href = resultURL(h.url);
      var head = el("span", "search-head");
      head.appendChild(el("span", "search-id", h.id));
      head.appendChild(el("span", "search-kind", h.kind));
      if (h.access) {
        head.appendChild(el("span", "level level-" + levelSlug(h.access), h.access));
      }
      if (h.title && h.title !== h.id && h.id.indexOf(":" + h.title) < 0) {
        head.appendChild(el("span", "search-title", h.title));
      }
      a.appendChild(head);
      li.appendChild(a);
      page.list.appendChild(li);
      if (h.kind === "action") {
        page.actions.push(h.id);
      }
    });
    var n = res.total || hs.length;
    page.count.textContent = res.error ? "Search failed: " + res.error :
      (n === 1 ? "1 result" : n + " results") + (hs.length < n ? ", the first " + hs.length + " listed" : "") +
      (complete ? "" : " (from the names; the descriptions are still loading)") + ".";
    page.copy.hidden = !page.actions.length;
    page.copy.textContent = "Copy the " + page.actions.length + (page.actions.length === 1 ? " action" : " actions") + " as a list";
  }
  if (q0) {
    input.value = q0;
    document.title = "“" + q0 + "” — search · iamref";
    var main = document.getElementById("main");
    if (main) {
      page = { actions: [] };
      var sec = el("section", "search-page");
      sec.id = "search-page";
      sec.setAttribute("aria-labelledby", "search-page-h");
      var h = el("h2", "", "Search results for “" + q0 + "”");
      h.id = "search-page-h";
      sec.appendChild(h);
      page.count = el("p", "search-count", "Searching…");
      page.count.setAttribute("role", "status");
      sec.appendChild(page.count);
      page.copy = el("button", "copy");
      page.copy.type = "button";
      page.copy.hidden = true;
      page.copy.addEventListener("click", function () {
        var b = page.copy, text = page.actions.join("\n");
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(function () {
            var old = b.textContent;
            b.textContent = "Copied";
            setTimeout(function () { b.textContent = old; }, 1200);
          }, function () {});
        }
      });
      sec.appendChild(page.copy);
      page.list = el("ol", "search-page-results");
      sec.appendChild(page.list);
      main.insertBefore(sec, main.firstChild);
    }
    input.focus();
    load(true);
  }
})();
