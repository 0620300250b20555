// The form the current ticket came with (electronic forms): when the console shows a ticket (its id on
// #current-ticket as data-ticket), read its form; show the answers, the one-click PDF on the official
// layout and the "fill in at the window" page; the clerk can link a form by the code the citizen gives.
(function () {
  "use strict";
  var panel = document.getElementById("eform-panel");
  var holder = document.getElementById("current-ticket");
  var root = document.getElementById("console");
  if (!panel || !holder || !root) return;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var labels = {};
  document.getElementById("eform-labels").content.querySelectorAll("[data-k]").forEach(function (el) {
    labels[el.dataset.k] = el.textContent;
  });
  var status = document.getElementById("eform-status");
  var answers = document.getElementById("eform-answers");
  var pdf = document.getElementById("eform-pdf");
  var fill = document.getElementById("eform-fill");
  var form = document.getElementById("eform-link");
  var error = form.querySelector(".field-error");
  var shown = null;

  function api(method, path, body) {
    return fetch("/api/v1/" + path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { var err = new Error(data.message || r.statusText); err.data = data; throw err; }
        return data;
      });
    });
  }
  function render(data) {
    answers.textContent = "";
    panel.hidden = !data;
    if (!data) return;
    var filled = data.filled;
    status.textContent = filled ? filled.code + " · " + labels[filled.status] : (data.has_form ? labels.none : labels.noform);
    pdf.hidden = !filled;
    pdf.href = data.pdf_url || "#";
    fill.hidden = !data.has_form && !filled;
    fill.href = data.fill_url;
    (filled ? filled.labelled : []).forEach(function (row) {
      var dt = document.createElement("dt"); dt.textContent = row.label;
      var dd = document.createElement("dd"); dd.textContent = row.value;
      answers.appendChild(dt); answers.appendChild(dd);
    });
  }
  function load() {
    var id = holder.hidden ? "" : (holder.dataset.ticket || "");
    if (id === shown) return;
    shown = id; render(null); error.textContent = "";
    if (id) api("GET", "tickets/" + id + "/form").then(render, function () { render(null); });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var code = document.getElementById("eform-code");
    api("POST", "tickets/" + shown + "/form", { code: code.value.trim().toUpperCase() }).then(function (data) {
      code.value = ""; error.textContent = ""; render(data);
    }, function (err) {
      var f = (err.data && err.data.fields) || {};
      error.textContent = (f.code || [err.message]).join(" ");
    });
  });
  new MutationObserver(load).observe(holder, { attributes: true, attributeFilter: ["data-ticket", "hidden"] });
  load();
})();
