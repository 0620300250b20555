// Kiosk: large-print toggle (remembered on this device) and a return to the start after inactivity.
(function () {
  var root = document.documentElement;
  var btn = document.getElementById("large-print");
  function apply(on) {
    root.classList.toggle("large-print", on);
    if (btn) btn.setAttribute("aria-pressed", on ? "true" : "false");
  }
  apply(localStorage.getItem("servicehall.largePrint") === "1");
  if (btn) btn.addEventListener("click", function () {
    var on = !root.classList.contains("large-print");
    localStorage.setItem("servicehall.largePrint", on ? "1" : "0");
    apply(on);
  });
  var home = document.querySelector(".kiosk-home");
  var idle;
  function reset() {
    clearTimeout(idle);
    idle = setTimeout(function () { if (home && location.pathname !== home.getAttribute("href")) location.href = home.href; }, 90000);
  }
  ["click", "touchstart", "keydown"].forEach(function (e) { document.addEventListener(e, reset, { passive: true }); });
  reset();
})();
