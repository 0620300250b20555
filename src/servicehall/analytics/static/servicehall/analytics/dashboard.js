// The live dashboard: the server draws it; after any event of the hall's stream (a ticket issued, a
// call, a pause, an alert) this asks for the body again, at most every 700 ms. Between events the
// minutes on the page count on by themselves from the server's clock (no polling).
(function () {
  "use strict";
  var root = document.getElementById("dash");
  if (!root || !window.HallStream) return;
  var dot = document.getElementById("dash-dot");
  var label = document.getElementById("dash-state");
  var skew = 0;
  function readSkew() {
    var body = root.querySelector(".dash-body");
    if (body && body.dataset.now) skew = Date.now() / 1000 - Number(body.dataset.now);
  }
  function tick() {
    var now = Date.now() / 1000 - skew;
    root.querySelectorAll(".tick[data-since]").forEach(function (el) {
      var since = Number(el.dataset.since);
      if (since) el.textContent = String(Math.max(0, Math.floor((now - since) / 60)));
    });
  }
  var pending = null, inFlight = false, again = false;
  function refresh() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    fetch(root.dataset.bodyUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) { root.innerHTML = html; readSkew(); tick(); root.dataset.refreshed = String(Date.now()); })
      .catch(function () { /* the next event or reconnect draws it again */ })
      .then(function () { inFlight = false; if (again) { again = false; schedule(); } });
  }
  function schedule() {
    if (pending) return;
    pending = setTimeout(function () { pending = null; refresh(); }, 700);
  }
  var wasDown = false;
  readSkew();
  setInterval(tick, 15000);
  new window.HallStream(root.dataset.eventsUrl, Number(root.dataset.lastEventId) || 0, schedule, function (s) {
    dot.dataset.state = s;
    label.textContent = s === "live" ? label.dataset.live : label.dataset.down;
    if (s === "live" && wasDown) refresh();
    wasDown = s !== "live";
  });
})();
