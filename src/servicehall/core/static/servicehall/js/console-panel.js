// What every panel of the counter console shares (the citizen, the form, the case link, the guide): a
// JSON call to /api/v1 with the page's CSRF token that throws the API's {error, message, fields} on a
// refusal, and "tell me when the current ticket changes" (console.js sets data-ticket and data-service
// on #current-ticket and hides it when no ticket is shown). Loaded before the panels.
(function () {
  "use strict";
  var root = document.getElementById("console");
  var token = root && root.querySelector("input[name=csrfmiddlewaretoken]");

  function api(method, path, body) {
    return fetch("/api/v1/" + path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { var err = new Error(data.message || r.statusText); err.data = data; err.status = r.status; throw err; }
        return data;
      });
    });
  }
  // fn(value) now and whenever the ticket shown changes; value is "" when none is shown.
  function onTicket(attribute, fn) {
    var holder = document.getElementById("current-ticket");
    if (!holder) return;
    var key = attribute === "data-service" ? "service" : "ticket";
    function call() { fn(holder.hidden ? "" : (holder.dataset[key] || "")); }
    new MutationObserver(call).observe(holder, { attributes: true, attributeFilter: [attribute, "hidden"] });
    call();
  }
  window.ServiceHallConsole = { api: api, onTicket: onTicket };
})();
