// Issue 16: the counter console's "case for this ticket" link follows the ticket shown (#current-ticket's
// data-ticket), so the clerk accepts an application or links this visit to an existing case in one click.
(function () {
  var holder = document.getElementById("current-ticket");
  var box = document.getElementById("console-case");
  var link = document.getElementById("console-case-link");
  if (!holder || !box || !link) return;
  function update() {
    var id = holder.hidden ? "" : (holder.dataset.ticket || "");
    box.hidden = !id;
    if (id) link.href = box.dataset.base + encodeURIComponent(id) + "/";
  }
  new MutationObserver(update).observe(holder, { attributes: true, attributeFilter: ["data-ticket", "hidden"] });
  update();
})();
