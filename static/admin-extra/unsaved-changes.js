/* Warn before leaving an admin form with changes not yet saved ("View on site", "Build agenda pack", an inline's
   "Change" link, the browser's back button...). Static file: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  function watch(form) {
    var dirty = false;
    function mark(event) {
      // Autocomplete widgets and the date picker change fields too; any change from the person counts.
      if (event.target && event.target.form === form) { dirty = true; }
    }
    form.addEventListener("input", mark, true);
    form.addEventListener("change", mark, true);
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return undefined; }
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to show their own "leave this page?" question
      return "";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // Every change and add form of the admin (the step and roll-call pages are forms too).
    var forms = document.querySelectorAll("#content-main form[method='post']");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.id !== "changelist-form" && !form.closest(".delete-confirmation")) { watch(form); }
    });
  });
}());
