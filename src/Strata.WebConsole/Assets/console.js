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
