// Display board: live calls from the hall's event stream, a chime and a Mandarin announcement per call
// (repeated on recall), waiting counts per line, window states. Survives drops and server restarts.
(function () {
  "use strict";
  var root = document.getElementById("board");
  if (!root) return;
  var state = JSON.parse(document.getElementById("board-state").textContent);
  var groups = JSON.parse(document.getElementById("board-groups").textContent);
  var classes = JSON.parse(document.getElementById("board-classes").textContent);
  var callClass = document.getElementById("call-class");
  var callText = document.getElementById("call-text");
  var recent = document.getElementById("recent");
  var dot = document.getElementById("live-dot");
  var soundBtn = document.getElementById("sound-btn");
  var labels = {};
  document.getElementById("state-labels").content.querySelectorAll("span").forEach(function (s) {
    labels[s.dataset.state] = s.textContent;
  });
  var noWindowText = {};
  document.getElementById("no-window-labels").content.querySelectorAll("span").forEach(function (s) {
    noWindowText[s.dataset.kind] = s.textContent;
  });
  var waiting = state.waiting || {};
  var noWindow = state.no_window || [];
  var serviceToPrefix = {};
  groups.forEach(function (g) { g.services.forEach(function (s) { serviceToPrefix[s] = g.prefix; }); });

  function fill(template, number, counter) {
    return template.replace("{number}", number).replace("{counter}", counter);
  }
  function renderWaiting() {
    var sums = {};
    Object.keys(waiting).forEach(function (code) {
      var p = serviceToPrefix[code]; if (p) sums[p] = (sums[p] || 0) + waiting[code];
    });
    document.querySelectorAll(".wait-row").forEach(function (row) {
      var n = sums[row.dataset.prefix] || 0;
      row.querySelector(".w-n").textContent = n;
      row.classList.toggle("is-empty", n === 0);
    });
  }
  // A line whose services no open window calls says so: "no window serves this line now", or names
  // the services of the line left without a window.
  function renderNoWindow() {
    var missing = {};
    noWindow.forEach(function (code) { missing[code] = true; });
    groups.forEach(function (g) {
      var row = document.querySelector('.wait-row[data-prefix="' + g.prefix + '"]');
      if (!row) return;
      var note = row.querySelector(".w-note");
      var left = g.services.filter(function (code) { return missing[code]; });
      var text = "";
      if (left.length && left.length === g.services.length) {
        text = noWindowText.all;
      } else if (left.length) {
        var names = left.map(function (code) { return g.names[code] || code; });
        var shown = names.slice(0, 2).join("、") + (names.length > 2 ? " …" : "");
        text = noWindowText.some.replace("{names}", shown);
      }
      note.textContent = text;
      note.hidden = !text;
      row.classList.toggle("no-window", left.length > 0 && left.length === g.services.length);
    });
  }
  function renderCounters(states) {
    document.querySelectorAll(".counter-tile").forEach(function (tile) {
      var s = states[tile.dataset.counter] || "closed";
      tile.dataset.state = s;
      tile.querySelector(".counter-state").textContent = labels[s] || s;
    });
  }
  var counterStates = state.counters || {};
  var recentRows = (state.recent || []).map(function (r) {
    return { number: r.number, counter: r.counter, klass: r["class"] || "" };
  });
  function showClass(klass) {
    callClass.textContent = classes[klass] || "";
    callClass.hidden = !classes[klass];
  }
  function renderRecent() {
    recent.textContent = "";
    recentRows.slice(0, 8).forEach(function (r, i) {
      var tr = document.createElement("tr");
      if (i === 0) tr.className = "is-latest";
      var a = document.createElement("td"); a.className = "r-no"; a.textContent = r.number;
      if (classes[r.klass]) {
        var tag = document.createElement("span"); tag.className = "r-class"; tag.textContent = classes[r.klass];
        a.appendChild(tag);
      }
      var b = document.createElement("td"); b.className = "r-counter"; b.textContent = r.counter;
      tr.appendChild(a); tr.appendChild(b); recent.appendChild(tr);
    });
  }

  // --- the small map (?map=1): the floor of the window just called, that window marked ------------------
  var boardMap = document.getElementById("board-map");
  function showOnMap(counter) {
    if (!boardMap) return;
    var found = null;
    boardMap.querySelectorAll(".board-floor").forEach(function (f) {
      f.querySelectorAll(".pt-counter").forEach(function (g) {
        var hit = g.dataset.counter === String(counter);
        g.classList.toggle("is-called", hit);
        if (hit) found = f;
      });
    });
    boardMap.querySelectorAll(".board-floor").forEach(function (f) { f.hidden = f !== found; });
    boardMap.dataset.counter = found ? counter : "";
    boardMap.hidden = !found;  // a window not on the map: no map rather than the wrong one
  }

  // --- sound: a two-tone chime (Web Audio, no file) then the announcement (speech synthesis) ---------
  var audio = null, soundOk = true, speaking = false, queue = [];
  function chime(done) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") { audio.resume(); }
      if (audio.state !== "running") { soundBlocked(); }
      [[880, 0], [660, 0.45]].forEach(function (tone) {
        var o = audio.createOscillator(), g = audio.createGain(), t = audio.currentTime + tone[1];
        o.frequency.value = tone[0]; o.type = "sine";
        g.gain.setValueAtTime(0.0001, t); g.gain.exponentialRampToValueAtTime(0.4, t + 0.03);
        g.gain.exponentialRampToValueAtTime(0.0001, t + 0.9);
        o.connect(g); g.connect(audio.destination); o.start(t); o.stop(t + 1);
      });
    } catch (e) { /* no audio device: the text is shown regardless */ }
    setTimeout(done, 1200);
  }
  function chineseVoice() {
    var voices = window.speechSynthesis ? speechSynthesis.getVoices() : [];
    return voices.find(function (v) { return /^zh[-_]CN/i.test(v.lang); }) ||
           voices.find(function (v) { return /^zh/i.test(v.lang); }) || null;
  }
  function spokenNumber(number) {
    // "A012" is read letter by letter and digit by digit: "A 零 一 二".
    var digits = "零一二三四五六七八九";
    return number.split("").map(function (ch) { return /\d/.test(ch) ? digits[+ch] : ch; }).join(" ");
  }
  function say(text, done) {
    if (!window.speechSynthesis) { done(); return; }
    var u = new SpeechSynthesisUtterance(text);
    u.lang = "zh-CN"; u.rate = 0.85;
    var v = chineseVoice(); if (v) u.voice = v;
    var finished = false;
    function end() { if (!finished) { finished = true; done(); } }
    u.onend = end;
    u.onerror = function (e) { if (e.error === "not-allowed") soundBlocked(); end(); };
    setTimeout(end, 8000);
    speechSynthesis.speak(u);
  }
  function soundBlocked() {
    if (!soundOk) return;
    soundOk = false; soundBtn.hidden = false;
  }
  soundBtn.addEventListener("click", function () {
    soundOk = true; soundBtn.hidden = true;
    if (audio) audio.resume();
    if (window.speechSynthesis) speechSynthesis.speak(new SpeechSynthesisUtterance(""));
  });
  function announce(number, counter) {
    queue.push([number, counter]);
    if (!speaking) next();
  }
  function next() {
    var item = queue.shift();
    if (!item) { speaking = false; return; }
    speaking = true;
    var text = fill(root.dataset.speech, spokenNumber(item[0]), item[1]);
    chime(function () { say(text, function () { say(text, next); }); });
  }

  // --- events ---------------------------------------------------------------------------------------
  function onCall(p, isRecall, at) {
    callText.textContent = fill(root.dataset.callText, p.number, p.counter);
    var box = document.getElementById("call");
    box.classList.remove("flash"); void box.offsetWidth; box.classList.add("flash");
    recentRows = recentRows.filter(function (r) { return r.number !== p.number; });
    recentRows.unshift({ number: p.number, counter: p.counter, klass: p.priority ? p["class"] : "" });
    showClass(p.priority ? p["class"] : "");
    renderRecent();
    showOnMap(p.counter);
    // Replayed calls older than a minute are shown but not announced again.
    if (!at || Date.now() - Date.parse(at) < 60000) announce(p.number, p.counter);
  }
  function onEvent(e) {
    var p = e.payload || {};
    if (p.waiting) { Object.keys(p.waiting).forEach(function (k) { waiting[k] = p.waiting[k]; }); renderWaiting(); }
    if (e.kind === "ticket.called") { onCall(p, p.action === "recall", e.at); }
    if (e.kind.indexOf("counter.") === 0) {
      counterStates[p.counter] = p.state; renderCounters(counterStates);
      // which services have an open window changed: ask the server (it knows each window's services)
      refreshSoon();
    }
  }
  function refresh() {
    fetch(root.dataset.stateUrl, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (s) {
      if (!s) return;
      waiting = s.waiting; counterStates = s.counters; noWindow = s.no_window || [];
      renderWaiting(); renderCounters(counterStates); renderNoWindow();
    }).catch(function () {});
  }
  // After a window event only the no-window marks are redrawn from the server: its waiting counts may be
  // older than a call event that arrives meanwhile (that race showed a called ticket still waiting).
  var refreshTimer = null, marksAsked = 0;
  function refreshMarks() {
    var asked = ++marksAsked;
    fetch(root.dataset.stateUrl, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (s) {
      if (!s || asked !== marksAsked) return;  // a later answer is on its way
      noWindow = s.no_window || []; renderNoWindow();
    }).catch(function () {});
  }
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshMarks, 300);
  }
  renderWaiting(); renderCounters(counterStates); renderRecent(); renderNoWindow();
  if (recentRows.length) showClass(recentRows[0].klass);
  showOnMap(recentRows.length ? recentRows[0].counter : "");
  var wasDown = false;
  new window.HallStream(root.dataset.eventsUrl, state.last_event_id, onEvent, function (s) {
    dot.dataset.state = s;
    if (s === "live" && wasDown) { refresh(); }
    wasDown = s !== "live";
  });
  if (window.speechSynthesis) { speechSynthesis.getVoices(); }
})();
