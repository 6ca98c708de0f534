// iamref progressive enhancement: copy buttons and table filters.
// Every page reads fully without this script.
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

  // Copy buttons carry their text in data-copy; they stay hidden without JS.
  document.querySelectorAll("button.copy[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.setAttribute("aria-label", "Copy " + b.getAttribute("data-copy").slice(0, 60));
    b.addEventListener("click", function () { copyText(b.getAttribute("data-copy"), b); });
  });

  // Table filters: a text box and optional access-level checkboxes.
  document.querySelectorAll("[data-filter-table]").forEach(function (box) {
    var table = document.getElementById(box.getAttribute("data-filter-table"));
    if (!table) { return; }
    box.hidden = false;
    var input = box.querySelector("input[type=search]");
    var checks = box.querySelectorAll("input[type=checkbox]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    function apply() {
      var q = input ? input.value.trim().toLowerCase() : "";
      var levels = {};
      checks.forEach(function (c) { levels[c.value] = c.checked; });
      rows.forEach(function (r, i) {
        var lv = r.getAttribute("data-level");
        var ok = (!q || texts[i].indexOf(q) >= 0) && (!lv || !checks.length || levels[lv] !== false);
        r.hidden = !ok;
      });
    }
    if (input) { input.addEventListener("input", apply); }
    checks.forEach(function (c) { c.addEventListener("change", apply); });
  });
})();
