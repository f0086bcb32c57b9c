// Strata console: progressive enhancement only. Every page works without this file.
"use strict";
(function () {
  // Forms that ask before doing something permanent: <form data-confirm="Delete this version?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();

// History and restore pages (progressive enhancement; without the script the picker is UTC and the job page has a Refresh link).
(function () {
  // The date-time picker: send the browser's offset from UTC for the picked local time, and say which zone it is.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-local-time")) return;
    var input = form.querySelector("input[type=datetime-local]");
    var offset = form.querySelector("[data-offset]");
    if (!input || !offset || !input.value) return;
    var picked = new Date(input.value);
    if (!isNaN(picked.getTime())) offset.value = String(-picked.getTimezoneOffset());
  });
  document.addEventListener("DOMContentLoaded", function () {
    var note = document.querySelector("[data-tz-note]");
    if (note) {
      var zone = "";
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
      note.textContent = "The time is in your browser's time zone" + (zone ? " (" + zone + ")" : "") + "; the plan shows it in UTC.";
    }
    // A running restore: poll its figures, reload when it ends so the report shows.
    var job = document.querySelector("[data-job][data-state=running]");
    if (!job) return;
    var url = job.getAttribute("data-job");
    var poll = function () {
      fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
        if (!s) return;
        ["scanned", "done", "failed"].forEach(function (name) {
          var field = job.querySelector("[data-field=" + name + "]");
          if (field && typeof s[name] === "number") field.textContent = (name === "done" ? s.done - s.failed : s[name]).toLocaleString("en");
        });
        if (s.state !== "running") window.location.reload();
        else window.setTimeout(poll, 1000);
      }).catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  });
})();
