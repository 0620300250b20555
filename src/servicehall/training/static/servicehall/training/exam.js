// The exam's countdown. The server keeps the real deadline; this only shows the time left and submits
// the answers when it runs out (a late submission would be refused anyway).
(function () {
  "use strict";
  var timer = document.getElementById("timer");
  var value = document.getElementById("timer-value");
  var form = document.getElementById("exam-form");
  if (!timer || !value || !form) return;
  var end = Date.now() + parseInt(timer.getAttribute("data-seconds"), 10) * 1000;
  var sent = false;
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    value.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    timer.classList.toggle("timer-low", left <= 60);
    if (left === 0 && !sent) {
      sent = true;
      form.submit();
      return;
    }
    window.setTimeout(tick, 500);
  }
  form.addEventListener("submit", function () { sent = true; });
  tick();
})();
