// Issue 16: the counter console's "case for this ticket" link follows the ticket shown (#current-ticket's
// data-ticket), so the clerk accepts an application or links this visit to an existing case in one click.
(function () {
  var box = document.getElementById("console-case");
  var link = document.getElementById("console-case-link");
  if (!box || !link || !window.ServiceHallConsole) return;
  window.ServiceHallConsole.onTicket("data-ticket", function (id) {
    box.hidden = !id;
    if (id) link.href = box.dataset.base + encodeURIComponent(id) + "/";
  });
})();
