// The form the current ticket came with (electronic forms): when the console shows a ticket (its id on
// #current-ticket as data-ticket), read its form; show the answers, the one-click PDF on the official
// layout and the "fill in at the window" page; the clerk can link a form by the code the citizen gives.
(function () {
  "use strict";
  var panel = document.getElementById("eform-panel");
  var holder = document.getElementById("current-ticket");
  if (!panel || !holder || !window.ServiceHallConsole) return;
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

  var api = window.ServiceHallConsole.api;
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
      var url = (data.file_urls || {})[row.key];
      if (url) {  // the document the citizen uploaded: a download for the clerk (the read is audited)
        var a = document.createElement("a");
        a.href = url; a.className = "eform-file"; a.textContent = labels.open;
        dd.appendChild(document.createTextNode(" · ")); dd.appendChild(a);
      }
      answers.appendChild(dt); answers.appendChild(dd);
    });
  }
  function load(id) {
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
  window.ServiceHallConsole.onTicket("data-ticket", load);
})();
