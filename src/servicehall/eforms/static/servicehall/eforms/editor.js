// Form editor: the ↑ / ↓ buttons move a field row and renumber every row's "order" input (what the
// server sorts by), so reordering needs no typing. Without this script the manager edits the numbers.
(function () {
  "use strict";
  var box = document.getElementById("ed-fields");
  if (!box) return;

  function renumber() {
    box.querySelectorAll("[data-ed-row]").forEach(function (row, i) {
      var order = row.querySelector("[data-ed-order]");
      if (order) order.value = String((i + 1) * 10);
    });
  }
  box.addEventListener("click", function (e) {
    var button = e.target.closest("[data-ed-up], [data-ed-down]");
    if (!button) return;
    var row = button.closest("[data-ed-row]");
    if (button.hasAttribute("data-ed-up")) {
      var before = row.previousElementSibling;
      if (before) box.insertBefore(row, before);
    } else {
      var after = row.nextElementSibling;
      if (after && !after.classList.contains("is-new")) box.insertBefore(after, row);
    }
    renumber();
    button.focus();
  });
})();
