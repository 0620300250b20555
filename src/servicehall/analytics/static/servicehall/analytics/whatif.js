// The what-if page: while a simulation runs, ask the API for its progress every second and move the
// bar; when it is done (or failed), reload the page, which the server renders with the results.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var status = box.getAttribute("data-status");
  if (status !== "queued" && status !== "running") return;
  var url = box.getAttribute("data-url");
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) { setTimeout(poll, 3000); return; }
        if (bar) bar.value = job.progress;
        if (percent) percent.textContent = job.progress;
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
