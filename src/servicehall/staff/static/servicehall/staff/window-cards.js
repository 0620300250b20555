/* 亮证上岗 on the display board: who serves at each open window (name, staff number, photo where the
   hall shows them), polled from /display/<hall>/window-cards.json and drawn into each window tile. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !board.dataset.cardsUrl) { return; }
  var url = board.dataset.cardsUrl;

  function draw(cards) {
    var byCounter = {};
    cards.forEach(function (c) { byCounter[c.counter] = c; });
    document.querySelectorAll(".counter-tile").forEach(function (tile) {
      var slot = tile.querySelector("[data-clerk]");
      if (!slot) { return; }
      var card = byCounter[tile.dataset.counter];
      var key = card ? [card.name, card.staff_number, card.photo].join("|") : "";
      if (slot.dataset.key === key) { return; }
      slot.dataset.key = key;
      slot.textContent = "";
      tile.classList.toggle("has-clerk", !!card);
      if (!card) { return; }
      if (card.photo) {
        var img = document.createElement("img");
        img.src = card.photo;
        img.alt = "";
        img.className = "clerk-photo";
        slot.appendChild(img);
      }
      var text = document.createElement("span");
      text.className = "clerk-text";
      [card.name, card.staff_number].forEach(function (line) {
        if (!line) { return; }
        var span = document.createElement("span");
        span.textContent = line;
        text.appendChild(span);
      });
      slot.appendChild(text);
    });
  }

  function poll() {
    fetch(url, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { cards: [] }; })
      .then(function (data) { draw(data.cards || []); })
      .catch(function () { /* the board keeps the last cards; the next poll tries again */ });
  }

  poll();
  setInterval(poll, 20000);
})();
