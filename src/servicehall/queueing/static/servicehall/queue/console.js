// Counter console: every action is one API call; the state is re-read after each action and whenever
// the hall's event stream reports a change. Keyboard: N R S C X P T Del Z (ignored while typing).
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var alertBox = document.getElementById("console-alert");
  var L = {};
  document.getElementById("console-labels").content.querySelectorAll("span").forEach(function (s) { L[s.dataset.k] = s.textContent; });
  var counterId = root.dataset.counter;
  var CLASSES = {};
  var classesScript = document.getElementById("console-classes");
  if (classesScript) JSON.parse(classesScript.textContent).forEach(function (c) { CLASSES[c.code] = c; });
  var current = null;
  var lastNoShow = null;

  function api(method, path, body) {
    return fetch("/api/v1/" + path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      if (r.status === 204) return null;
      return r.json().then(function (data) {
        if (!r.ok) { var err = new Error(data.message || r.statusText); err.data = data; throw err; }
        return data;
      });
    });
  }
  function show(msg) { alertBox.textContent = msg; alertBox.hidden = !msg; }
  function fail(err) {
    show(err.message);
    var fields = (err.data && err.data.fields) || {};
    root.querySelectorAll(".field-error").forEach(function (p) { p.textContent = (fields[p.dataset.for] || []).join(" "); });
  }

  // Counter picker (not signed in yet).
  root.querySelectorAll("[data-open]").forEach(function (b) {
    b.addEventListener("click", function () {
      api("POST", "counters/" + b.dataset.open + "/open").then(function () { location.reload(); }, fail);
    });
  });
  if (!counterId) return;

  function el(id) { return document.getElementById(id); }
  function render(s) {
    el("state-chip").textContent = L[s.state] || s.state;
    el("state-chip").dataset.state = s.state;
    el("pause-form").hidden = s.state !== "open";
    el("unpause").hidden = s.state !== "paused";
    current = s.current;
    el("current-empty").hidden = !!current;
    el("current-ticket").hidden = !current;
    el("current-ticket").dataset.ticket = current ? current.id : "";  // read by customers' console-citizen.js
    el("current-ticket").dataset.service = current ? current.service : "";  // read by guides' console-guide.js
    if (current) {
      el("cur-number").textContent = current.number;
      el("cur-service").textContent = current.service_name_local || current.service_name;
      el("cur-status").textContent = L[current.status] || current.status;
      // The class by its name in the hall's words, and whether the window checks a proof for it.
      var klass = CLASSES[current.priority] || {};
      el("cur-priority").textContent = current.priority === "normal" ? L.normal
        : L.priority + " · " + (klass.name || current.priority)
          + (klass.needs_proof && current.channel === "kiosk" ? " · " + L.proof : "");
      el("cur-phone").textContent = current.phone || "—";
      var waited = current.called_at ? Math.round((Date.parse(current.called_at) - Date.parse(current.issued_at)) / 60000) : 0;
      el("cur-waited").textContent = waited + " " + L.minutes;
      el("cur-note").hidden = !current.note; el("cur-note").textContent = current.note || "";
    }
    var st = current ? current.status : null;
    var enable = {
      "call-next": s.state === "open" && !current, recall: st === "called", start: st === "called",
      complete: st === "serving", "no-show": st === "called", park: st === "serving",
      "transfer-open": st === "called" || st === "serving", cancel: !!current,
    };
    root.querySelectorAll("[data-action]").forEach(function (b) { b.disabled = !enable[b.dataset.action]; });
    var w = el("waiting"); w.textContent = "";
    if (!s.waiting.length) { w.innerHTML = ""; }
    s.waiting.forEach(function (row) {
      var tr = document.createElement("tr");
      var a = document.createElement("td"); a.className = "num"; a.textContent = row.prefix;
      var b = document.createElement("td"); b.textContent = row.name_local || row.name;
      var c = document.createElement("td"); c.className = "num w-count"; c.textContent = row.waiting;
      tr.appendChild(a); tr.appendChild(b); tr.appendChild(c); w.appendChild(tr);
    });
    function list(id, rows, label, run, enabled) {
      var ul = el(id); ul.textContent = "";
      rows.forEach(function (t) {
        var li = document.createElement("li");
        li.textContent = t.number + " · " + (t.service_name_local || t.service_name) + " ";
        if (enabled) {
          var b = document.createElement("button"); b.type = "button"; b.className = "btn"; b.textContent = label;
          b.addEventListener("click", function () { run(t); });
          li.appendChild(b);
        }
        ul.appendChild(li);
      });
    }
    list("parked", s.parked, L.resume, function (t) { act("tickets/" + t.id + "/resume"); }, true);
    list("queue", s.queue, L["call-this"], function (t) {
      act("tickets/" + t.id + "/call", { counter: parseInt(counterId, 10) });
    }, s.call_specific && s.state === "open" && !current);
    list("no-shows", s.no_shows, L.reactivate, function (t) { act("tickets/" + t.id + "/reactivate"); }, true);
    lastNoShow = s.no_shows.length ? s.no_shows[0] : null;
    if (s.today) { el("t-completed").textContent = s.today.completed; el("t-noshow").textContent = s.today.no_show; }
  }
  function refresh() { return api("GET", "counters/" + counterId + "/state").then(render, fail); }
  function act(path, body) { show(""); return api("POST", path, body).then(refresh, function (e) { fail(e); refresh(); }); }

  var handlers = {
    "call-next": function () { act("counters/" + counterId + "/call-next"); },
    recall: function () { act("tickets/" + current.id + "/recall"); },
    start: function () { act("tickets/" + current.id + "/start"); },
    complete: function () { act("tickets/" + current.id + "/complete", { outcome: el("outcome").value }); },
    "no-show": function () { act("tickets/" + current.id + "/no-show"); },
    park: function () { act("tickets/" + current.id + "/park", { note: "" }); },
    "transfer-open": function () {
      el("transfer-form").hidden = false; el("t-service").focus();
      api("GET", "halls/" + root.dataset.hall + "/queue").then(markTargets).then(function () {
        return api("GET", "halls/" + root.dataset.hall + "/transfer-targets");
      }).then(function (t) { targets = t; markQualified(); });
    },
    cancel: function () { if (confirm(L["confirm-cancel"])) act("tickets/" + current.id + "/cancel", { reason: "" }); },
  };
  root.querySelectorAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () { if (!b.disabled) handlers[b.dataset.action](); });
  });
  // A transfer must not strand the citizen: windows that are not open now cannot be chosen, services
  // nobody serves now are marked, and the server asks for a confirmation before sending a ticket there.
  function markTargets(q) {
    var states = {}; (q.counters || []).forEach(function (c) { states[String(c.id)] = c.state; });
    el("t-counter").querySelectorAll("option[value]").forEach(function (o) {
      if (!o.value) return;
      o.dataset.label = o.dataset.label || o.textContent;
      var state = states[o.value] || "closed";
      o.disabled = state !== "open";
      o.textContent = o.dataset.label + (state === "open" ? "" : " (" + (L[state] || L.closed) + ")");
    });
    var open = {}; (q.services || []).forEach(function (s) { open[s.code] = s.window_open; });
    el("t-service").querySelectorAll("option[value]").forEach(function (o) {
      if (!o.value) return;
      o.dataset.label = o.dataset.label || o.textContent;
      o.textContent = o.dataset.label + (open[o.value] === false ? " (" + L["no-window"] + ")" : "");
    });
  }
  // Skills (staff app): a window whose signed-in clerk may not serve the chosen service is not offered.
  var targets = null;
  function markQualified() {
    if (!targets || !targets.enforced || !current) return;
    var svc = el("t-service").value || current.service;
    el("t-counter").querySelectorAll("option[value]").forEach(function (o) {
      if (!o.value || !o.dataset.label) return;
      var list = targets.windows[o.value];
      var refused = list && list.indexOf(svc) < 0;
      if (refused) { o.disabled = true; o.textContent = o.dataset.label + " (" + L["not-qualified"] + ")"; }
      else if (o.dataset.skill) { o.disabled = false; o.textContent = o.dataset.label; }
      o.dataset.skill = refused ? "1" : "";
    });
  }
  el("t-service").addEventListener("change", markQualified);
  el("transfer-cancel").addEventListener("click", function () { el("transfer-form").hidden = true; });
  function transfer(allowNoWindow) {
    var counter = el("t-counter").value;
    show("");
    return api("POST", "tickets/" + current.id + "/transfer", {
      service: el("t-service").value || null, counter: counter ? parseInt(counter, 10) : null,
      note: el("t-note").value, keep_arrival: el("t-keep").checked, allow_no_window: allowNoWindow,
    }).then(function () {
      el("transfer-form").hidden = true; el("transfer-form").reset(); refresh();
    }, function (e) {
      if (!allowNoWindow && e.data && e.data.error === "no_open_window" && confirm(e.message)) return transfer(true);
      fail(e); refresh();
    });
  }
  el("transfer-form").addEventListener("submit", function (ev) { ev.preventDefault(); transfer(false); });
  el("pause-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    act("counters/" + counterId + "/pause", { reason: el("pause-reason").value || "" });
  });
  el("unpause").addEventListener("click", function () { act("counters/" + counterId + "/unpause"); });
  el("close-counter").addEventListener("click", function () {
    api("POST", "counters/" + counterId + "/close").then(function () { location.reload(); }, fail);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    var key = ev.key.length === 1 ? ev.key.toUpperCase() : ev.key;
    if (key === "V") { if (lastNoShow) { ev.preventDefault(); act("tickets/" + lastNoShow.id + "/reactivate"); } return; }
    if (key === "Z") { ev.preventDefault(); if (!el("unpause").hidden) el("unpause").click(); else el("pause-reason").focus(); return; }
    var b = root.querySelector('[data-action][data-key="' + key + '"]');
    if (b && !b.disabled) { ev.preventDefault(); b.click(); }
  });
  var timer = null;
  new window.HallStream(root.dataset.eventsUrl, 0, function () {
    clearTimeout(timer); timer = setTimeout(refresh, 300);
  });
  refresh();
})();
