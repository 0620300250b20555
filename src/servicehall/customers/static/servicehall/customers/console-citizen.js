// The citizen at the window (issue 15): when the console shows a ticket (its id is set on
// #current-ticket as data-ticket), read the person it is linked to and the history hint; the clerk can
// identify the citizen by resident ID or mobile. Everything shown is masked by the server.
(function () {
  "use strict";
  var box = document.getElementById("citizen");
  var holder = document.getElementById("current-ticket");
  if (!box || !holder || !window.ServiceHallConsole) return;
  var hint = document.getElementById("citizen-hint");
  var who = document.getElementById("citizen-who");
  var form = document.getElementById("citizen-form");
  var input = document.getElementById("citizen-id");
  var error = form.querySelector(".field-error");
  var shown = null;

  var api = window.ServiceHallConsole.api;
  function render(data) {
    var person = data && data.customer;
    who.hidden = !person;
    who.textContent = person ? [person.name, person.id_number || person.phone, person.age_band, person.region]
      .filter(Boolean).join(" · ") : "";
    hint.hidden = !(data && data.hint);
    hint.textContent = data && data.hint ? data.hint.text : "";
    hint.classList.toggle("citizen-repeat", !!(data && data.hint && data.hint.repeat_within_window));
    form.hidden = !!person;
  }
  function load(id) {
    if (id === shown) return;
    shown = id; render(null); error.textContent = "";
    if (id) api("GET", "tickets/" + id + "/customer").then(render, function () { render(null); });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var value = input.value.trim().replace(/[\s-]/g, "");
    var body = /^(\+?86)?1\d{10}$/.test(value) ? { phone: value } : { id_number: value };
    api("POST", "tickets/" + shown + "/identify", body).then(function (data) {
      input.value = ""; error.textContent = ""; render(data);
    }, function (err) {
      var f = (err.data && err.data.fields) || {};
      error.textContent = (f.id_number || f.phone || [err.message]).join(" ");
    });
  });
  window.ServiceHallConsole.onTicket("data-ticket", load);
})();
