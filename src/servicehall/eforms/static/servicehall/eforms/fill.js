// Electronic forms: "show B when A = value". Rows carrying data-show-field/data-show-equals are hidden
// (and their inputs disabled, so a hidden answer is not even sent) while the field they depend on has
// another value. The server drops hidden answers anyway; this only keeps the page short.
(function () {
  "use strict";
  var form = document.getElementById("eform");
  if (!form) return;
  // A file chosen: its name beside the button, and "upload it now" ticked (choosing is the intent).
  form.querySelectorAll(".efile-input").forEach(function (input) {
    input.addEventListener("change", function () {
      var chosen = input.parentNode.querySelector(".efile-chosen");
      if (input.files.length) chosen.textContent = input.files[0].name;
      var radio = form.querySelector("input[type=radio][name='" + input.name.replace(/^file_/, "f_") + "'][value=upload]");
      if (radio && input.files.length) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  });
  var rows = form.querySelectorAll("[data-show-field]");
  if (!rows.length) return;

  function valueOf(key) {
    var inputs = form.querySelectorAll("[name='f_" + key + "']");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.disabled) continue;
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) return el.value; }
      else return el.value;
    }
    return "";
  }

  function refresh() {
    // Rows in page order, so a row depending on a hidden row is hidden too.
    rows.forEach(function (row) {
      var source = document.getElementById("row-" + row.dataset.showField);
      var show = !(source && source.hidden) && valueOf(row.dataset.showField) === row.dataset.showEquals;
      row.hidden = !show;
      row.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !show; });
    });
  }
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
