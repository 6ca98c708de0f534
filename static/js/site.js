// iamref progressive enhancement: copy buttons, copy-link buttons and table
// filters. Every page reads fully without this script: headings keep their
// "#" anchors and every row its id.
(function () {
  "use strict";

  function copyText(text, button) {
    var done = function () {
      var old = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = old; }, 1200);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {});
    }
  }

  // Copy buttons carry their text in data-copy, or copy the code block they
  // sit in (data-copy-code); they stay hidden without JS.
  document.querySelectorAll("button.copy[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.setAttribute("aria-label", "Copy " + b.getAttribute("data-copy").slice(0, 60));
    b.addEventListener("click", function () { copyText(b.getAttribute("data-copy"), b); });
  });
  // A code block's button copies the block's text: the highlighted code
  // holds exactly the source, so the page need not carry it twice. In a
  // block with line numbers the code of each line is in a .cl span, apart
  // from its number.
  function codeText(pre) {
    var lines = pre.querySelectorAll(".cl");
    var text = lines.length ? Array.prototype.map.call(lines, function (l) { return l.textContent; }).join("") : pre.textContent;
    return text.replace(/\n+$/, "");
  }
  document.querySelectorAll("button.copy[data-copy-code]").forEach(function (b) {
    var code = b.parentNode.querySelector("pre");
    if (!code) return;
    b.hidden = false;
    b.setAttribute("aria-label", "Copy the code");
    b.addEventListener("click", function () { copyText(codeText(code), b); });
  });

  // Copy-link tools for linking from wikis: "Copy link" and "Copy Markdown
  // link" on every h2/h3 with an id and every element with an id and a
  // data-link-title (policy statements); on table rows with an id they
  // appear when the row is hovered or one of its links is focused, so large
  // tables stay light.
  function pageURL() {
    var canon = document.querySelector('link[rel="canonical"]');
    var u = canon ? canon.href : location.href;
    return u.split("#")[0];
  }
  function plainText(el) {
    var c = el.cloneNode(true);
    c.querySelectorAll(".anchor, button, .link-tools, .note").forEach(function (n) { n.remove(); });
    return c.textContent.replace(/\s+/g, " ").trim();
  }
  function linkTitle(el) {
    var t = el.getAttribute("data-link-title");
    if (t) { return t; }
    var h1 = document.querySelector("h1");
    var page = h1 ? plainText(h1) : document.title;
    var own = plainText(el.tagName === "TR" ? (el.cells[0] || el) : el);
    return own && own !== page ? page + " — " + own : page;
  }
  function markdownEscape(s) { return s.replace(/([\\\[\]])/g, "\\$1"); }
  // One quiet "Link" button per heading or row; it opens a small menu
  // floating over the page (it takes no room) with the two copies.
  function closeMenus(except) {
    document.querySelectorAll(".link-menu:not([hidden])").forEach(function (m) {
      if (m !== except) {
        m.hidden = true;
        var t = m.parentNode.querySelector(".link-toggle");
        if (t) { t.setAttribute("aria-expanded", "false"); }
      }
    });
  }
  function addLinkTools(el, into) {
    if (el.querySelector(".link-tools")) { return; }
    var url = pageURL() + "#" + encodeURIComponent(el.id);
    var title = linkTitle(el);
    var span = document.createElement("span");
    span.className = "link-tools";
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "copy-link link-toggle";
    toggle.textContent = "Link";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-label", "Link to " + title.slice(0, 80));
    var menu = document.createElement("span");
    menu.className = "link-menu";
    menu.hidden = true;
    [["Copy link", url], ["Copy Markdown link", "[" + markdownEscape(title) + "](" + url + ")"]].forEach(function (t) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy-link";
      b.textContent = t[0];
      b.setAttribute("aria-label", t[0] + " to " + title.slice(0, 80));
      b.setAttribute("data-copy", t[1]);
      b.addEventListener("click", function () { copyText(t[1], b); });
      menu.appendChild(b);
    });
    toggle.addEventListener("click", function () {
      var open = menu.hidden;
      closeMenus(menu);
      menu.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { menu.querySelector("button").focus(); }
    });
    menu.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { menu.hidden = true; toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
    });
    span.appendChild(toggle);
    span.appendChild(menu);
    (into || el).appendChild(span);
  }
  document.addEventListener("click", function (ev) {
    if (!ev.target.closest || !ev.target.closest(".link-tools")) { closeMenus(null); }
  });
  document.querySelectorAll("h2[id], h3[id], [id][data-link-title]").forEach(function (el) {
    if (el.tagName !== "TR") { addLinkTools(el); }
  });
  function rowTools(ev) {
    var tr = ev.target.closest && ev.target.closest("tr[id]");
    if (tr && tr.cells.length) { addLinkTools(tr, tr.cells[0]); }
  }
  document.addEventListener("mouseover", rowTools);
  document.addEventListener("focusin", rowTools);
  // Rows land below their table's sticky header: the header's real
  // height, measured here, replaces the stylesheet's estimate.
  function measureSticky() {
    document.querySelectorAll("table.sticky, table.matrix").forEach(function (t) {
      if (t.tHead) { t.style.setProperty("--sticky-top", t.tHead.getBoundingClientRect().height + "px"); }
    });
  }
  measureSticky();
  window.addEventListener("resize", measureSticky);

  // A deep link into a folded block (a long policy document, a folded
  // list) opens the blocks around its target and shows it.
  function showTarget() {
    if (!location.hash) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) { return; }
    var opened = false;
    for (var d = target.parentNode; d && d !== document; d = d.parentNode) {
      if (d.tagName === "DETAILS" && !d.open) { d.open = true; opened = true; }
    }
    if (target.tagName === "TR" && target.cells.length) { addLinkTools(target, target.cells[0]); }
    if (opened || target.closest("table.sticky, table.matrix")) { target.scrollIntoView(); }
  }
  showTarget();
  window.addEventListener("hashchange", showTarget);

  // Table filters: a text box and optional access-level checkboxes.
  document.querySelectorAll("[data-filter-table]").forEach(function (box) {
    var table = document.getElementById(box.getAttribute("data-filter-table"));
    if (!table) { return; }
    box.hidden = false;
    var input = box.querySelector("input[type=search]");
    var checks = box.querySelectorAll("input[type=checkbox]:not([name=risk])");
    // Optional checkboxes name="risk": when any is checked, only the rows
    // whose data-risk holds one of the checked categories show.
    var risks = box.querySelectorAll("input[type=checkbox][name=risk]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    // data-filter-text adds words a row matches without showing them (its
    // category on the home page).
    var texts = rows.map(function (r) { return (r.textContent + " " + (r.getAttribute("data-filter-text") || "")).toLowerCase(); });
    // Optional radios name="level-basis": filter by the official level
    // (data-level) or by policy_sentry's correction (data-corrected, on
    // the rows it corrects). Group rows (tr.group) then show when one of
    // their rows does, since corrected rows stay under the official group;
    // so too when only sensitive actions show.
    var bases = box.querySelectorAll("input[name=level-basis]");
    function apply() {
      var q = input ? input.value.trim().toLowerCase() : "";
      var levels = {};
      checks.forEach(function (c) { levels[c.value] = c.checked; });
      var corrected = false;
      bases.forEach(function (b) { if (b.checked && b.value === "corrected") { corrected = true; } });
      var wanted = [];
      risks.forEach(function (c) { if (c.checked) { wanted.push(c.value); } });
      var group = null, groupShown = false;
      function closeGroup() { if (group) { group.hidden = !groupShown; } }
      rows.forEach(function (r, i) {
        if (r.hasAttribute("data-group-head")) { return; } // shown below when a row of its group is
        var isGroup = (corrected || wanted.length > 0) && r.classList.contains("group");
        if (isGroup) { closeGroup(); group = r; groupShown = false; return; }
        var lv = (corrected && r.getAttribute("data-corrected")) || r.getAttribute("data-level");
        var ok = (!q || texts[i].indexOf(q) >= 0) && (!lv || !checks.length || levels[lv] !== false);
        if (ok && wanted.length) {
          var have = (r.getAttribute("data-risk") || "").split(" ");
          ok = wanted.some(function (w) { return have.indexOf(w) >= 0; });
        }
        r.hidden = !ok;
        if (ok) { groupShown = true; }
      });
      closeGroup();
      // Rows with data-group-head head the rows after them (the home
      // page's categories): hidden when none of those is shown.
      var head = null, any = false;
      rows.forEach(function (r) {
        if (r.hasAttribute("data-group-head")) { if (head) { head.hidden = !any; } head = r; any = false; return; }
        if (!r.hidden) { any = true; }
      });
      if (head) { head.hidden = !any; }
    }
    if (input) { input.addEventListener("input", apply); }
    checks.forEach(function (c) { c.addEventListener("change", apply); });
    risks.forEach(function (c) { c.addEventListener("change", apply); });
    bases.forEach(function (b) { b.addEventListener("change", apply); });
  });

  // Compare any two managed policies (the policies' index): fetch their
  // JSON twins and set what each allows against the other, by service and
  // access level. A pair with a page of its own links to it.
  var cmp = document.getElementById("compare-any-form");
  if (cmp && window.fetch) {
    cmp.hidden = false;
    var root = cmp.getAttribute("data-root") || "";
    var out = document.getElementById("compare-any-result");
    var known = {};
    document.querySelectorAll("#policy-names option").forEach(function (o) { known[o.value] = true; });
    var levels = ["List", "Read", "Write", "Permissions management", "Tagging", ""];
    var node = function (tag, text, cls) {
      var e = document.createElement(tag);
      if (text !== undefined) { e.textContent = text; }
      if (cls) { e.className = cls; }
      return e;
    };
    var actionLink = function (id) {
      var i = id.indexOf(":");
      var a = node("a", id.slice(i + 1));
      a.href = root + id.slice(0, i) + "/" + encodeURIComponent(id.slice(i + 1)) + "/";
      return a;
    };
    var get = function (name) {
      return fetch(root + "api/policies/" + encodeURIComponent(name) + ".json").then(function (r) {
        if (!r.ok) { throw new Error(name + ": HTTP " + r.status); }
        return r.json();
      });
    };
    cmp.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var a = cmp.elements.a.value.trim(), b = cmp.elements.b.value.trim();
      out.textContent = "";
      if (!known[a] || !known[b]) { out.appendChild(node("p", "No managed policy is named " + (known[a] ? b : a) + ".", "bad")); return; }
      if (a === b) { out.appendChild(node("p", "Choose two different policies.")); return; }
      var x = a < b ? a : b, y = a < b ? b : a;
      out.appendChild(node("p", "Comparing…"));
      Promise.all([get(a), get(b)]).then(function (docs) {
        out.textContent = "";
        var sets = docs.map(function (d) {
          var m = {};
          (d.allowed || []).forEach(function (g) { m[g.action] = g.access_level || ""; });
          return m;
        });
        var svc = {}, totals = [0, 0, 0];
        var add = function (id, level, col) {
          var p = id.slice(0, id.indexOf(":"));
          var s = svc[p] || (svc[p] = {});
          var l = s[level] || (s[level] = [[], [], []]);
          l[col].push(id);
          totals[col]++;
        };
        Object.keys(sets[0]).forEach(function (id) { add(id, sets[0][id], id in sets[1] ? 1 : 0); });
        Object.keys(sets[1]).forEach(function (id) { if (!(id in sets[0])) { add(id, sets[1][id], 2); } });
        var h = node("h3", a + " compared with " + b);
        out.appendChild(h);
        var counts = node("ul", undefined, "counts");
        [["Only " + a, totals[0]], ["Both", totals[1]], ["Only " + b, totals[2]]].forEach(function (c) {
          var li = node("li", c[0] + ": ");
          li.appendChild(node("strong", String(c[1])));
          counts.appendChild(li);
        });
        out.appendChild(counts);
        var own = root + "policies/compare/" + encodeURIComponent(x) + "/" + encodeURIComponent(y) + "/";
        fetch(own, { method: "HEAD" }).then(function (r) {
          if (r.ok) {
            var p = node("p", "This pair has a page of its own: ");
            var l = node("a", x + " and " + y);
            l.href = own;
            p.appendChild(l);
            out.insertBefore(p, counts.nextSibling);
          }
        }, function () {});
        var table = node("table", undefined, "data compare");
        var head = table.createTHead().insertRow();
        ["Service and access level", "Only " + a, "Both", "Only " + b].forEach(function (t) {
          var th = node("th", t);
          th.scope = "col";
          head.appendChild(th);
        });
        var body = table.createTBody();
        Object.keys(svc).sort().forEach(function (p) {
          levels.forEach(function (lv) {
            var l = svc[p][lv];
            if (!l) { return; }
            var tr = body.insertRow();
            var th = node("th");
            th.scope = "row";
            th.appendChild(node("code", p));
            th.appendChild(document.createTextNode(" "));
            th.appendChild(node("span", lv || "Unknown", "level level-" + (lv === "Permissions management" ? "permissions" : (lv || "unknown").toLowerCase())));
            tr.appendChild(th);
            l.forEach(function (ids) {
              var td = tr.insertCell();
              ids.sort().forEach(function (id) { td.appendChild(actionLink(id)); td.appendChild(document.createTextNode(" ")); });
            });
          });
        });
        out.appendChild(table);
      }, function (err) {
        out.textContent = "";
        out.appendChild(node("p", "The comparison failed: " + err.message, "bad"));
      });
    });
  }
})();
