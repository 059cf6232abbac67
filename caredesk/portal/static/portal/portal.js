// caredesk portal: after a form comes back with errors, move focus to its error summary so
// keyboard and screen-reader users hear what went wrong first. Loaded deferred.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
