// Booking portal: a countdown of the seat hold, and a confirmation before cancelling.
(function () {
  "use strict";
  var hold = document.getElementById("hold");
  if (hold) {
    var left = parseInt(hold.getAttribute("data-seconds"), 10) || 0;
    var out = document.getElementById("hold-left");
    var tick = function () {
      if (left <= 0) { out.textContent = hold.getAttribute("data-expired-text"); return; }
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }
  document.querySelectorAll("[data-confirm]").forEach(function (btn) {
    btn.addEventListener("click", function (e) {
      if (!window.confirm(btn.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
