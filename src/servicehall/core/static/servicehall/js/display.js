// Display board: a clock in the hall's own time zone, whatever the display computer is set to.
(function () {
  var el = document.getElementById("clock");
  if (!el) return;
  var fmt;
  try {
    fmt = new Intl.DateTimeFormat("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: el.dataset.timeZone });
  } catch (e) {
    fmt = new Intl.DateTimeFormat("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false });
  }
  function tick() { el.textContent = fmt.format(new Date()); }
  tick();
  setInterval(tick, 5000);
})();
