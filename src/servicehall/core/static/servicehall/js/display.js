// Display board: a clock in the hall's local time as the browser knows it.
(function () {
  var el = document.getElementById("clock");
  function tick() {
    var d = new Date();
    if (el) el.textContent = String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }
  tick();
  setInterval(tick, 5000);
})();
