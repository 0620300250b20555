// The operating guide and special-event procedures in the counter console (issue 17). G opens the
// published guide of the current ticket's item (the console sets data-service on #current-ticket); E
// opens the procedures; ticks stay on this screen, and "Log this use" records the use for the manager.
(function () {
  "use strict";
  var bar = document.getElementById("guide-bar");
  if (!bar || !window.ServiceHallConsole) return;
  var holder = document.getElementById("current-ticket");
  var guideBtn = document.getElementById("guide-open");
  var guideDialog = document.getElementById("guide-dialog");
  var procDialog = document.getElementById("procedure-dialog");
  var hall = bar.dataset.hall;
  function el(id) { return document.getElementById(id); }

  var api = window.ServiceHallConsole.api;
  function service() { return holder && !holder.hidden ? (holder.dataset.service || "") : ""; }
  function fill(id, items, tag) {
    var box = el(id); box.textContent = "";
    items.forEach(function (text) { var li = document.createElement(tag || "li"); li.textContent = text; box.appendChild(li); });
  }
  function renderGuide(g) {
    el("guide-empty").hidden = !!g; el("guide-body").hidden = !g;
    el("guide-title").textContent = g ? g.service_name : el("guide-title").dataset.label;
    el("guide-version").textContent = g ? "v" + g.version : "";
    if (!g) return;
    fill("guide-steps", g.steps); fill("guide-mistakes", g.mistakes);
    var dl = el("guide-checks"); dl.textContent = "";
    g.materials.forEach(function (m) {
      var div = document.createElement("div");
      var dt = document.createElement("dt"); dt.textContent = m.material;
      var dd = document.createElement("dd"); dd.textContent = m.check || "—";
      div.appendChild(dt); div.appendChild(dd); dl.appendChild(div);
    });
    el("guide-legal").textContent = g.legal_basis || "—";
    var fields = el("guide-fields"); fields.textContent = "";
    g.collection.fields.forEach(function (f) {
      var s = document.createElement("span"); s.className = "tag tag-ok"; s.dataset.field = f.code; s.textContent = f.label;
      fields.appendChild(s); fields.appendChild(document.createTextNode(" "));
    });
    el("guide-not-fields").textContent = g.collection.not_collected.map(function (f) { return "✕ " + f.label; }).join("  ");
    el("guide-why").textContent = g.collection.why || "";
  }
  function openGuide() {
    var code = service();
    if (!code) return;
    el("guide-title").dataset.label = el("guide-title").dataset.label || el("guide-title").textContent;
    api("GET", "halls/" + hall + "/services/" + encodeURIComponent(code) + "/guide").then(renderGuide, function () { renderGuide(null); })
      .then(function () { if (!guideDialog.open) guideDialog.showModal(); });
  }
  function sync() { guideBtn.disabled = !service(); }

  function showPick() {
    procDialog.querySelectorAll(".procedure-run").forEach(function (f) { f.hidden = true; });
    el("procedure-pick").hidden = false;
  }
  function openProcedures() { showPick(); if (!procDialog.open) procDialog.showModal(); }
  procDialog.querySelectorAll("[data-procedure]").forEach(function (b) {
    b.addEventListener("click", function () {
      var form = el("procedure-" + b.dataset.procedure);
      form.reset(); form.querySelector(".guide-logged").hidden = true;
      form.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; });
      el("procedure-pick").hidden = true; form.hidden = false;
      var first = form.querySelector("input[type=checkbox]"); if (first) first.focus();
    });
  });
  procDialog.querySelectorAll(".procedure-run").forEach(function (form) {
    form.querySelector("[data-back]").addEventListener("click", showPick);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var counter = parseInt(bar.dataset.counter, 10);
      api("POST", "halls/" + hall + "/procedures/" + form.dataset.id + "/uses", {
        happened: form.elements.happened.value, outcome: form.elements.outcome.value,
        counter: isNaN(counter) ? null : counter,
        ticked: form.querySelectorAll("input[name=tick]:checked").length,
      }).then(function () {
        form.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; });
        form.querySelector(".guide-logged").hidden = false;
      }, function (err) {
        var fields = (err.data && err.data.fields) || {};
        form.querySelectorAll(".field-error").forEach(function (p) {
          p.textContent = (fields[p.dataset.for] || (p.dataset.for === "general" && !Object.keys(fields).length ? [err.message] : [])).join(" ");
        });
      });
    });
  });
  [guideDialog, procDialog].forEach(function (d) {
    d.querySelector("[data-close]").addEventListener("click", function () { d.close(); });
  });
  guideBtn.addEventListener("click", openGuide);
  el("procedures-open").addEventListener("click", openProcedures);
  // Captured before the console's own keys: while a dialog is open, letters are for the dialog only.
  window.addEventListener("keydown", function (ev) {
    if (guideDialog.open || procDialog.open) {
      if (ev.key !== "Escape" && ev.key !== "Tab") ev.stopPropagation();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    var key = ev.key.length === 1 ? ev.key.toUpperCase() : ev.key;
    if (key === "G" && !guideBtn.disabled) { ev.preventDefault(); ev.stopPropagation(); openGuide(); }
    if (key === "E") { ev.preventDefault(); ev.stopPropagation(); openProcedures(); }
  }, true);
  if (holder) new MutationObserver(sync).observe(holder, { attributes: true, attributeFilter: ["data-service", "hidden"] });
  sync();
})();
