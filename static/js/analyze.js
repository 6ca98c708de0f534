// iamref /analyze/: a policy document analysed as you type by the site's
// policy engine (static/js/policy-engine.js runs it in a worker), shown
// with the words of the managed-policy pages: findings at their line and
// column, the highlighted document, risks, statements, the names the
// catalog lacks and the allowed actions by service and access level;
// compared with a managed policy (its JSON twin) or a second document; a
// share link that holds the document, compressed, in the URL fragment.
// The document is never sent anywhere.
//
// The results are drawn incrementally: every part (a finding, a line of
// the document, a statement, a name, a service, a run of actions) is made
// from its data by one function and kept, node for node, while its data
// is the same, so a keystroke redraws what it changed and nothing else,
// and the page is what a drawing from scratch would give.
(function () {
  "use strict";

  var P = window.iamrefPolicy;
  var tool = document.getElementById("analyzer");
  if (!P || !P.init(tool)) {
    return;
  }
  var el = P.el;
  function $(id) { return document.getElementById(id); }
  var doc = $("policy-doc"), kind = $("policy-kind"), fileInput = $("policy-file");
  var analysis = $("analysis");
  var timer = null, inFlight = false, dirty = false, analyses = 0;
  var compared = null; // the last comparison asked for, redone as A changes

  var warmed = false;
  function started() {
    P.start().then(function () {
      if (doc.value.trim()) {
        schedule(0);
      } else if (!warmed) {
        // The engine's code is compiled as it is first run: an analysis
        // of a small document while the box is empty makes the reader's
        // first one as quick as the next (its answer is dropped).
        warmed = true;
        P.call("analysis", [warmUp, ""]).catch(function () {});
      }
    }, function () {});
  }
  var warmUp = '{"Version": "2012-10-17", "Statement": [{"Sid": "Warm", "Effect": "Allow", "Action": ["s3:GetObjekt", "s3:List*", "iam:PassRole"], "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}, {"Effect": "Deny", "NotAction": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}';
  ["focus", "pointerdown"].forEach(function (t) { doc.addEventListener(t, started); });
  // Every change is analysed at once: changes made while an analysis runs
  // are analysed together when it ends (a burst of typing is one).
  doc.addEventListener("input", analyze);
  kind.addEventListener("change", analyze);
  // The page is for the engine: it loads as soon as the page is shown.
  started();

  // waitMs is how long a keystroke's analysis is waited for on the page's
  // thread (a frame at 60 Hz); editChars how many characters an edit
  // adds or removes at most to be waited for.
  // roundTrip is how long the last analysis took to come back, from the
  // call to its answer in hand.
  var waitMs = 16, editChars = 64, roundTrip = Infinity;

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(analyze, ms);
  }

  function options() {
    return JSON.stringify({ kind: kind.value, name: "" });
  }

  // asked is the document and options of the analysis running or drawn
  // last: asked again (the engine's start and a paste, say), it is not
  // analysed twice.
  var asked = null;

  function analyze() {
    clearTimeout(timer);
    var src = doc.value;
    if (!src.trim()) {
      asked = null;
      setHidden(analysis, true);
      $("policy-kind-guess").textContent = "";
      return;
    }
    var key = options() + "\n" + src;
    if (inFlight) {
      dirty = key !== asked;
      return;
    }
    if (key === asked) {
      return;
    }
    var before = asked;
    asked = key;
    inFlight = true;
    var t0 = performance.now();
    // The worker's "analysis": the report and which of the names it
    // suggests are catalog actions (linked), in one message. An edit of
    // the document drawn last (its length changed by at most editChars: a
    // keystroke, not a paste) waits for it here, up to a frame's time, so
    // that it is drawn with the keystroke (policy-engine.js's callNow),
    // unless the analysis before took longer than that to come back; a
    // paste, or a slower answer, comes later.
    var now = null;
    if (before !== null && Math.abs(key.length - before.length) <= editChars && roundTrip <= waitMs) {
      now = P.callNow("analysis", [src, options()], waitMs);
    }
    var shared = !!(now && now.answer);
    (shared ? Promise.resolve(now.answer) : now ? now.later : P.call("analysis", [src, options()])).then(function (res) {
      roundTrip = performance.now() - t0;
      var rep = res.report || res;
      if (rep.error) {
        throw new Error(rep.error);
      }
      var t1 = performance.now();
      render(src, rep, res.known || {});
      renderHeld(res.held);
      analyses++;
      tool.dataset.engineMs = String(P.lastMs);
      tool.dataset.answered = shared ? "shared" : "message";
      tool.dataset.goMs = String(P.lastGoMs);
      tool.dataset.renderMs = String(Math.round(performance.now() - t1));
      tool.dataset.analyses = String(analyses);
      tool.dataset.ms = String(Math.round(performance.now() - t0));
      if (compared) {
        compare();
      }
    }).then(finish, function (err) {
      asked = null;
      P.say("The analysis failed: " + err.message);
      finish();
    });
  }

  function finish() {
    inFlight = false;
    if (dirty) {
      dirty = false;
      analyze();
    }
  }

  function count(n, one, many) { return P.plural(n, one, many); }

  // The incremental drawing. Nothing here reads layout.

  function setHidden(node, hidden) {
    if (node.hidden !== hidden) {
      node.hidden = hidden;
    }
  }

  function setText(node, text) {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  // redraw fills parent anew with fill(parent) when key is not what it
  // was last drawn from.
  function redraw(parent, key, fill) {
    if (parent.iamrefKey === key) {
      return;
    }
    P.clear(parent);
    fill(parent);
    parent.iamrefKey = key;
  }

  // only makes make() parent's one child, unless it holds the one made
  // for key already; it returns the child.
  function only(parent, key, make) {
    if (parent.iamrefKey !== key || !parent.firstChild) {
      P.clear(parent);
      parent.appendChild(make());
      parent.iamrefKey = key;
    }
    return parent.firstChild;
  }

  // sync makes parent's children the nodes of items ({key, make, update}),
  // in order: the node drawn before for an item's key is kept (moved if
  // need be), the others made with make(); update(node), if given, brings
  // a kept or made node up to date. Children no item keeps are removed.
  function sync(parent, items) {
    var old = parent.iamrefKeyed || new Map(), next = new Map(), keep = new Set();
    var nodes = items.map(function (it) {
      var b = old.get(it.key), n = b && b.length ? b.shift() : null;
      if (n) {
        keep.add(n);
      }
      return n;
    });
    var cur = parent.firstChild, nx;
    items.forEach(function (it, i) {
      while (cur && !keep.has(cur)) {
        nx = cur.nextSibling;
        parent.removeChild(cur);
        cur = nx;
      }
      var n = nodes[i] || it.make();
      if (it.update) {
        it.update(n);
      }
      if (n === cur) {
        cur = cur.nextSibling;
      } else {
        parent.insertBefore(n, cur);
      }
      if (!next.has(it.key)) {
        next.set(it.key, []);
      }
      next.get(it.key).push(n);
    });
    while (cur) {
      nx = cur.nextSibling;
      parent.removeChild(cur);
      cur = nx;
    }
    parent.iamrefKeyed = next;
  }

  // same says whether two values parsed from JSON are equal: a keystroke
  // leaves most of a report as it was, and what compares equal to what
  // was drawn from is not drawn again.
  function same(a, b) {
    if (a === b) {
      return true;
    }
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
      return false;
    }
    var i;
    if (Array.isArray(a)) {
      if (a.length !== b.length) {
        return false;
      }
      for (i = 0; i < a.length; i++) {
        if (!same(a[i], b[i])) {
          return false;
        }
      }
      return true;
    }
    var ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) {
      return false;
    }
    for (i = 0; i < ka.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(b, ka[i]) || !same(a[ka[i]], b[ka[i]])) {
        return false;
      }
    }
    return true;
  }

  // knownOf says which of the names are catalog actions (linked).
  function knownOf(list, known) {
    return (list || []).map(function (s) { return known[s] !== undefined; });
  }

  function suggestionsNode(list, known) {
    var span = el("span", "suggest", "Nearest: ");
    list.forEach(function (s) {
      span.appendChild(known[s] !== undefined ? P.actionLink(s) : el("code", "", s));
      span.appendChild(document.createTextNode(" "));
    });
    return span;
  }

  function lineLink(line) {
    var a = el("a", "", "line " + line);
    a.href = "#L" + line;
    return a;
  }

  function statementRef(r) {
    var a = el("a");
    a.href = "#statement-" + r.statement;
    if (r.not_action) {
      a.textContent = "NotAction";
    } else {
      a.appendChild(el("code", "", r.pattern));
    }
    return a;
  }

  function refs(list) {
    var span = el("span", "via");
    list.forEach(function (r, i) {
      if (i) {
        span.appendChild(document.createTextNode(", "));
      }
      span.appendChild(statementRef(r));
    });
    return span;
  }

  function stateBadges(node, a) {
    if (a.conditional) {
      node.appendChild(el("span", "badge b-cond", "conditional"));
      node.appendChild(document.createTextNode(" "));
    }
    if (a.resource_scoped) {
      node.appendChild(el("span", "badge b-scoped", "resource-scoped"));
      node.appendChild(document.createTextNode(" "));
    }
    if (a.partly_denied) {
      node.appendChild(el("span", "badge b-denied", "partly denied"));
    }
  }

  var kinds = { identity: "an identity policy", resource: "a resource policy", scp: "a service control policy" };

  function render(src, rep, known) {
    setHidden(analysis, false);
    P.say("");
    var allowed = rep.allowed || [];
    var services = [];
    var bySvc = {};
    allowed.forEach(function (a) {
      var p = a.action.slice(0, a.action.indexOf(":"));
      if (!bySvc[p]) {
        bySvc[p] = [];
        services.push(p);
      }
      bySvc[p].push(a);
    });
    setText($("policy-kind-guess"), "Checked as " + (kinds[rep.policy_type] || rep.policy_type) +
      (rep.policy_type_guessed ? (rep.policy_type === "identity" ? ": it has no Principal." : ", guessed from its Principal.") : "."));
    var fs = rep.findings || [], unknown = rep.unknown || [];
    renderSummary(rep, allowed, services, fs, unknown);
    renderFindings(fs, known);
    var marked = {};
    fs.forEach(function (f) { if (f.line) { marked[f.line] = true; } });
    renderDocument(src, marked);
    renderRisks(rep);
    // The allowed list, compared once with the one drawn last: most
    // keystrokes leave it as it was.
    var allowedSame = drawnAllowed !== null && same(drawnAllowed, allowed);
    if (!allowedSame) {
      drawnAllowed = allowed;
      drawnMatches = statementMatches(allowed);
    }
    renderStatements(rep, drawnMatches);
    renderUnknown(unknown, known);
    if (!allowedSame) {
      renderAllowed(allowed, services, bySvc);
    }
  }

  // The lead, as a managed policy's page says it.
  function renderSummary(rep, allowed, services, fs, unknown) {
    var paths = rep.escalation_paths || [];
    var key = JSON.stringify([allowed.length, services.length, rep.snapshot.date, fs.length, unknown.length, paths.length, rep.policy_type]);
    redraw($("analysis-summary"), key, function (sum) {
      sum.appendChild(document.createTextNode("Allows " + count(allowed.length, "action", "actions") +
        (services.length ? " in " + count(services.length, "service", "services") : "") +
        ", as evaluated against the catalog of " + rep.snapshot.date + ". Findings: "));
      if (fs.length) {
        var fa = el("a", "", String(fs.length));
        fa.href = "#findings";
        sum.appendChild(fa);
      } else {
        sum.appendChild(document.createTextNode("none"));
      }
      if (unknown.length) {
        sum.appendChild(document.createTextNode(" · "));
        var ua = el("a", "", count(unknown.length, "name", "names") + " the catalog lacks");
        ua.href = "#unknown";
        sum.appendChild(ua);
      }
      if (paths.length) {
        sum.appendChild(document.createTextNode(" · "));
        var pa = el("a", "", "opens " + count(paths.length, "privilege-escalation path", "privilege-escalation paths"));
        pa.href = "#escalation-paths";
        sum.appendChild(pa);
      }
      sum.appendChild(document.createTextNode(" "));
      var note = el("span", "note", "(checked as " + (kinds[rep.policy_type] || rep.policy_type) + ": ");
      var checks = el("a", "", "the checks");
      checks.href = P.url("/checks/");
      note.appendChild(checks);
      note.appendChild(document.createTextNode(")"));
      sum.appendChild(note);
    });
  }

  function finding(f, known) {
    var li = el("li", "sev-" + f.severity);
    li.dataset.code = f.code;
    // The line and column are in the text only (no data-line, data-col):
    // a line broken or joined moves every finding below it, and each
    // attribute written then cost as much as the link it moves.
    li.iamrefAt = [f.line, f.col]; // what placeFinding compares, not read back from the text
    li.appendChild(el("span", "sev", f.severity));
    li.appendChild(document.createTextNode(" "));
    var c = el("a", "code", f.code);
    c.href = P.url("/checks/#" + f.code);
    li.appendChild(c);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(f.line ? lineLink(f.line) : document.createTextNode("line " + f.line));
    li.appendChild(document.createTextNode((f.col ? ", column " + f.col : "") + ": "));
    li.appendChild(el("span", "message", f.message));
    if (f.suggestions && f.suggestions.length) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(suggestionsNode(f.suggestions, known));
    }
    return li;
  }

  // CHUNK findings make one list of the findings' section: each list is
  // laid out only near the screen (analyze.css), and a frame checks each
  // list's distance from the screen, so that one list a finding cost a
  // frame a millisecond or more for two hundred findings, even those far
  // from the screen, which a list of CHUNK does not.
  var CHUNK = 16;

  function renderFindings(fs, known) {
    var body = $("findings-body");
    if (!fs.length) {
      only(body, "none", function () {
        return el("p", "", "None: the document is well-formed and every pattern matches a catalog action.");
      });
      return;
    }
    if (body.iamrefKey !== "lists") {
      P.clear(body);
      body.iamrefKey = "lists";
      body.iamrefKeys = body.iamrefKeyed = null;
      body.iamrefItems = [];
    }
    // A finding is kept by what it says; its line and column are brought
    // up to date in place, so that a line broken or joined, which moves
    // every finding below it, changes two numbers in each and makes none.
    // When all but a few findings have the key of the one drawn in their
    // place (most keystrokes: the size check's count changes as characters
    // are typed), those are only placed and the few made anew.
    var keys = fs.map(function (f) { return findingKey(f, known); });
    var last = body.iamrefKeys, was = body.iamrefItems, items = new Array(fs.length);
    var differ = last && last.length === keys.length ? [] : null;
    for (var i = 0; differ && i < keys.length; i++) {
      if (keys[i] !== last[i] && differ.push(i) > 8) {
        differ = null;
      }
    }
    var keyed = new Map(); // the items by key, for the next keystroke's
    if (differ) {
      for (var j = 0, d = 0; j < fs.length; j++) {
        if (differ[d] === j) {
          d++;
          items[j] = finding(fs[j], known);
        } else {
          items[j] = was[j];
          placeFinding(items[j], fs[j]);
        }
      }
    } else {
      // Each item drawn before for a key is kept for the first finding
      // of that key, in order; the others are made.
      var old = body.iamrefKeyed || new Map();
      for (var n = 0; n < fs.length; n++) {
        var b = old.get(keys[n]), li = b && b.length ? b.shift() : null;
        if (li) {
          placeFinding(li, fs[n]);
        } else {
          li = finding(fs[n], known);
        }
        items[n] = li;
      }
    }
    items.forEach(function (li, k) {
      if (!keyed.has(keys[k])) {
        keyed.set(keys[k], []);
      }
      keyed.get(keys[k]).push(li);
    });
    body.iamrefKeyed = keyed;
    body.iamrefKeys = keys;
    body.iamrefItems = items;
    placeItems(body, items);
  }

  // placeItems makes body's lists hold items in order, CHUNK a list: a
  // list that holds its items already is left alone, the others get
  // theirs (moved from a list before or after, or made), and lists left
  // over are removed.
  function placeItems(body, items) {
    var lists = body.children, c = 0;
    for (var from = 0; from < items.length; from += CHUNK, c++) {
      var ul = lists[c];
      if (!ul) {
        ul = body.appendChild(el("ul", "findings"));
      }
      var to = Math.min(items.length, from + CHUNK), cur = ul.firstChild;
      for (var k = from; k < to; k++) {
        if (cur === items[k]) {
          cur = cur.nextSibling;
        } else {
          ul.insertBefore(items[k], cur);
        }
      }
      while (cur) { // the next list's, or no one's: placed there or dropped
        var nx = cur.nextSibling;
        ul.removeChild(cur);
        cur = nx;
      }
    }
    while (lists.length > c) {
      body.removeChild(body.lastChild);
    }
  }

  // findingKey is what a finding's item says but its line and column: its
  // severity, code, whether it has a line, its suggestions (each marked
  // linked or not) and its message. Built by hand, not by JSON.stringify,
  // for the hundreds of findings a keystroke keys again; it is one string
  // per distinct item all the same, as the suggestions (catalog names and
  // patterns) hold no line breaks, are counted, and the message comes last.
  function findingKey(f, known) {
    var sg = f.suggestions || [], k = f.severity + "\n" + f.code + "\n" + (f.line ? 1 : 0) + "\n" + sg.length;
    for (var i = 0; i < sg.length; i++) {
      k += (known[sg[i]] !== undefined ? "\n+" : "\n-") + sg[i];
    }
    return k + "\n" + f.message;
  }

  // placeFinding gives a finding's item (made by finding) f's line and
  // column, as finding would have made them.
  function placeFinding(li, f) {
    var at0 = li.iamrefAt;
    if (at0[0] === f.line && at0[1] === f.col) {
      return;
    }
    li.iamrefAt = [f.line, f.col];
    if (at0[0] !== f.line) {
      var at = li.childNodes[4];
      if (f.line) {
        at.firstChild.data = "line " + f.line; // the link's text, as lineLink made it
        at.href = "#L" + f.line;
      } else {
        at.data = "line " + f.line;
      }
    }
    if (at0[1] !== f.col) {
      li.childNodes[5].data = (f.col ? ", column " + f.col : "") + ": ";
    }
  }

  // placeLine gives a table cell that holds a line link (made by
  // lineLink, its text the number) the line.
  function placeLine(td, line) {
    var a = td.firstChild, text = String(line);
    if (td.iamrefLine === line) {
      return; // placed there last (not read back from the DOM)
    }
    td.iamrefLine = line;
    if (a.textContent !== text) {
      a.textContent = text;
      a.href = "#L" + line;
    }
  }

  // renderDocument highlights the document, line by line. The lines the
  // document starts and ends with as before keep their rows, those at the
  // end renumbered when lines were added or removed above them (a line
  // broken moves no highlighted text); the rows between are made, a line
  // whose text was drawn before in them keeping its highlighted span. Marks
  // belong to the places.
  function renderDocument(src, marked) {
    var body = $("document-body");
    var code = only(body, "pre", function () {
      var pre = el("pre", "chroma");
      pre.appendChild(el("code"));
      return pre;
    }).firstChild;
    var lines = src.split("\n"), n = lines.length;
    function lineKey(i) { return (i === n - 1 ? "$" : "+") + lines[i]; }
    var rows = code.children, m = rows.length, head = 0, tail = 0, i;
    while (head < m && head < n && rows[head].lastChild.iamrefKey === lineKey(head)) {
      head++;
    }
    while (tail < m - head && tail < n - head && rows[m - 1 - tail].lastChild.iamrefKey === lineKey(n - 1 - tail)) {
      tail++;
    }
    var pool = new Map();
    for (i = m - tail - 1; i >= head; i--) {
      var cl = rows[i].lastChild;
      if (!pool.has(cl.iamrefKey)) {
        pool.set(cl.iamrefKey, []);
      }
      pool.get(cl.iamrefKey).push(cl);
      code.removeChild(rows[i]);
    }
    var after = rows[head] || null;
    for (i = head; i < n - tail; i++) {
      var k = lineKey(i), b = pool.get(k), span = b && b.length ? b.pop() : null;
      if (!span) {
        span = P.highlightLine(lines[i], i === n - 1);
        span.iamrefKey = k;
      }
      var row = P.highlightRow(i + 1, !!marked[i + 1]);
      row.iamrefCls = row.className; // what the loop below compares, not read back from the DOM
      row.firstChild.iamrefN = i + 1;
      row.appendChild(span);
      code.insertBefore(row, after);
    }
    for (i = 0; i < n; i++) {
      var r = rows[i], cls = marked[i + 1] ? "line hl" : "line";
      if (r.iamrefCls !== cls) {
        r.className = cls;
        r.iamrefCls = cls;
      }
      var num = r.firstChild;
      if (num.iamrefN !== i + 1) {
        var id = "L" + (i + 1);
        num.iamrefN = i + 1;
        num.id = id;
        num.firstChild.href = "#" + id;
        num.firstChild.textContent = String(i + 1);
      }
    }
  }

  function table(head) {
    var t = el("table", "data");
    var tr = el("tr");
    head.forEach(function (h) {
      var th = el("th", h.cls || "", h.text || h);
      th.scope = "col";
      tr.appendChild(th);
    });
    t.appendChild(el("thead")).appendChild(tr);
    t.appendChild(el("tbody"));
    return t;
  }

  // The risk lists' categories, as the pages name them (catalog.RiskCategories).
  var riskTitles = { credentialexposure: "Credential exposure", dataaccess: "Data access", privesc: "Privilege escalation", resourceexposure: "Resource exposure" };

  function renderRisks(rep) {
    var paths = rep.escalation_paths || [], sens = rep.sensitive_actions || [];
    setHidden($("risks-section"), !paths.length && !sens.length);
    redraw($("risks-body"), JSON.stringify([paths, sens]), function (body) {
      if (paths.length) {
        var h = el("h3", "", "Privilege-escalation paths it opens (" + paths.length + ")");
        h.id = "escalation-paths";
        body.appendChild(h);
        body.appendChild(el("p", "", "The policy allows every action each of these paths needs. Each path's page explains how it is used and how to close it."));
        var t = table(["Path", "Category", "Required actions"]);
        paths.forEach(function (p) {
          var tr = el("tr");
          var th = el("th");
          th.scope = "row";
          var a = el("a", "", p.id);
          a.href = p.url;
          a.rel = "external";
          th.appendChild(a);
          th.appendChild(document.createTextNode(" "));
          th.appendChild(el("span", "muted", p.name));
          if (p.limited) {
            th.appendChild(document.createTextNode(" "));
            th.appendChild(el("span", "badge", "in part"));
          }
          tr.appendChild(th);
          tr.appendChild(el("td", "", p.category));
          var td = el("td");
          p.actions.forEach(function (x, i) {
            if (i) {
              td.appendChild(document.createTextNode(", "));
            }
            td.appendChild(P.actionLink(x));
          });
          tr.appendChild(td);
          t.tBodies[0].appendChild(tr);
        });
        body.appendChild(t);
      }
      if (sens.length) {
        var h2 = el("h3", "", "Sensitive actions it allows");
        h2.id = "sensitive-actions";
        body.appendChild(h2);
        sens.forEach(function (s) {
          var d = el("details", "grants");
          d.open = s.actions.length <= 20;
          var sm = el("summary");
          var slug = s.category.toLowerCase();
          sm.appendChild(el("span", "badge risk risk-" + slug, riskTitles[slug] || s.category));
          sm.appendChild(document.createTextNode(" " + count(s.actions.length, "action", "actions")));
          d.appendChild(sm);
          var ul = el("ul", "columns");
          s.actions.forEach(function (x) { ul.appendChild(el("li")).appendChild(P.actionLink(x)); });
          d.appendChild(ul);
          body.appendChild(d);
        });
      }
    });
  }

  function statementRow(s, matches) {
    var tr = el("tr");
    tr.id = "statement-" + s.statement;
    var th = el("th");
    th.scope = "row";
    var a = el("a", "", String(s.statement));
    a.href = "#statement-" + s.statement;
    th.appendChild(a);
    tr.appendChild(th);
    var sid = el("td");
    if (s.sid) {
      sid.appendChild(el("code", "", s.sid));
    }
    tr.appendChild(sid);
    var eff = el("td");
    if (s.valid) {
      eff.textContent = s.effect;
    } else {
      eff.appendChild(el("span", "bad", "not evaluated"));
    }
    tr.appendChild(eff);
    tr.appendChild(el("td", "num", P.num(matches)));
    var ln = el("td");
    ln.appendChild(lineLink(s.line)).textContent = String(s.line);
    tr.appendChild(ln);
    return tr;
  }

  // drawnAllowed is the allowed list drawn last, and drawnMatches its
  // counts for the statements table (statementMatches).
  var drawnAllowed = null, drawnMatches = null;

  function renderStatements(rep, matches) {
    var st = rep.statements || [];
    var body = $("statements-body");
    setHidden($("statements-section"), !st.length);
    if (!st.length) {
      redraw(body, "none", function () {});
      return;
    }
    var t = only(body, "table", function () { return table(["#", "Sid", "Effect", { text: "Matches", cls: "num" }, "Line"]); });
    sync(t.tBodies[0], st.map(function (s) {
      var m = matches[s.statement] || 0;
      return {
        key: s.statement + " " + s.valid + " " + m + keyPart(s.effect) + keyPart(s.sid),
        make: function () { return statementRow(s, m); },
        update: function (tr) { placeLine(tr.lastChild, s.line); }
      };
    }));
  }

  // keyPart is a string or number for a key of several: its length said,
  // so that no two lists of parts give one key.
  function keyPart(v) {
    return v === undefined || v === null ? " -" : " " + String(v).length + ":" + v;
  }

  // statementMatches counts, for each statement, the allowed actions it
  // grants or denies in part.
  function statementMatches(allowed) {
    var matches = {};
    allowed.forEach(function (a) {
      var seen = {};
      (a.granted_by || []).concat(a.denied_by || []).forEach(function (g) {
        if (!seen[g.statement]) {
          seen[g.statement] = true;
          matches[g.statement] = (matches[g.statement] || 0) + 1;
        }
      });
    });
    return matches;
  }

  function unknownRow(u, known) {
    var tr = el("tr");
    tr.dataset.pattern = u.pattern;
    var th = el("th");
    th.scope = "row";
    th.appendChild(el("code", "", u.pattern));
    if (u.wildcard) {
      th.appendChild(document.createTextNode(" "));
      th.appendChild(el("span", "badge", "wildcard"));
    }
    tr.appendChild(th);
    var td = el("td");
    var a = el("a", "", String(u.statement));
    a.href = "#statement-" + u.statement;
    td.appendChild(a);
    td.appendChild(document.createTextNode(" " + u.effect + (u.not_action ? " (NotAction)" : "")));
    tr.appendChild(td);
    var ln = el("td");
    ln.appendChild(lineLink(u.line)).textContent = String(u.line);
    tr.appendChild(ln);
    var sg = el("td");
    if (u.suggestions && u.suggestions.length) {
      u.suggestions.forEach(function (s) {
        sg.appendChild(known[s] !== undefined ? P.actionLink(s) : el("code", "", s));
        sg.appendChild(document.createTextNode(" "));
      });
    } else {
      sg.appendChild(el("span", "muted", "none close"));
    }
    tr.appendChild(sg);
    return tr;
  }

  function renderUnknown(unknown, known) {
    var body = $("unknown-body");
    setHidden($("unknown-section"), !unknown.length);
    if (!unknown.length) {
      redraw(body, "none", function () {});
      return;
    }
    var t = only(body, "table", function () { return table(["Pattern", "Statement", "Line", "Nearest catalog names"]); });
    sync(t.tBodies[0], unknown.map(function (u) {
      return {
        key: JSON.stringify([u.pattern, u.wildcard, u.statement, u.effect, u.not_action, u.suggestions || [], knownOf(u.suggestions, known)]),
        make: function () { return unknownRow(u, known); },
        update: function (tr) { placeLine(tr.cells[2], u.line); }
      };
    }));
  }

  var OPEN = 300; // actions: a result this small opens every service

  function nameLink(id) {
    var link = P.actionLink(id, false);
    link.textContent = id.slice(id.indexOf(":") + 1);
    return link;
  }

  // detail is how an action is allowed: the patterns, the Denys that match
  // it in part, its terms.
  function detail(node, a) {
    node.appendChild(refs(a.granted_by || []));
    if (a.denied_by && a.denied_by.length) {
      node.appendChild(document.createTextNode(" "));
      var den = refs(a.denied_by);
      den.insertBefore(document.createTextNode("denied in part by "), den.firstChild);
      node.appendChild(den);
    }
    node.appendChild(document.createTextNode(" "));
    stateBadges(node, a);
  }

  function detailKey(a) {
    return JSON.stringify([a.granted_by, a.denied_by || [], a.conditional, a.resource_scoped, a.partly_denied]);
  }

  // runs splits actions into runs of neighbours allowed the same way, each
  // with its key: the explanation and the actions.
  function runs(acts) {
    var out = [], key = null;
    acts.forEach(function (a) {
      var k = detailKey(a);
      if (k === key) {
        out[out.length - 1].push(a);
      } else {
        out.push([a]);
        out[out.length - 1].detail = k;
        key = k;
      }
    });
    return out;
  }

  // Actions allowed the same way (the same patterns, the same terms) form
  // a run, listed under their one explanation, as a managed policy's page
  // lists them.
  function runItem(run) {
    var li = el("li");
    if (run.length === 1) {
      li.dataset.action = run[0].action;
      li.appendChild(nameLink(run[0].action));
      li.appendChild(document.createTextNode(" "));
      detail(li, run[0]);
    } else {
      li.className = "run";
      detail(li, run[0]);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "count", String(run.length)));
      var inner = el("ul");
      run.forEach(function (a) {
        var item = el("li");
        item.dataset.action = a.action;
        item.appendChild(nameLink(a.action));
        inner.appendChild(item);
      });
      li.appendChild(inner);
    }
    return li;
  }

  function allowedIntro(allowed, services) {
    var p = el("p", "", count(allowed.length, "action", "actions") + " in " + count(services.length, "service", "services") +
      ". Each is listed with the pattern that allows it, as the document spells it, and its terms: ");
    p.appendChild(el("span", "badge b-cond", "conditional"));
    p.appendChild(document.createTextNode(" every allowing statement has a Condition, "));
    p.appendChild(el("span", "badge b-scoped", "resource-scoped"));
    p.appendChild(document.createTextNode(" none allows "));
    p.appendChild(el("code", "", "\"Resource\": \"*\""));
    p.appendChild(document.createTextNode(", "));
    p.appendChild(el("span", "badge b-denied", "partly denied"));
    p.appendChild(document.createTextNode(" a Deny with a Condition or on some resources also matches."));
    return p;
  }

  function serviceIndex(services, bySvc) {
    var nav = el("nav", "svc-index");
    nav.setAttribute("aria-label", "Services");
    var ul = el("ul");
    services.forEach(function (s) {
      var li = el("li");
      var a = el("a", "", s);
      a.href = "#grants-" + s;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" " + P.num(bySvc[s].length)));
      ul.appendChild(li);
    });
    nav.appendChild(ul);
    return nav;
  }

  // A service's actions: a <details>, filled when open (a result of more
  // than OPEN actions starts with its services closed, each filled when
  // opened). The reader's opening and closing is kept as the document
  // changes, until the result crosses OPEN.
  function serviceDetails(s) {
    var d = el("details", "grants");
    d.id = "grants-" + s;
    d.addEventListener("toggle", function () {
      if (d.open && !d.iamrefFilled) {
        d.iamrefFilled = true;
        drawService(d);
      }
    });
    return d;
  }

  function updateService(d, acts, open) {
    if (d.iamrefOpen === open && d.iamrefData && same(d.iamrefData.acts, acts)) {
      return; // drawn from the same actions, open or closed as it is
    }
    var levels = {};
    acts.forEach(function (a) {
      var l = a.access_level || "";
      (levels[l] = levels[l] || []).push(a);
    });
    var order = P.levels.filter(function (l) { return levels[l]; });
    if (levels[""]) {
      order.push("");
    }
    d.iamrefData = { acts: acts, levels: levels, order: order };
    if (d.iamrefOpen !== open) {
      d.iamrefOpen = open;
      d.iamrefFilled = open;
      if (d.open !== open) {
        d.open = open;
      }
    }
    drawService(d);
  }

  function drawService(d) {
    var s = d.id.slice("grants-".length), data = d.iamrefData, levels = data.levels;
    var items = [{
      key: "summary " + JSON.stringify([data.acts.length, data.order.map(function (l) { return levels[l].length; }), data.order]),
      make: function () {
        var sm = el("summary");
        sm.appendChild(el("code", "", s));
        sm.appendChild(document.createTextNode(" — " + count(data.acts.length, "action", "actions")));
        data.order.forEach(function (l) {
          sm.appendChild(document.createTextNode(" "));
          sm.appendChild(P.levelBadge(l, levels[l].length));
        });
        return sm;
      }
    }];
    if (d.iamrefFilled) {
      items.push({
        key: "links",
        make: function () {
          var links = el("p", "svc-links");
          var ref = el("a", "", s + " reference");
          ref.href = P.url("/" + s + "/");
          links.appendChild(ref);
          return links;
        }
      });
      data.order.forEach(function (l) {
        var acts = levels[l];
        items.push({
          key: "level " + l + " " + acts.length,
          make: function () {
            var h = el("h3", "lvl");
            h.appendChild(P.levelBadge(l));
            h.appendChild(document.createTextNode(" " + acts.length));
            return h;
          }
        });
        items.push({
          key: "list " + l,
          make: function () { return el("ul", "grant-list"); },
          update: function (list) {
            sync(list, runs(acts).map(function (run) {
              return {
                key: run.detail + JSON.stringify(run.map(function (a) { return a.action; })),
                make: function () { return runItem(run); }
              };
            }));
          }
        });
      });
    }
    sync(d, items);
  }

  function renderAllowed(allowed, services, bySvc) {
    var body = $("allowed-body");
    if (!allowed.length) {
      sync(body, [{
        key: "none",
        make: function () {
          var p0 = el("p");
          p0.appendChild(el("strong", "", "This policy allows no catalog action."));
          return p0;
        }
      }]);
      return;
    }
    var items = [{ key: "intro " + allowed.length + " " + services.length, make: function () { return allowedIntro(allowed, services); } }];
    if (services.length > 6) {
      items.push({
        key: "index " + JSON.stringify(services.map(function (s) { return [s, bySvc[s].length]; })),
        make: function () { return serviceIndex(services, bySvc); }
      });
    }
    var open = allowed.length <= OPEN;
    services.forEach(function (s) {
      items.push({
        key: "service " + s,
        make: function () { return serviceDetails(s); },
        update: function (d) { updateService(d, bySvc[s], open); }
      });
    });
    sync(body, items);
  }

  // A document that holds its policy as a string (Organizations'
  // describe-policy prints an SCP so; IAM's API URL-encodes it): the
  // engine says where, and what policy it holds, decoded. The analysis
  // drawn is the wrapper's; a button puts the policy in the box instead,
  // as an edit the browser can undo, and it is analysed as any edit is.
  var heldDoc = null;
  function renderHeld(held) {
    setHidden($("held-notice"), !held);
    heldDoc = held ? held.document : null;
    if (held) {
      setText($("held-text"), "This document holds its policy as a string, at " + held.path +
        " (line " + held.line + ", column " + held.column + ")" +
        (held.url_encoded ? ", URL-encoded as IAM's API gives it" : "") +
        ": what follows is the analysis of the document as it is, not of the policy it holds.");
    }
  }
  // heldText is the policy to put in the box: laid out on lines when it
  // is compact JSON written on one (as describe-policy gives it), so that
  // the findings fall on lines of their own; any other text as it is (a
  // layout would drop a key given twice, which the engine reports).
  function heldText(text) {
    if (text.indexOf("\n") < 0) {
      try {
        var v = JSON.parse(text);
        if (JSON.stringify(v) === text && v !== null && typeof v === "object") {
          return JSON.stringify(v, null, 2);
        }
      } catch (e) { /* not JSON: as it is */ }
    }
    return text;
  }
  $("held-open").addEventListener("click", function () {
    if (heldDoc === null) {
      return;
    }
    var text = heldText(heldDoc);
    doc.focus();
    doc.select();
    // insertText is an edit the reader can undo, and it fires "input";
    // where it is not supported, the box is set and analysed.
    if (!document.execCommand("insertText", false, text) || doc.value !== text) {
      doc.value = text;
      analyze();
    }
    doc.setSelectionRange(0, 0);
    doc.scrollTop = 0;
  });

  // Drop and open a file.
  function readFile(f) {
    if (!f) {
      return;
    }
    f.text().then(function (text) {
      doc.value = text;
      started();
      schedule(0);
    });
  }
  doc.addEventListener("dragover", function (ev) {
    if (ev.dataTransfer && Array.prototype.indexOf.call(ev.dataTransfer.types, "Files") >= 0) {
      ev.preventDefault();
    }
  });
  doc.addEventListener("drop", function (ev) {
    if (ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files.length) {
      ev.preventDefault();
      readFile(ev.dataTransfer.files[0]);
    }
  });
  fileInput.addEventListener("change", function () { readFile(fileInput.files[0]); });

  // Compare.
  var form = $("compare-form"), cname = $("compare-name"), cdoc = $("compare-doc");
  var managedTexts = {};
  form.querySelectorAll("input[name=compare-with]").forEach(function (r) {
    r.addEventListener("change", function () {
      var doc2 = form.querySelector("input[name=compare-with]:checked").value === "document";
      $("compare-managed").hidden = doc2;
      $("compare-document").hidden = !doc2;
    });
  });
  var namesFilled = false;
  function fillNames() {
    started();
    if (namesFilled) {
      return;
    }
    namesFilled = true;
    P.names().then(function (n) {
      var dl = $("managed-names");
      n.policies.forEach(function (name) {
        var o = el("option");
        o.value = name;
        dl.appendChild(o);
      });
    }, function () { namesFilled = false; });
  }
  cname.addEventListener("focus", fillNames);
  cdoc.addEventListener("focus", started);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var with2 = form.querySelector("input[name=compare-with]:checked").value;
    compared = with2 === "managed" ? { name: cname.value.trim() } : { doc: true };
    compare();
  });

  function compare() {
    var out = $("compare-body");
    var a = doc.value;
    if (!a.trim()) {
      P.clear(out);
      out.appendChild(el("p", "", "Type or paste your document (A) above first."));
      return;
    }
    var b;
    if (compared.name !== undefined) {
      var name = compared.name;
      if (!name) {
        P.clear(out);
        out.appendChild(el("p", "", "Name a managed policy to compare with."));
        return;
      }
      b = managedTexts[name] ? Promise.resolve(managedTexts[name]) :
        fetch(P.url("/api/policies/" + encodeURIComponent(name) + ".json"), { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) {
            throw new Error(r.status === 404 ? "this site has no managed policy named “" + name + "”." : "HTTP " + r.status);
          }
          return r.text();
        }).then(function (t) {
          managedTexts[name] = t;
          return t;
        });
    } else {
      if (!cdoc.value.trim()) {
        P.clear(out);
        out.appendChild(el("p", "", "Type or paste document B first."));
        return;
      }
      b = Promise.resolve(cdoc.value);
    }
    b.then(function (bText) {
      return P.call("compare", [a, bText, options()]);
    }).then(function (c) {
      if (c.error) {
        throw new Error(c.error);
      }
      renderCompare(c);
    }).catch(function (err) {
      P.clear(out);
      out.appendChild(el("p", "bad", "Could not compare: " + err.message));
    });
  }

  function renderCompare(c) {
    var out = $("compare-body");
    P.clear(out);
    var bName = c.b.source === "report" ? c.b.name : "document B";
    var p = el("p", "", "A (your document) allows " + count(c.a.allowed, "action", "actions") + ", B (" + bName + ") " +
      count(c.b.allowed, "action", "actions") + ": only A " + P.num(c.only_a.length) +
      ", only B " + P.num(c.only_b.length) + ", both " + P.num(c.both.length) + ".");
    p.id = "compare-summary";
    out.appendChild(p);
    if (c.a.errors || c.b.errors) {
      out.appendChild(el("p", "note", "Statements IAM rejects allow nothing: " + (c.a.errors ? "A has " + count(c.a.errors, "error", "errors") + " (see its findings). " : "") +
        (c.b.errors ? "B has " + count(c.b.errors, "error", "errors") + "." : "")));
    }
    [["only-a", "Only A allows", c.only_a], ["only-b", "Only B allows", c.only_b], ["both", "Both allow", c.both]].forEach(function (g) {
      var d = el("details", "grants");
      d.id = "compare-" + g[0];
      d.open = g[2].length > 0 && g[2].length <= 200;
      var sm = el("summary");
      sm.appendChild(el("strong", "", g[1]));
      sm.appendChild(document.createTextNode(" — " + count(g[2].length, "action", "actions")));
      d.appendChild(sm);
      var ul = el("ul", "grant-list");
      g[2].forEach(function (x) {
        var li = el("li");
        li.dataset.action = x.action;
        li.appendChild(P.actionLink(x.action));
        if (x.access_level) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(P.levelBadge(x.access_level));
        }
        ul.appendChild(li);
      });
      d.appendChild(ul);
      out.appendChild(d);
    });
    tool.dataset.compares = String((parseInt(tool.dataset.compares || "0", 10)) + 1);
  }

  // Share: the document, deflated and in base64url, after "#p=".
  function b64url(bytes) {
    var s = "";
    var u = new Uint8Array(bytes);
    for (var i = 0; i < u.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, u.subarray(i, i + 0x8000));
    }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unb64url(s) {
    var bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    var u = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      u[i] = bin.charCodeAt(i);
    }
    return u;
  }
  function deflate(text) {
    return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer();
  }
  function inflate(bytes) {
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).text();
  }
  var shareButton = $("share-button"), shareURL = $("share-url");
  if (!window.CompressionStream) {
    shareButton.disabled = true;
    $("share-note").textContent = "This browser cannot compress the document for a share link.";
  }
  shareButton.addEventListener("click", function () {
    if (!doc.value.trim()) {
      $("share-note").textContent = "Type or paste a document first.";
      return;
    }
    deflate(doc.value).then(function (bytes) {
      var url = location.href.split("#")[0] + "#p=" + b64url(bytes) + (kind.value ? "&kind=" + kind.value : "");
      shareURL.value = url;
      shareURL.hidden = false;
      history.replaceState(null, "", url);
      $("share-note").textContent = "The link holds the document (" + P.num(url.length) + " characters), compressed, after the #: browsers never send that part to a server.";
      P.copy(url, shareButton);
    });
  });
  var m = /^#p=([A-Za-z0-9_-]+)(?:&kind=(identity|resource|scp))?$/.exec(location.hash);
  if (m && window.DecompressionStream) {
    inflate(unb64url(m[1])).then(function (text) {
      doc.value = text;
      kind.value = m[2] || "";
      started();
    }, function (err) {
      P.say("The link's document could not be read: " + err.message);
    });
  } else if (doc.value.trim()) {
    started(); // a document the browser kept from an earlier visit
  }
})();
