// Kiosk "find a window": the map follows the step shown (tap a step, Previous/Next, or the floor
// buttons, without reloading: the links still work without script), and "read aloud" speaks the steps
// one after the other with the browser's speech synthesis, as the display board speaks its calls (a
// voice of the page's language, a time-out in case the engine never says it has finished), moving the
// map along with the step being read.
(function () {
  "use strict";
  var root = document.getElementById("kroute");
  if (!root) return;
  var steps = Array.prototype.slice.call(root.querySelectorAll(".kroute-step"));
  var maps = root.querySelectorAll(".kroute-map");
  var floors = root.querySelectorAll(".kroute-floor");
  var prev = document.getElementById("kroute-prev");
  var next = document.getElementById("kroute-next");
  var speak = document.getElementById("kroute-speak");
  var current = parseInt(root.dataset.current, 10) || 0;

  function showLevel(level) {
    root.dataset.shown = level;
    maps.forEach(function (m) { m.hidden = m.dataset.level !== String(level); });
    floors.forEach(function (f) {
      var on = f.dataset.level === String(level);
      f.classList.toggle("is-current", on);
      if (on) { f.setAttribute("aria-current", "true"); } else { f.removeAttribute("aria-current"); }
    });
  }
  function showStep(i) {
    if (!steps.length) return;
    current = Math.max(0, Math.min(steps.length - 1, i));
    root.dataset.current = current;
    steps.forEach(function (s, k) { s.classList.toggle("is-current", k === current); });
    showLevel(steps[current].dataset.level);
    if (prev) prev.setAttribute("aria-disabled", current === 0 ? "true" : "false");
    if (next) next.setAttribute("aria-disabled", current === steps.length - 1 ? "true" : "false");
    steps[current].scrollIntoView({ block: "nearest" });
  }
  steps.forEach(function (s, k) {
    s.querySelector("a").addEventListener("click", function (e) { e.preventDefault(); stopSpeaking(); showStep(k); });
  });
  floors.forEach(function (f) {
    f.addEventListener("click", function (e) { e.preventDefault(); showLevel(f.dataset.level); });
  });
  if (prev) prev.addEventListener("click", function (e) { e.preventDefault(); stopSpeaking(); showStep(current - 1); });
  if (next) next.addEventListener("click", function (e) { e.preventDefault(); stopSpeaking(); showStep(current + 1); });

  // --- read aloud ----------------------------------------------------------------------------------
  var lang = root.dataset.speechLang || "zh-CN";
  var reading = false;
  function voice() {
    var voices = window.speechSynthesis ? speechSynthesis.getVoices() : [];
    var exact = lang.toLowerCase();
    return voices.find(function (v) { return v.lang.replace("_", "-").toLowerCase() === exact; }) ||
           voices.find(function (v) { return v.lang.slice(0, 2).toLowerCase() === exact.slice(0, 2); }) || null;
  }
  function say(text, done) {
    var u = new SpeechSynthesisUtterance(text);
    u.lang = lang; u.rate = 0.85;
    var v = voice(); if (v) u.voice = v;
    var finished = false;
    function end() { if (!finished) { finished = true; done(); } }
    u.onend = end; u.onerror = end;
    setTimeout(end, 4000 + text.length * 250);
    speechSynthesis.speak(u);
  }
  function stopSpeaking() {
    if (!reading) return;
    reading = false;
    speak.setAttribute("aria-pressed", "false");
    speechSynthesis.cancel();
  }
  function readFrom(i) {
    if (!reading || i >= steps.length) { stopSpeaking(); return; }
    showStep(i);
    say(steps[i].textContent.trim(), function () { if (reading) readFrom(i + 1); });
  }
  if (speak && window.speechSynthesis && steps.length) {
    speak.hidden = false;
    speechSynthesis.getVoices();
    speak.addEventListener("click", function () {
      if (reading) { stopSpeaking(); return; }
      reading = true;
      speak.setAttribute("aria-pressed", "true");
      readFrom(current === steps.length - 1 ? 0 : current);
    });
  }
})();
