// Rating pages: show the reason tags of the chosen level only. On the pad, wait for a service to be
// completed at this window (the hall's event stream) and show it; after a rating, go back to waiting.
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
  if (!pad || !window.HallStream || !pad.dataset.counter) return;
  var form = pad.querySelector("form");
  new window.HallStream(pad.dataset.eventsUrl, parseInt(pad.dataset.lastEvent, 10) || 0, function (e) {
    var p = e.payload || {};
    if (e.kind === "ticket.complete" && String(p.counter) === pad.dataset.counter && !form) { window.location.reload(); }
  });
  // The thank-you screen and an unanswered question go back to waiting by themselves.
  var thanks = pad.querySelector("[data-thanks]");
  if (form || thanks) {
    var idle = setTimeout(function () { window.location.assign(window.location.pathname); }, form ? 180000 : 8000);
    if (form) form.addEventListener("input", function () { clearTimeout(idle); });
  }
})();
