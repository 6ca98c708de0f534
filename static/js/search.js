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
//   data-worker-load URL of worker-load.js, which the worker loads
//                   (default: next to this script)
//   data-root       optional prefix for result URLs that start with "/"
//                   (for example "../../" on a page two levels down)
// Without them, or without JavaScript, the form submits to /?q=... as is.
// Results are built with textContent and <mark> elements only.
//
// The results are a combobox with a grid popup (the WAI-ARIA APG pattern):
// the box keeps the focus and names the active cell with
// aria-activedescendant; each result is a row (role=row) with a cell
// holding its link and, for an action, a cell holding its "Add to policy"
// button (static/js/basket.js keeps the choice). Up and Down move between
// rows, Right and Left between a row's cells once a row is active, Enter
// opens the link or presses the button, Shift+Enter adds the active row's
// action, Escape closes the popup.
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
  var loaderURL = data.workerLoad || (here ? here.replace(/[^/]*$/, "worker-load.js") : "");
  if (!workerURL || !loaderURL) {
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
  var active = -1; // the active row, -1 for none
  var col = 0; // its active cell: 0 the link, 1 the Add to policy button

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

  // A query that names no action says so first, with the closest names.
  var noAction = document.createElement("p");
  noAction.id = "search-noaction";
  noAction.className = "search-noaction";
  noAction.hidden = true;

  var list = document.createElement("div");
  list.id = "search-results";
  list.className = "search-results";
  list.setAttribute("role", "grid");
  list.setAttribute("aria-label", "Search results");
  list.hidden = true;

  // More results than the drop-down shows: a link to the results page.
  var more = document.createElement("p");
  more.className = "search-more";
  more.hidden = true;
  var moreLink = document.createElement("a");
  moreLink.id = "search-more";
  more.appendChild(moreLink);

  // One drop-down under the box holds them, in this order.
  var pop = document.createElement("div");
  pop.className = "search-pop";
  pop.appendChild(status);
  pop.appendChild(noAction);
  pop.appendChild(list);
  pop.appendChild(more);
  form.appendChild(pop);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-haspopup", "grid");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  var hint = document.createElement("span");
  hint.id = "search-hint";
  hint.className = "visually-hidden";
  hint.textContent = "Up and Down move through the results, Right moves to an action's Add to policy button, Enter opens or presses, Shift+Enter adds the highlighted action to your policy.";
  form.appendChild(hint);
  input.setAttribute("aria-describedby", hint.id);

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
      loader: abs(loaderURL),
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
    dismissed = false;
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

  function basket() {
    return window.iamrefBasket || null;
  }

  // kindLabel is what a result's kind reads as: "removed action".
  function kindLabel(kind) {
    return String(kind).replace(/-/g, " ");
  }

  // head is a result's first line: its id, kind and badges.
  function head(h, withKind) {
    var hd = el("span", "search-head");
    hd.appendChild(el("span", "search-id", h.id));
    if (withKind || h.kind !== "action") {
      hd.appendChild(el("span", "search-kind", kindLabel(h.kind)));
    }
    if (h.removed) {
      hd.appendChild(el("span", "badge removed", "removed on " + h.removed));
    }
    if (h.access) {
      hd.appendChild(el("span", "level level-" + levelSlug(h.access), h.access));
    }
    if (h.access_override) {
      // policy_sentry's correction of the official level
      var fix = el("span", "level level-" + levelSlug(h.access_override) + " override", "policy_sentry: " + h.access_override);
      fix.title = "policy_sentry corrects the official level " + h.access + " to " + h.access_override;
      hd.appendChild(fix);
    }
    if (h.risk) {
      // the action's categories in the sensitive-action list
      h.risk.split(" ").forEach(function (r) {
        hd.appendChild(el("span", "badge risk risk-" + r, riskNames[r] || r));
      });
    }
    if (h.title && h.title !== h.id && h.id.indexOf(":" + h.title) < 0) {
      hd.appendChild(el("span", "search-title", h.title));
    }
    return hd;
  }

  // fillNoAction writes "No action X; closest: a, b, c" into p, or hides
  // it.
  function fillNoAction(p, na) {
    while (p.firstChild) {
      p.removeChild(p.firstChild);
    }
    p.hidden = !na || !na.closest || !na.closest.length;
    if (p.hidden) {
      return;
    }
    p.appendChild(document.createTextNode("No action "));
    p.appendChild(el("code", "", na.name));
    p.appendChild(document.createTextNode("; closest: "));
    na.closest.forEach(function (c, i) {
      if (i) {
        p.appendChild(document.createTextNode(", "));
      }
      var a = el("a", "", c.id);
      a.href = resultURL(c.url);
      p.appendChild(a);
    });
    if (na.more) {
      p.appendChild(document.createTextNode(", … (" + na.more + " more)"));
    }
  }

  // addButton is an action's "Add to policy" button; basket.js keeps its
  // state (aria-pressed, its text) with the basket's.
  // addButton is an action's "Add to policy" toggle (basket.js keeps its
  // pressed state and label). In the drop-down (inBox) the box keeps the
  // focus and the arrows reach the button; on the results page it is an
  // ordinary button in the tab order.
  function addButton(id, inBox) {
    var b = el("button", "search-add");
    b.type = "button";
    b.dataset.action = id;
    var B = basket();
    var on = B && B.has(id);
    b.setAttribute("aria-pressed", on ? "true" : "false");
    b.appendChild(el("span", "search-add-text", on ? "In your policy" : "Add to policy"));
    b.appendChild(el("span", "visually-hidden", ": " + id));
    if (inBox) {
      b.tabIndex = -1;
      // A click keeps the focus in the box.
      b.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    }
    b.addEventListener("click", function (ev) {
      ev.preventDefault();
      toggleAdd(id);
    });
    return b;
  }

  function toggleAdd(id) {
    var B = basket();
    if (B) {
      B.toggle(id);
    }
  }

  var shownQuery = null; // the query of the results shown

  function render(res) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    // The same query again (the descriptions came in): the active result
    // stays active.
    var keep = res.query === shownQuery && active >= 0 && hits[active] ? { id: hits[active].id, col: col } : null;
    // ... and results the reader closed stay closed.
    var stayClosed = res.query === shownQuery && dismissed;
    shownQuery = res.query;
    list.dataset.query = res.query; // whose results these are (the tests wait for the last query's)
    hits = res.hits || [];
    active = -1;
    col = 0;
    input.removeAttribute("aria-activedescendant");
    fillNoAction(noAction, hits.length ? res.no_action : null);
    var arn = res.arn;
    if (res.error) {
      say("Search failed: " + res.error);
    } else if (arn && arn.pending) {
      say("Looking up the ARN: the resource types' ARN formats come with the descriptions, still loading…", null);
    } else if (arn && !arn.types.length) {
      say("No resource type's ARN format matches this ARN");
    } else if (arn) {
      say(arnSummary(arn));
    } else if (!hits.length) {
      say("No results for “" + input.value.trim() + "”");
    } else {
      say((res.total > hits.length ? hits.length + " of " + res.total + " results" :
        hits.length + (hits.length === 1 ? " result" : " results")) +
        (complete ? "" : descError ? " (without descriptions: " + descError + ")" : " (descriptions still loading)"));
    }
    var B = basket();
    hits.forEach(function (h, i) {
      var row = el("div", "search-hit search-kind-" + slug(h.kind));
      row.setAttribute("role", "row");
      row.id = "search-row-" + i;
      var cell = el("div", "search-main");
      cell.setAttribute("role", "gridcell");
      cell.id = "search-opt-" + i;
      var a = el("a");
      a.href = resultURL(h.url);
      a.tabIndex = -1;
      a.appendChild(head(h, false));
      if (h.snippet && h.snippet.length) {
        var sn = el("span", "search-snippet");
        h.snippet.forEach(function (s) {
          sn.appendChild(s.mark ? el("mark", "", s.text) : document.createTextNode(s.text));
        });
        a.appendChild(sn);
      }
      cell.appendChild(a);
      row.appendChild(cell);
      cell.addEventListener("mousemove", function () {
        if (active !== i || col !== 0) {
          setActive(i, 0);
        }
      });
      if (h.kind === "action" && B) {
        var act = el("div", "search-act");
        act.setAttribute("role", "gridcell");
        act.id = "search-add-" + i;
        act.appendChild(addButton(h.id, true));
        act.addEventListener("mousemove", function () {
          if (active !== i || col !== 1) {
            setActive(i, 1);
          }
        });
        row.appendChild(act);
      }
      list.appendChild(row);
    });
    more.hidden = !(res.total > hits.length);
    extras = { noAction: !noAction.hidden, more: !more.hidden };
    if (!more.hidden) {
      moreLink.href = resultURL("/?q=" + encodeURIComponent(res.query));
      moreLink.textContent = "All " + res.total + " results";
    }
    if (hits.length && !stayClosed) {
      open();
      if (keep) {
        for (var k = 0; k < hits.length; k++) {
          if (hits[k].id === keep.id) {
            setActive(k, keep.col);
            break;
          }
        }
      }
    } else if (!hits.length) {
      close();
    }
  }

  // arnSummary says what an ARN is: its resource types and how many
  // actions take the most specific.
  function arnSummary(arn) {
    var best = arn.types.filter(function (t) { return t.best; }).map(function (t) { return t.id; });
    var others = arn.types.length - best.length;
    return "ARN of " + best.join(", ") + (others ? " (and " + others + " less specific " + (others === 1 ? "type" : "types") + ")" : "") +
      ": " + arn.actions + (arn.actions === 1 ? " action takes it" : " actions take it");
  }

  // What shows with the grid, kept while it is closed.
  var extras = { noAction: false, more: false };

  // dismissed: the reader closed the results (Escape, a click elsewhere);
  // the same query's results arriving later (with the descriptions) do
  // not reopen them.
  var dismissed = false;

  function open() {
    dismissed = false;
    list.hidden = false;
    noAction.hidden = !extras.noAction;
    more.hidden = !extras.more;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    noAction.hidden = true;
    more.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1, 0);
  }

  // cellOf is row i's cell c (the link cell when the row has no other).
  function cellOf(i, c) {
    return document.getElementById(c === 1 ? "search-add-" + i : "search-opt-" + i) ||
      document.getElementById("search-opt-" + i);
  }

  function setActive(i, c) {
    var old = document.getElementById("search-row-" + active);
    if (old) {
      old.classList.remove("active");
      Array.prototype.forEach.call(old.querySelectorAll("[role=gridcell]"), function (g) {
        g.removeAttribute("aria-selected");
        g.classList.remove("active-cell");
      });
    }
    active = i;
    var cur = i >= 0 ? cellOf(i, c) : null;
    col = cur && cur.id === "search-add-" + i ? 1 : 0;
    if (cur) {
      cur.parentNode.classList.add("active");
      cur.setAttribute("aria-selected", "true");
      cur.classList.add("active-cell");
      input.setAttribute("aria-activedescendant", cur.id);
      if (cur.scrollIntoView) {
        cur.scrollIntoView({ block: "nearest" });
      }
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function go(i) {
    var a = document.querySelector("#search-opt-" + i + " a");
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
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.isComposing) {
      return;
    }
    switch (ev.key) {
      case "ArrowDown":
        if (!hits.length) {
          return;
        }
        ev.preventDefault();
        open();
        setActive(Math.min(active + 1, hits.length - 1), col);
        break;
      case "ArrowUp":
        if (!hits.length) {
          return;
        }
        ev.preventDefault();
        setActive(Math.max(active - 1, -1), col);
        break;
      case "ArrowRight":
      case "ArrowLeft":
        // Across a row's cells once a row is active; the caret otherwise.
        if (active < 0 || list.hidden || ev.shiftKey) {
          return;
        }
        ev.preventDefault();
        setActive(active, ev.key === "ArrowRight" ? 1 : 0);
        break;
      case "Enter":
        if (!hits.length || list.hidden) {
          break;
        }
        ev.preventDefault();
        var i = active >= 0 ? active : 0;
        if (ev.shiftKey || col === 1) {
          // the action's Add to policy (Shift+Enter: of the active row)
          var b = document.querySelector("#search-add-" + i + " button");
          if (b) {
            toggleAdd(b.dataset.action);
          }
          break;
        }
        go(i);
        break;
      case "Escape":
        ev.preventDefault();
        if (!list.hidden) {
          close();
          dismissed = true;
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
      dismissed = true;
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
  // and the page lists every result, which copy as a list of actions;
  // each action has its Add to policy, and "Add all" adds every one.
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
    fillNoAction(page.noAction, hs.length ? res.no_action : null);
    var B = basket();
    hs.forEach(function (h) {
      var li = el("li", "search-hit search-kind-" + slug(h.kind));
      var a = el("a");
      a.href = resultURL(h.url);
      a.appendChild(head(h, true));
      li.appendChild(a);
      if (h.kind === "action") {
        page.actions.push(h.id);
        if (B) {
          li.appendChild(addButton(h.id, false));
        }
      }
      page.list.appendChild(li);
    });
    var n = res.total || hs.length;
    page.count.textContent = res.error ? "Search failed: " + res.error :
      res.arn && res.arn.pending ? "Looking up the ARN: the resource types' ARN formats come with the descriptions, still loading…" :
      res.arn && !res.arn.types.length ? "No resource type's ARN format matches this ARN." :
      (res.arn ? arnSummary(res.arn) + ". " : "") +
      (n === 1 ? "1 result" : n + " results") + (hs.length < n ? ", the first " + hs.length + " listed" : "") +
      (complete ? "" : " (from the names; the descriptions are still loading)") + ".";
    page.copy.hidden = !page.actions.length;
    page.copy.textContent = "Copy the " + page.actions.length + (page.actions.length === 1 ? " action" : " actions") + " as a list";
    updateAddAll();
  }
  // The results page's "Add all" puts every action listed into the
  // policy /write/ writes; it says so once they all are.
  function updateAddAll() {
    var B = basket();
    if (!page || !page.addAll) {
      return;
    }
    var n = page.actions.length;
    page.addAll.hidden = !B || !n;
    if (!B || !n) {
      return;
    }
    var missing = page.actions.filter(function (id) { return !B.has(id); }).length;
    var all = n === 1 ? "the action" : "the " + n + " actions";
    page.addAll.textContent = missing ? "Add " + all + " to your policy" : (n === 1 ? "The action is" : "All " + n + " are") + " in your policy";
    page.addAll.setAttribute("aria-disabled", missing ? "false" : "true");
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
      page.addAll = el("button", "add-all");
      page.addAll.type = "button";
      page.addAll.hidden = true;
      page.addAll.addEventListener("click", function () {
        var B = basket();
        if (B && page.addAll.getAttribute("aria-disabled") !== "true") {
          B.add(page.actions);
        }
      });
      if (basket()) {
        basket().onChange(updateAddAll);
      }
      sec.appendChild(page.addAll);
      page.noAction = el("p", "search-noaction");
      page.noAction.hidden = true;
      sec.appendChild(page.noAction);
      page.list = el("ol", "search-page-results");
      sec.appendChild(page.list);
      main.insertBefore(sec, main.firstChild);
    }
    input.focus();
    load(true);
  }
})();
