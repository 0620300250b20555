// Rating pages: show the reason tags of the chosen level only. On the pad, show the service just
// completed at this window (the hall's event stream, and a poll) and replace it with a newer one at once;
// after a rating or the pad timeout, go back to waiting.
(function () {
  "use strict";
  function showTags() {
    var chosen = document.querySelector("input[name=level]:checked");
    document.querySelectorAll(".rate-tags").forEach(function (box) {
      box.hidden = !chosen || box.dataset.level !== chosen.value;
      if (box.hidden) box.querySelectorAll("input").forEach(function (i) { i.checked = false; });
    });
  }
  document.querySelectorAll("input[name=level]").forEach(function (i) { i.addEventListener("change", showTags); });
  // The kiosk's thank-you screen goes back to the kiosk's start by itself.
  var kioskThanks = document.querySelector(".kiosk-thanks[data-thanks]");
  if (kioskThanks) { setTimeout(function () { window.location.assign(kioskThanks.dataset.home); }, 8000); }
  var pad = document.getElementById("pad");
  if (!pad || !pad.dataset.counter) return;
  // The pad shows what the server says is current (the window's latest completed service, until the
  // hall's pad timeout) and goes back to it whenever it may differ: at once on a completion at this
  // window, after a dropped stream reconnects, and every 15 s in case an event never arrived.
  var form = pad.querySelector("form");
  var leaving = false;
  function reload() {
    if (leaving) return;
    leaving = true;
    window.location.assign(pad.dataset.home);
  }
  function check() {
    if (!window.fetch || leaving) return;
    fetch(pad.dataset.stateUrl, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s && s.key !== pad.dataset.key) reload(); })
      .catch(function () {});
  }
  if (window.HallStream) {
    var lost = false;
    new window.HallStream(pad.dataset.eventsUrl, parseInt(pad.dataset.lastEvent, 10) || 0, function (e) {
      var p = e.payload || {};
      if (String(p.counter) !== pad.dataset.counter) return;
      if (e.kind === "ticket.complete") reload(); else check();
    }, function (state) {
      if (state !== "live") { lost = true; return; }
      if (lost) check();  // back after a drop: what was missed is on the server
      lost = false;
    });
  }
  setInterval(check, 15000);
  // An unanswered form closes when the hall's pad timeout has passed since the service ended (the
  // server refuses a later rating too); the thank-you screen goes back to waiting after 8 s.
  var left = parseInt(pad.dataset.secondsLeft, 10);
  if (form && !isNaN(left)) setTimeout(reload, (left + 1) * 1000);
  if (pad.querySelector("[data-thanks]")) setTimeout(reload, 8000);
})();
