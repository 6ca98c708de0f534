// iamref /write/: the least-privilege policy of the chosen actions, by the
// site's policy writer (builder/leastprivilege in the engine's worker,
// static/js/policy-engine.js). The chosen actions are the basket's
// (static/js/basket.js: "Add to policy" on action pages and search
// results, kept in localStorage), added to here by name or pattern and by
// service and access level; each resource type's ARN is a form of its
// ${Variable}s; dependent actions are offered with a checkbox. The engine
// checks the policy allows exactly the chosen actions, or says what else.
(function () {
  "use strict";

  var P = window.iamrefPolicy;
  var B = window.iamrefBasket;
  var tool = document.getElementById("writer");
  if (!P || !P.init(tool)) {
    return;
  }
  var el = P.el;
  function $(id) { return document.getElementById(id); }
  if (!B) {
    P.say("This page keeps the chosen actions in the browser's storage, which is not available here.");
    return;
  }
  var writes = 0, timer = null, inFlight = false, dirty = false;
  var levelOf = {}; // action → access level, as the engine last said
  var resourcesKey = "", dependentKey = "";

  // slug is the site's path segment of a condition key (builder/site Slug).
  function slug(name) {
    var s = name.replace(/\$\{([^}]*)\}|<([^>]*)>/g, function (m, a, b) { return a !== undefined ? a : b; })
      .replace(/ /g, "-").replace(/[^A-Za-z0-9._-]/g, "_");
    return s === "" || s === "." || s === ".." ? "_" + s : s;
  }

  function used() {
    P.start().then(function () { schedule(0); }, function () {});
  }
  tool.addEventListener("focusin", used);
  tool.addEventListener("pointerdown", used);

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(write, ms);
  }

  function spec() {
    var s = B.state();
    var resources = [];
    var values = s.values || {};
    Object.keys(values).sort().forEach(function (type) {
      var v = values[type];
      var set = {};
      var any = false;
      Object.keys(v).forEach(function (k) {
        if (v[k] && v[k] !== "*") {
          set[k] = v[k];
          any = true;
        }
      });
      if (any) {
        resources.push({ type: type, values: set });
      }
    });
    return {
      actions: s.actions,
      resources: resources,
      dependent: (s.dependent || []).filter(function (d) { return typeof d === "string"; }),
      name: $("tf-name").value.trim() || "policy"
    };
  }

  function renderChosen() {
    var acts = B.actions();
    $("chosen-count").textContent = acts.length ? "(" + acts.length + ")" : "";
    var body = $("chosen-body");
    // Redrawn as levels arrive: a focused button keeps the focus.
    var focused = body.contains(document.activeElement) ? document.activeElement.getAttribute("aria-label") || document.activeElement.textContent : null;
    P.clear(body);
    if (!acts.length) {
      body.appendChild(el("p", "", "None yet: find actions above, or use the Add to policy button of any action's page or search result."));
      return;
    }
    var ul = el("ul", "wb-chosen");
    ul.id = "chosen-list";
    acts.forEach(function (id) {
      var li = el("li");
      li.dataset.action = id;
      li.appendChild(P.actionLink(id));
      if (levelOf[id] !== undefined) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(P.levelBadge(levelOf[id]));
      }
      li.appendChild(document.createTextNode(" "));
      var rm = el("button", "wb-remove", "Remove");
      rm.type = "button";
      rm.setAttribute("aria-label", "Remove " + id);
      rm.addEventListener("click", function () {
        var i = acts.indexOf(id);
        B.remove(id);
        renderChosen();
        // The focus goes to the next action's button, or the heading.
        var next = document.querySelectorAll("#chosen-list button.wb-remove")[Math.min(i, acts.length - 2)];
        (next || $("chosen")).focus();
      });
      li.appendChild(rm);
      ul.appendChild(li);
    });
    body.appendChild(ul);
    var all = el("button", "wb-remove", "Remove all");
    all.type = "button";
    all.addEventListener("click", function () { B.clear(); });
    body.appendChild(all);
    if (focused) {
      var again = Array.prototype.find.call(body.querySelectorAll("button"), function (b) {
        return (b.getAttribute("aria-label") || b.textContent) === focused;
      });
      if (again) {
        again.focus();
      }
    }
  }

  function write() {
    renderChosen();
    var s = spec();
    if (!s.actions.length) {
      $("written").hidden = true;
      return;
    }
    if (inFlight) {
      dirty = true;
      return;
    }
    inFlight = true;
    P.call("write", [JSON.stringify(s)]).then(function (r) {
      if (r.error) {
        throw new Error(r.error);
      }
      render(r);
      writes++;
      tool.dataset.writes = String(writes);
    }).catch(function (err) {
      P.say("The policy could not be written: " + err.message);
    }).then(function () {
      inFlight = false;
      if (dirty) {
        dirty = false;
        write();
      }
    });
  }

  function render(r) {
    $("written").hidden = false;
    levelOf = {};
    (r.actions || []).forEach(function (a) { levelOf[a.action] = a.access_level; });
    renderChosen();
    renderResources(r.resources || []);
    renderDependent(r.dependent || []);
    renderVerification(r);
    $("policy-json-code").textContent = r.policy;
    $("policy-terraform-code").textContent = r.terraform;
  }

  function renderResources(rs) {
    var key = rs.map(function (x) { return x.type; }).join(" ");
    var body = $("resources-body");
    if (key === resourcesKey) {
      rs.forEach(function (x, i) {
        var out = $("res-" + i + "-arns");
        if (out) {
          out.textContent = (x.arns || []).join(", ") || "*";
        }
      });
      return;
    }
    resourcesKey = key;
    P.clear(body);
    $("resources-section").hidden = !rs.length;
    var values = B.state().values || {};
    rs.forEach(function (x, i) {
      var fs = el("fieldset", "wb-resource");
      var lg = el("legend");
      lg.appendChild(el("code", "", x.type));
      fs.appendChild(lg);
      var fmt = el("p", "arn-format");
      fmt.appendChild(document.createTextNode("ARN format: "));
      fmt.appendChild(el("code", "arn", x.arn_format));
      fs.appendChild(fmt);
      if (x.malformed) {
        fs.appendChild(el("p", "note", "The catalog's format is not an ARN, so its actions are on \"*\"."));
      }
      (x.variables || []).forEach(function (v) {
        var f = el("div", "wb-field wb-var");
        var id = "res-" + i + "-" + v.name;
        var lab = el("label");
        lab.htmlFor = id;
        lab.appendChild(el("var", "", "${" + v.name + "}"));
        f.appendChild(lab);
        var inp = el("input");
        inp.id = id;
        inp.type = "text";
        inp.autocomplete = "off";
        inp.spellcheck = false;
        inp.dataset.type = x.type;
        inp.dataset.variable = v.name;
        inp.value = (values[x.type] && values[x.type][v.name]) || v.value || "*";
        inp.addEventListener("input", function () {
          var s = B.state();
          s.values = s.values || {};
          s.values[x.type] = s.values[x.type] || {};
          s.values[x.type][v.name] = inp.value.trim();
          B.save(s);
        });
        f.appendChild(inp);
        fs.appendChild(f);
      });
      var arn = el("p", "wb-arns");
      arn.appendChild(document.createTextNode("Resource: "));
      var out = el("code", "arn", (x.arns || []).join(", ") || "*");
      out.id = "res-" + i + "-arns";
      arn.appendChild(out);
      fs.appendChild(arn);
      var acts = el("p", "note", "For " + (x.actions || []).join(", ") + ".");
      fs.appendChild(acts);
      if (x.condition_keys && x.condition_keys.length) {
        var keys = el("p", "note wb-keys", "Condition keys it supports: ");
        x.condition_keys.forEach(function (k, j) {
          if (j) {
            keys.appendChild(document.createTextNode(", "));
          }
          var a = el("a", "key", k.name);
          a.href = P.url("/conditions/" + slug(k.name) + "/");
          keys.appendChild(a);
          if (k.type) {
            keys.appendChild(document.createTextNode(" (" + k.type + ")"));
          }
        });
        fs.appendChild(keys);
      }
      body.appendChild(fs);
    });
  }

  function renderDependent(ds) {
    // Redrawn only when the offer changes, so a ticked box keeps the focus.
    var key = ds.map(function (d) { return d.action; }).join(" ");
    if (key === dependentKey) {
      ds.forEach(function (d, i) {
        var box = $("dep-" + i);
        if (box) {
          box.checked = d.included;
        }
      });
      return;
    }
    dependentKey = key;
    var body = $("dependent-body");
    P.clear(body);
    $("dependent-section").hidden = !ds.length;
    ds.forEach(function (d, i) {
      var f = el("div", "wb-check");
      var inp = el("input");
      inp.type = "checkbox";
      inp.id = "dep-" + i;
      inp.checked = d.included;
      inp.dataset.action = d.action;
      inp.addEventListener("change", function () {
        var s = B.state();
        var list = (s.dependent || []).filter(function (x) { return x !== d.action; });
        if (inp.checked) {
          list.push(d.action);
        }
        s.dependent = list;
        B.save(s);
      });
      f.appendChild(inp);
      var lab = el("label");
      lab.htmlFor = inp.id;
      lab.appendChild(el("code", "", d.action));
      lab.appendChild(document.createTextNode(" needed by " + d.of.join(", ") + (d.known ? "" : " (not in the catalog)")));
      f.appendChild(lab);
      body.appendChild(f);
    });
  }

  function renderVerification(r) {
    var v = r.verification || {};
    var body = $("verification");
    P.clear(body);
    var n = (r.actions || []).length;
    if (v.exact) {
      var ok = el("p", "wb-ok", "Checked by the policy engine: the policy allows exactly the " + P.plural(n, "chosen action", "chosen actions") + ".");
      ok.id = "verdict";
      ok.dataset.exact = "true";
      body.appendChild(ok);
    } else {
      var bad = el("p", "bad", "Checked by the policy engine: the policy does not allow exactly the " + P.plural(n, "chosen action", "chosen actions") + ".");
      bad.id = "verdict";
      bad.dataset.exact = "false";
      body.appendChild(bad);
      if (v.extra && v.extra.length) {
        body.appendChild(el("p", "", "It also allows:"));
        var ul = el("ul", "wb-extra");
        v.extra.forEach(function (x) {
          var li = el("li");
          li.dataset.action = x.action;
          li.appendChild(P.actionLink(x.action));
          li.appendChild(document.createTextNode(" "));
          li.appendChild(P.levelBadge(x.access_level));
          li.appendChild(document.createTextNode(" " + x.reason));
          ul.appendChild(li);
        });
        body.appendChild(ul);
      }
      if (v.missing && v.missing.length) {
        body.appendChild(el("p", "", "It does not allow: " + v.missing.map(function (m) { return m.action || m; }).join(", ") + "."));
      }
      if (v.findings && v.findings.length) {
        var fl = el("ul", "findings");
        v.findings.forEach(function (f) {
          var li = el("li", "sev-" + f.severity);
          li.appendChild(el("span", "sev", f.severity));
          li.appendChild(document.createTextNode(" "));
          var c = el("a", "code", f.code);
          c.href = P.url("/checks/#" + f.code);
          li.appendChild(c);
          li.appendChild(document.createTextNode(" line " + f.line + (f.col ? ", column " + f.col : "") + ": " + f.message));
          fl.appendChild(li);
        });
        body.appendChild(fl);
      }
    }
    var pb = $("problems-body");
    P.clear(pb);
    if (r.problems && r.problems.length) {
      pb.appendChild(el("p", "", "Not followed:"));
      var ul2 = el("ul", "wb-problems");
      r.problems.forEach(function (p) { ul2.appendChild(el("li", "", p)); });
      pb.appendChild(ul2);
    }
  }

  // Find by name or pattern.
  var find = $("find-actions"), findTimer = null, findSeq = 0;
  $("find-form").addEventListener("submit", function (ev) { ev.preventDefault(); runFind(); });
  find.addEventListener("input", function () {
    clearTimeout(findTimer);
    findTimer = setTimeout(runFind, 60);
  });
  function pattern(q) {
    q = q.trim();
    if (!q) {
      return "";
    }
    return /[:*?]/.test(q) ? q : "*:*" + q + "*";
  }
  function runFind() {
    var q = pattern(find.value);
    var body = $("find-body");
    if (!q) {
      P.clear(body);
      return;
    }
    var my = ++findSeq;
    P.call("expand", [q]).then(function (r) {
      if (my !== findSeq) {
        return;
      }
      P.clear(body);
      if (r.error) {
        body.appendChild(el("p", "bad", r.error));
        return;
      }
      var acts = r.actions || [];
      if (!acts.length) {
        var p = el("p", "", "No action matches " + q + ".");
        if (r.suggestions && r.suggestions.length) {
          p.appendChild(document.createTextNode(" Nearest: " + r.suggestions.join(", ") + "."));
        }
        body.appendChild(p);
        return;
      }
      var LIMIT = 50;
      var head = el("p", "", P.plural(acts.length, "action matches", "actions match") + " " + q + (acts.length > LIMIT ? "; the first " + LIMIT + ":" : ":"));
      head.id = "find-summary";
      if (acts.length > 1) {
        head.appendChild(document.createTextNode(" "));
        var addAll = el("button", "wb-add", "Add all " + acts.length);
        addAll.type = "button";
        addAll.addEventListener("click", function () {
          B.add(acts.map(function (a) { return a.action; }));
          P.say("Added " + P.plural(acts.length, "action", "actions") + ".");
        });
        head.appendChild(addAll);
      }
      body.appendChild(head);
      var ul = el("ul", "wb-found");
      acts.slice(0, LIMIT).forEach(function (a) {
        var li = el("li");
        li.dataset.action = a.action;
        li.appendChild(P.actionLink(a.action));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(P.levelBadge(a.access_level));
        li.appendChild(document.createTextNode(" "));
        var b = el("button", "wb-add");
        b.type = "button";
        b.dataset.action = a.action;
        b.addEventListener("click", function () {
          if (B.has(a.action)) {
            B.remove(a.action);
          } else {
            B.add(a.action);
          }
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      body.appendChild(ul);
      markFound();
    });
  }
  function markFound() {
    var have = B.actions();
    document.querySelectorAll("#find-body button.wb-add[data-action]").forEach(function (b) {
      var on = have.indexOf(b.dataset.action) >= 0;
      b.textContent = on ? "Remove" : "Add";
      b.setAttribute("aria-label", (on ? "Remove " : "Add ") + b.dataset.action);
    });
  }

  // By service and access level.
  var svc = $("level-service"), prefixesFilled = false;
  svc.addEventListener("focus", function () {
    if (prefixesFilled) {
      return;
    }
    prefixesFilled = true;
    P.names().then(function (n) {
      var dl = $("service-prefixes");
      n.services.forEach(function (s) {
        var o = el("option");
        o.value = s[0];
        o.label = s[1];
        dl.appendChild(o);
      });
    }, function () { prefixesFilled = false; });
  });
  $("level-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var prefix = svc.value.trim().toLowerCase();
    var want = Array.prototype.map.call(document.querySelectorAll("#level-form input[name=level]:checked"), function (c) { return c.value; });
    var body = $("level-body");
    P.clear(body);
    if (!prefix || /[^a-z0-9-]/.test(prefix)) {
      body.appendChild(el("p", "bad", "Give a service prefix, such as s3."));
      return;
    }
    P.call("expand", [prefix + ":*"]).then(function (r) {
      var acts = (r.actions || []).filter(function (a) { return !want.length || want.indexOf(a.access_level) >= 0; });
      if (!(r.actions || []).length) {
        body.appendChild(el("p", "bad", "No service has the prefix " + prefix + "."));
        return;
      }
      B.add(acts.map(function (a) { return a.action; }));
      body.appendChild(el("p", "", "Added " + P.plural(acts.length, "action", "actions") + ": every " + (want.length ? want.join(" and ") + " " : "") + "action of " + prefix + "."));
    });
  });

  $("tf-name").addEventListener("input", function () { schedule(100); });
  document.querySelectorAll(".wb-copy[data-copy-from]").forEach(function (b) {
    b.addEventListener("click", function () { P.copy($(b.dataset.copyFrom).textContent, b); });
  });

  B.onChange(function () {
    markFound();
    schedule(0);
  });
  renderChosen();
  if (B.actions().length) {
    used(); // the reader came to write the actions chosen elsewhere
  }
})();
