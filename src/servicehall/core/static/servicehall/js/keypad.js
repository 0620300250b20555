// Kiosk forms (check-in, rating): an on-screen keypad with the field's alphabet (a touch screen has no keyboard;
// a QR scanner types into the focused field by itself). Letters are shown and sent upper-case.
(function () {
  "use strict";
  var pad = document.getElementById("keypad");
  if (!pad) return;
  var input = document.getElementById(pad.dataset.target);
  var max = parseInt(input.getAttribute("maxlength"), 10) || 8;
  function key(label, cls, onPress) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "key " + (cls || ""); b.textContent = label;
    b.addEventListener("click", function () { onPress(); input.focus(); });
    pad.appendChild(b);
  }
  pad.dataset.alphabet.split("").forEach(function (ch) {
    key(ch, "", function () { if (input.value.length < max) input.value = (input.value + ch).toUpperCase(); });
  });
  key("⌫", "key-wide", function () { input.value = input.value.slice(0, -1); });
  key("✕", "key-wide", function () { input.value = ""; });
  // A field that also takes a scanned link (data-keep-case) must keep what the scanner typed.
  if (!("keepCase" in pad.dataset)) {
    input.addEventListener("input", function () { input.value = input.value.toUpperCase(); });
  }
  pad.removeAttribute("aria-hidden");
})();
