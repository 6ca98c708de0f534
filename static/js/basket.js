// iamref policy basket: the actions chosen for /write/, kept in the
// browser's localStorage ("iamref.policy"), on every page: the count in the
// header's "Write a policy" link, the "Add to policy" button of action pages
// (button.add-to-policy[data-action-id]), and an "+ policy" mark on every
// action in the search results (clicked, or Shift+Enter on the highlighted
// result). /write/ (static/js/write.js) reads and changes the same list
// through window.iamrefBasket. Without storage, the buttons stay hidden.
(function () {
  "use strict";

  var KEY = "iamref.policy";
  var store = null;
  try {
    store = window.localStorage;
    store.getItem(KEY);
  } catch (e) {
    store = null;
  }
  if (!store) {
    return;
  }
  var listeners = [];

  function read() {
    var s = null;
    try {
      s = JSON.parse(store.getItem(KEY) || "null");
    } catch (e) {
      s = null;
    }
    if (!s || typeof s !== "object") {
      s = {};
    }
    if (!Array.isArray(s.actions)) {
      s.actions = [];
    }
    s.actions = s.actions.filter(function (a) { return typeof a === "string"; });
    return s;
  }

  function save(s) {
    try {
      store.setItem(KEY, JSON.stringify(s));
    } catch (e) {
      return;
    }
    changed();
  }

  function changed() {
    var s = read();
    updateCount(s);
    updateButtons(s);
    listeners.forEach(function (fn) { fn(s); });
  }

  var B = window.iamrefBasket = {
    state: read,
    save: save,
    actions: function () { return read().actions.slice(); },
    has: function (id) { return read().actions.indexOf(id) >= 0; },
    add: function (ids) {
      var s = read();
      [].concat(ids).forEach(function (id) {
        if (s.actions.indexOf(id) < 0) {
          s.actions.push(id);
        }
      });
      save(s);
    },
    remove: function (ids) {
      var s = read();
      var drop = [].concat(ids);
      s.actions = s.actions.filter(function (a) { return drop.indexOf(a) < 0; });
      save(s);
    },
    clear: function () {
      var s = read();
      s.actions = [];
      save(s);
    },
    onChange: function (fn) { listeners.push(fn); }
  };

  var live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  live.id = "basket-status";
  document.body.appendChild(live);
  function announce(text) { live.textContent = text; }

  function countText(n) { return n === 1 ? "1 action chosen" : n + " actions chosen"; }

  function updateCount(s) {
    var c = document.getElementById("basket-count");
    if (!c) {
      return;
    }
    var n = s.actions.length;
    c.hidden = n === 0;
    // The link's name is its text: "Write a policy, 3 actions chosen".
    while (c.firstChild) {
      c.removeChild(c.firstChild);
    }
    var pre = document.createElement("span");
    pre.className = "visually-hidden";
    pre.textContent = ", ";
    var post = document.createElement("span");
    post.className = "visually-hidden";
    post.textContent = n === 1 ? " action chosen" : " actions chosen";
    c.appendChild(pre);
    c.appendChild(document.createTextNode(String(n)));
    c.appendChild(post);
    c.setAttribute("title", countText(n));
    c.dataset.count = String(n);
  }

  function toggle(id) {
    if (B.has(id)) {
      B.remove(id);
      announce(id + " removed from your policy (" + countText(read().actions.length) + ")");
    } else {
      B.add(id);
      announce(id + " added to your policy (" + countText(read().actions.length) + ")");
    }
  }

  // Action pages.
  var buttons = document.querySelectorAll("button.add-to-policy[data-action-id]");
  function updateButtons(s) {
    buttons.forEach(function (b) {
      var on = s.actions.indexOf(b.dataset.actionId) >= 0;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "In your policy" : "Add to policy";
      b.title = on ? "Chosen for /write/: press to remove it" : "Choose it for the policy /write/ writes";
    });
    document.querySelectorAll(".search-add").forEach(function (m) {
      var on = s.actions.indexOf(m.dataset.action) >= 0;
      m.textContent = on ? "✓ policy" : "+ policy";
      m.classList.toggle("on", on);
    });
  }
  buttons.forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { toggle(b.dataset.actionId); });
  });

  // Search results (static/js/search.js draws them): a mark on each
  // action, which a click toggles without following the result's link;
  // Shift+Enter toggles the highlighted one.
  var results = null;
  function decorate() {
    results.querySelectorAll("li.search-kind-action").forEach(function (li) {
      if (li.querySelector(".search-add")) {
        return;
      }
      var id = li.querySelector(".search-id");
      var head = li.querySelector(".search-head");
      if (!id || !head) {
        return;
      }
      var mark = document.createElement("span");
      mark.className = "search-add";
      mark.dataset.action = id.textContent;
      mark.setAttribute("aria-hidden", "true");
      mark.title = "Add to policy (Shift+Enter)";
      head.appendChild(mark);
    });
    updateButtons(read());
  }
  function watchResults() {
    results = document.getElementById("search-results");
    if (!results) {
      return false;
    }
    new MutationObserver(decorate).observe(results, { childList: true });
    results.addEventListener("click", function (ev) {
      var m = ev.target.closest && ev.target.closest(".search-add");
      if (m) {
        ev.preventDefault();
        ev.stopPropagation();
        toggle(m.dataset.action);
      }
    });
    var input = document.getElementById("search-input");
    if (input) {
      var hint = document.createElement("span");
      hint.id = "search-add-hint";
      hint.className = "visually-hidden";
      hint.textContent = "Shift+Enter adds the highlighted action to your policy.";
      input.parentNode.appendChild(hint);
      input.setAttribute("aria-describedby", hint.id);
    }
    return true;
  }
  // The search's script runs after this one (both deferred, in order) and
  // adds the list; watch for it.
  if (!watchResults()) {
    var form = document.querySelector("form[role=search]");
    if (form) {
      var mo = new MutationObserver(function () {
        if (watchResults()) {
          mo.disconnect();
        }
      });
      mo.observe(form, { childList: true, subtree: true });
    }
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || !ev.shiftKey || !ev.target || ev.target.id !== "search-input" || !results || results.hidden) {
      return;
    }
    var opt = results.querySelector("[aria-selected=true]");
    var mark = opt && opt.querySelector(".search-add");
    if (mark) {
      ev.preventDefault();
      ev.stopPropagation();
      toggle(mark.dataset.action);
    }
  }, true);

  window.addEventListener("storage", function (ev) {
    if (ev.key === KEY) {
      changed();
    }
  });
  updateCount(read());
  updateButtons(read());
})();
