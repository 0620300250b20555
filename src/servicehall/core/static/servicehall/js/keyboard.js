// Kiosk on-screen keyboard: one panel per page, shared by every field that declares
// data-keyboard="pinyin|text|digits|phone|id|code". A kiosk is a touch screen with no keyboard, and the
// system one must not pop up (the fields carry inputmode="none"); a QR scanner or a hardware keyboard still
// types into the focused field by itself.
//
// The panel's words come from the page (#kb data-label-*, translated by the server), never from this file.
// Optional, per field: data-keyboard-keys (the alphabet of a "code" field), data-keyboard-case="upper",
// data-keyboard-enter="submit" (the action key submits the form: search), data-keyboard-phrases (the id of a
// list whose items become one-tap phrases), data-keyboard-error (the message when the value fails the
// layout's check: phone and id; #kb data-error-phone/-id otherwise). Chinese handwriting or an IME is out of scope: Chinese text comes from the
// quick phrases; pinyin letters are enough for the catalogue search.
(function () {
  "use strict";
  var panel = document.getElementById("kb");
  var fields = document.querySelectorAll("[data-keyboard]");
  if (!panel || !fields.length) return;
  var labels = panel.dataset;
  var QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
  var DIGITS = ["123", "456", "789"];
  // What a complete value looks like; checked when the citizen leaves the field or submits.
  var CHECKS = {
    phone: function (v) { return /^1[3-9]\d{9}$/.test(v); },
    id: function (v) {
      if (!/^\d{17}[\dX]$/.test(v)) return false;
      var w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], sum = 0;
      for (var i = 0; i < 17; i++) sum += parseInt(v.charAt(i), 10) * w[i];
      return "10X98765432".charAt(sum % 11) === v.charAt(17);
    }
  };
  var current = null;

  function kind(field) { return field.dataset.keyboard; }

  function button(label, key, cls, aria) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "kb-key" + (cls ? " " + cls : "");
    b.textContent = label;
    b.dataset.key = key;
    if (aria) b.setAttribute("aria-label", aria);
    return b;
  }

  function row(keys, cls) {
    var r = document.createElement("div");
    r.className = "kb-row" + (cls ? " " + cls : "");
    keys.forEach(function (k) { r.appendChild(k); });
    panel.appendChild(r);
  }

  function chars(text, upper) {
    return text.split("").map(function (ch) {
      var shown = upper ? ch.toUpperCase() : ch;
      return button(shown, shown);
    });
  }

  // Shown to the citizen: not in a closed <details>, not hidden.
  function shown(f) {
    if (f.closest("details:not([open])")) return false;
    return f.checkVisibility ? f.checkVisibility() : f.offsetParent !== null;
  }

  function nextField(field) {
    var all = Array.prototype.filter.call(fields, function (f) {
      return f.form === field.form && shown(f) && !f.disabled;
    });
    return all[all.indexOf(field) + 1] || null;
  }

  function actionKey(field) {
    if (field.dataset.keyboardEnter === "submit") return button(labels.labelSearch, "enter", "kb-action");
    var next = nextField(field);
    return button(next ? labels.labelNext : labels.labelDone, next ? "next" : "done", "kb-action");
  }

  function editKeys() {
    return [
      button("⌫", "backspace", "kb-edit", labels.labelBackspace),
      button(labels.labelClear, "clear", "kb-edit")
    ];
  }

  function phrases(field) {
    var list = field.dataset.keyboardPhrases && document.getElementById(field.dataset.keyboardPhrases);
    if (!list) return;
    var keys = Array.prototype.map.call(list.querySelectorAll("li"), function (li) {
      var b = button(li.textContent.trim(), "phrase", "kb-phrase");
      b.dataset.text = li.textContent.trim();
      return b;
    });
    if (keys.length) row(keys, "kb-phrases");
  }

  function build(field) {
    panel.textContent = "";
    var k = kind(field);
    var upper = field.dataset.keyboardCase === "upper";
    panel.dataset.layout = k;
    if (k === "digits" || k === "phone" || k === "id") {
      DIGITS.forEach(function (r) { row(chars(r)); });
      var edit = editKeys();
      if (k === "id") {
        row([button("X", "X"), button("0", "0"), edit[0]]);
        row([edit[1], actionKey(field)], "kb-bottom");
      } else {
        row([edit[1], button("0", "0"), edit[0]]);
        row([actionKey(field)], "kb-bottom");
      }
    } else if (k === "code") {
      row(chars(field.dataset.keyboardKeys || "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", upper), "kb-grid");
      row(editKeys().concat([actionKey(field)]), "kb-bottom");
    } else {
      if (k === "text") phrases(field);
      if (k === "text") row(chars("1234567890"));
      QWERTY.forEach(function (r, i) {
        var keys = chars(r, upper);
        if (i === 2 && k === "text") keys = keys.concat(chars(",.?"));
        row(keys);
      });
      var space = button(labels.labelSpace, " ", "kb-space");
      row(editKeys().concat([space, actionKey(field)]), "kb-bottom");
    }
  }

  function insert(field, text) {
    var max = field.maxLength > 0 ? field.maxLength : Infinity;
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? start : field.selectionEnd;
    var room = max - (field.value.length - (end - start));
    if (room <= 0) return;
    text = text.slice(0, room);
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.setSelectionRange(start + text.length, start + text.length);
  }

  function backspace(field) {
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? start : field.selectionEnd;
    if (start === end && start > 0) start -= 1;
    field.value = field.value.slice(0, start) + field.value.slice(end);
    field.setSelectionRange(start, start);
  }

  // The message beside the field: the server's (#<id>-error) or one made here.
  function errorBox(field) {
    var id = field.id + "-error";
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement("p");
      box.className = "field-error";
      box.id = id;
      box.hidden = true;
      field.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function showError(field, message) {
    var box = errorBox(field);
    box.textContent = message;
    box.hidden = false;
    box.dataset.client = "1";
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", box.id);
    var wrap = field.closest(".take-phone, .kb-field");
    if (wrap) wrap.classList.add("has-error");
  }

  function clearError(field) {
    var box = document.getElementById(field.id + "-error");
    if (box && box.dataset.client === "1") {
      box.hidden = true;
      field.removeAttribute("aria-invalid");
      var wrap = field.closest(".take-phone, .kb-field");
      if (wrap) wrap.classList.remove("has-error");
    }
  }

  // True when the field may be left: empty (every such field is optional or has a server-side message) or
  // complete by its layout's check.
  function valid(field) {
    var check = CHECKS[kind(field)];
    var value = field.value.trim();
    if (!check || !value || check(value.toUpperCase())) { clearError(field); return true; }
    var own = { phone: labels.errorPhone, id: labels.errorId }[kind(field)];
    showError(field, field.dataset.keyboardError || own || "");
    return false;
  }

  function open(field) {
    current = field;
    build(field);
    panel.hidden = false;
    document.body.classList.add("kb-open");
    document.body.style.paddingBottom = panel.offsetHeight + "px";
    field.scrollIntoView({ block: "center" });
  }

  function close() {
    panel.hidden = true;
    current = null;
    document.body.classList.remove("kb-open");
    document.body.style.paddingBottom = "";
  }

  function press(key, b) {
    var field = current;
    if (!field) return;
    if (key === "backspace") backspace(field);
    else if (key === "clear") field.value = "";
    else if (key === "phrase") insert(field, (field.value && !/\s$/.test(field.value) ? " " : "") + b.dataset.text);
    else if (key === "done") { if (valid(field)) { field.blur(); close(); } return; }
    else if (key === "next") {
      if (!valid(field)) return;
      var next = nextField(field);
      if (next) next.focus(); else { field.blur(); close(); }
      return;
    }
    else if (key === "enter") { if (field.form) field.form.requestSubmit(); return; }
    else insert(field, key);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Keys never take the focus: the field keeps its caret, and a tap on a key is not a tap outside.
  panel.addEventListener("mousedown", function (e) { e.preventDefault(); });
  panel.addEventListener("click", function (e) {
    var b = e.target.closest(".kb-key");
    if (b) press(b.dataset.key, b);
  });

  Array.prototype.forEach.call(fields, function (field) {
    field.setAttribute("inputmode", "none");
    field.addEventListener("focus", function () { open(field); });
    field.addEventListener("blur", function () {
      setTimeout(function () { if (current === field && document.activeElement !== field) close(); }, 0);
    });
    field.addEventListener("input", function () {
      if (field.dataset.keyboardCase === "upper" || kind(field) === "id") {
        var pos = field.selectionStart;
        field.value = field.value.toUpperCase();
        if (pos != null) field.setSelectionRange(pos, pos);
      }
      clearError(field);
    });
    if (field.form && !field.form.dataset.kbChecked) {
      field.form.dataset.kbChecked = "1";
      field.form.addEventListener("submit", function (e) {
        var bad = Array.prototype.filter.call(fields, function (f) {
          return f.form === e.target && shown(f) && !valid(f);
        });
        if (bad.length) { e.preventDefault(); bad[0].focus(); }
      });
    }
  });
  window.addEventListener("resize", function () {
    if (current) document.body.style.paddingBottom = panel.offsetHeight + "px";
  });
  // A page that opens with a field focused (autofocus) opens its keyboard at once.
  if (document.activeElement && document.activeElement.dataset && document.activeElement.dataset.keyboard) {
    open(document.activeElement);
  }
  window.ServiceHallKeyboard = { close: close };
})();
