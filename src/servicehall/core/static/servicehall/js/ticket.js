// Kiosk ticket slip: print it, and go back to the start after 30 s so the next citizen finds it ready.
(function () {
  var slip = document.getElementById("ticket-slip");
  if (!slip) return;
  var btn = document.getElementById("print-ticket");
  if (btn) btn.addEventListener("click", function () { window.print(); });
  setTimeout(function () { location.href = slip.dataset.home; }, 30000);
})();
