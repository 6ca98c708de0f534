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
  function addLinkTools(el, into) {
    if (el.querySelector(".link-tools")) { return; }
    var url = pageURL() + "#" + encodeURIComponent(el.id);
    var title = linkTitle(el);
    var span = document.createElement("span");
    span.className = "link-tools";
    [["Copy link", url], ["Copy Markdown link", "[" + markdownEscape(title) + "](" + url + ")"]].forEach(function (t) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy-link";
      b.textContent = t[0];
      b.setAttribute("aria-label", t[0] + " to " + title.slice(0, 80));
      b.setAttribute("data-copy", t[1]);
      b.addEventListener("click", function () { copyText(t[1], b); });
      span.appendChild(b);
    });
    (into || el).appendChild(span);
  }
  document.querySelectorAll("h2[id], h3[id], [id][data-link-title]").forEach(function (el) {
    if (el.tagName !== "TR") { addLinkTools(el); }
  });
  function rowTools(ev) {
    var tr = ev.target.closest && ev.target.closest("tr[id]");
    if (tr && tr.cells.length) { addLinkTools(tr, tr.cells[0]); }
  }
  document.addEventListener("mouseover", rowTools);
  document.addEventListener("focusin", rowTools);
  if (location.hash) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "TR" && target.cells.length) { addLinkTools(target, target.cells[0]); }
  }

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
})();
