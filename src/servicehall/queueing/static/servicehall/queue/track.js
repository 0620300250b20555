// Phone tracking page (virtual queue): re-reads the ticket whenever the hall's stream reports a change
// (at most every 2 s), and alerts with sound, vibration and a notification when the turn is near (3 or
// fewer ahead) and when called.
(function () {
  "use strict";
  var root = document.getElementById("track");
  if (!root) return;
  var id = root.dataset.ticket;
  var L = {};
  document.getElementById("track-labels").content.querySelectorAll("span").forEach(function (s) { L[s.dataset.k] = s.textContent; });
  var card = document.getElementById("track-card");
  var alerted = { near: false, called: false };
  var NEAR = 3;
  var FINAL = ["completed", "no_show", "cancelled"];

  function beep() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35, 0.7].forEach(function (t0) {
        var o = ctx.createOscillator(), g = ctx.createGain(), t = ctx.currentTime + t0;
        o.frequency.value = 988; g.gain.setValueAtTime(0.3, t); g.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
        o.connect(g); g.connect(ctx.destination); o.start(t); o.stop(t + 0.3);
      });
    } catch (e) { /* no audio */ }
  }
  function alertUser(text) {
    beep();
    // Phones allow vibration only after the citizen has touched the page (the "alert me" button).
    var touched = !navigator.userActivation || navigator.userActivation.hasBeenActive;
    if (navigator.vibrate && touched) navigator.vibrate([400, 200, 400, 200, 400]);
    if (window.Notification && Notification.permission === "granted") {
      try { new Notification(text); } catch (e) { /* some phones only allow service-worker notifications */ }
    }
  }
  function render(t) {
    card.dataset.status = t.status;
    var status = document.getElementById("track-status");
    var facts = document.getElementById("track-facts");
    var win = document.getElementById("track-window");
    facts.hidden = t.status !== "waiting";
    if (t.status === "waiting") {
      document.getElementById("t-ahead").textContent = t.people_ahead;
      var noWindow = t.window_open === false;
      // No open window: no number to promise (the status line says why).
      document.getElementById("t-wait").textContent = noWindow
        ? "—" : L.min.replace("{n}", Math.max(1, Math.round(t.estimated_wait_seconds / 60)));
      // With no window open, "your turn is near" would be a promise nobody keeps.
      var near = !noWindow && t.people_ahead < NEAR;
      status.textContent = noWindow ? L.nowindow : near ? L.near : L.waiting;
      if (t.transferred) {
        // Tell the citizen where the ticket went, not only that it is waiting again.
        status.textContent = L.transferred.replace("{service}", t.service_name_local || t.service_name).replace("{n}", t.position)
          + (noWindow ? " " + L.nowindow : "");
      }
      card.classList.toggle("is-no-window", noWindow);
      card.classList.toggle("is-near", near);
      if (near && !alerted.near) { alerted.near = true; alertUser(L.near); }
    } else if (t.status === "called") {
      status.textContent = root.dataset.calledText.replace("{counter}", t.counter);
      if (!alerted.called) { alerted.called = true; alertUser(status.textContent); }
    } else {
      status.textContent = L[t.status] || t.status;
    }
    win.hidden = !t.counter || (t.status !== "called" && t.status !== "serving");
    // "Show me the way": the route from the entrance to the window, when the hall has a published map.
    var way = document.getElementById("track-way");
    if (way) {
      way.hidden = win.hidden;
      if (t.counter) document.getElementById("t-way").href = way.dataset.base + encodeURIComponent("counter:" + t.counter);
    }
    if (t.counter) {
      var link = document.getElementById("t-window-link");
      link.textContent = L.window.replace("{counter}", t.counter).replace("{name}", t.counter_name_local || t.counter_name || "");
      link.href = "#track-window";
    }
    document.getElementById("t-cancel").hidden = t.status !== "waiting";
    // A ticket that is over has nothing left to alert about: no alert button, no "keep this page open".
    var over = FINAL.indexOf(t.status) >= 0;
    var notify = document.getElementById("t-notify");
    notify.hidden = over || notify.dataset.used === "1";
    document.getElementById("t-foot").hidden = over;
    var rate = document.getElementById("t-rate");
    if (rate) rate.hidden = t.status !== "completed";
  }
  var last = 0, pending = null;
  function load() {
    last = Date.now();
    fetch("/api/v1/tickets/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; }).then(function (t) { if (t) render(t); }).catch(function () {});
  }
  function soon() {
    if (pending) return;
    var wait = Math.max(0, 2000 - (Date.now() - last));
    pending = setTimeout(function () { pending = null; load(); }, wait);
  }
  document.getElementById("t-notify").addEventListener("click", function () {
    beep();  // a touch unlocks sound on phones
    if (window.Notification && Notification.permission === "default") Notification.requestPermission();
    this.hidden = true;
    this.dataset.used = "1";
  });
  document.getElementById("t-cancel").addEventListener("click", function () {
    if (!confirm(L.confirm)) return;
    fetch("/api/v1/tickets/" + encodeURIComponent(id) + "/cancel", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
    }).then(load);
  });
  load();
  new window.HallStream(root.dataset.eventsUrl, 0, soon);
  setInterval(load, 60000);
})();
