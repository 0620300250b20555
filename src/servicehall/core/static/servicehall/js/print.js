// Print page: a button instead of an inline handler (the Content-Security-Policy forbids inline script).
(function () {
  var b = document.getElementById("print-now");
  if (b) b.addEventListener("click", function () { window.print(); });
})();
