// Kiosk: the large-print toggle, kept for this visit (the tab's session storage), and the return to the
// start after inactivity, which also ends the visit: large print off, typed text gone, keyboard closed, so
// the next citizen starts from the same screen.
(function () {
  "use strict";
  var KEY = "servicehall.largePrint";
  var IDLE_MS = 90000;
  var root = document.documentElement;
  var btn = document.getElementById("large-print");
  function apply(on) {
    root.classList.toggle("large-print", on);
    if (btn) btn.setAttribute("aria-pressed", on ? "true" : "false");
  }
  localStorage.removeItem(KEY); // older pages kept it on the device for good
  apply(sessionStorage.getItem(KEY) === "1");
  if (btn) btn.addEventListener("click", function () {
    var on = !root.classList.contains("large-print");
    sessionStorage.setItem(KEY, on ? "1" : "0");
    apply(on);
    // Sizes changed: the open keyboard's room at the bottom of the page too.
    window.dispatchEvent(new Event("resize"));
  });
  var home = document.querySelector(".kiosk-home");
  var idle;
  function endVisit() {
    sessionStorage.removeItem(KEY);
    var start = home && home.getAttribute("href");
    if (start && (location.pathname !== start || location.search)) { location.href = home.href; return; }
    apply(false);
    if (window.ServiceHallKeyboard) window.ServiceHallKeyboard.close();
    document.querySelectorAll("[data-keyboard]").forEach(function (f) { f.value = ""; f.blur(); });
  }
  function reset() {
    clearTimeout(idle);
    idle = setTimeout(endVisit, IDLE_MS);
  }
  ["click", "touchstart", "keydown", "input"].forEach(function (e) {
    document.addEventListener(e, reset, { passive: true, capture: true });
  });
  reset();
})();
