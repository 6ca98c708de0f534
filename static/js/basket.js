// iamref policy basket: the actions chosen for /write/, kept in the
// browser's localStorage ("iamref.policy"), on every page: the count in the
// header's "Write a policy" link, the "Add to policy" button of action pages
// (button.add-to-policy[data-action-id]) and of every action in the search
// results (button.search-add[data-action], which static/js/search.js draws
// and presses through iamrefBasket.toggle). /write/ (static/js/write.js)
// reads and changes the same list through window.iamrefBasket. Without
// storage, there are no buttons.
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
    toggle: function (id) { toggle(id); },
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
    document.querySelectorAll("button.search-add[data-action]").forEach(function (b) {
      var on = s.actions.indexOf(b.dataset.action) >= 0;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      var text = b.querySelector(".search-add-text");
      if (text) {
        text.textContent = on ? "In your policy" : "Add to policy";
      }
    });
  }
  buttons.forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { toggle(b.dataset.actionId); });
  });

  window.addEventListener("storage", function (ev) {
    if (ev.key === KEY) {
      changed();
    }
  });
  updateCount(read());
  updateButtons(read());
})();
