// A running import job's page: poll its JSON status and move the <progress> bar without
// reloading; reload once when the job ends, to show its report. (Without JavaScript the
// page refreshes itself through a <noscript> meta refresh.)
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box) return;
  var url = box.getAttribute("data-job-status");
  var bar = box.querySelector("progress");
  function set(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el && value !== undefined && value !== null) el.textContent = String(value);
  }
  function update(state) {
    if (bar) {
      bar.value = state.progress;
      bar.textContent = Math.round(state.progress * 100) + " %";
    }
    ["status", "read", "total", "created", "updated", "skipped"].forEach(function (k) { set(k, state[k]); });
    if (state.status !== "queued") {
      var waiting = box.querySelector('[data-field="waiting"]');
      if (waiting) waiting.remove();
    }
  }
  function tick() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state) {
          update(state);
          if (state.finished) { window.location.reload(); return; }
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
