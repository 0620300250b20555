// A hall's event stream that never gives up: the browser's EventSource reconnects by itself after a
// network drop (sending Last-Event-ID); when the server answers with an error instead (restarting, or a
// proxy's 502) EventSource stops, so we open a new one from the last id we saw. A watchdog replaces a
// stream that went silent (the server pings every 15 s). Duplicate ids (replay look-back) are dropped.
(function () {
  "use strict";
  function HallStream(url, lastId, onEvent, onState) {
    this.url = url; this.lastId = lastId || 0; this.onEvent = onEvent; this.onState = onState || function () {};
    this.floor = this.lastId; this.seen = new Set(); this.es = null; this.backoff = 1000; this.lastBeat = Date.now();
    var self = this;
    setInterval(function () { if (Date.now() - self.lastBeat > 40000) { self.restart(); } }, 5000);
    this.open();
  }
  HallStream.prototype.open = function () {
    var self = this;
    var es = new EventSource(this.url + "?last_event_id=" + encodeURIComponent(this.lastId));
    this.es = es; this.lastBeat = Date.now();
    es.onopen = function () { self.backoff = 1000; self.lastBeat = Date.now(); self.onState("live"); };
    es.onmessage = function (m) {
      self.lastBeat = Date.now();
      var data; try { data = JSON.parse(m.data); } catch (e) { return; }
      // Ids up to the page's own starting point were already drawn by the server.
      if (data.id <= self.floor || self.seen.has(data.id)) return;
      self.seen.add(data.id);
      if (self.seen.size > 5000) { self.seen = new Set([data.id]); }
      if (data.id > self.lastId) self.lastId = data.id;
      self.onEvent(data);
    };
    es.onerror = function () {
      self.onState("reconnecting");
      if (es.readyState === EventSource.CLOSED) { self.retryLater(); }
    };
    es.addEventListener("ping", function () { self.lastBeat = Date.now(); });
  };
  HallStream.prototype.retryLater = function () {
    var self = this;
    if (this.timer) return;
    this.timer = setTimeout(function () { self.timer = null; self.restart(); }, this.backoff);
    this.backoff = Math.min(this.backoff * 2, 10000);
  };
  HallStream.prototype.restart = function () {
    if (this.es) { this.es.close(); }
    this.open();
  };
  window.HallStream = HallStream;
})();
