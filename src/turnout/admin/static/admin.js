// Turnout admin: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // A page that shows a new key's secret replaces its history entry with the plain
  // list, so reloading shows the list (without the secret) instead of re-posting.
  var secret = document.querySelector("[data-replace-url]");
  if (secret && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", secret.getAttribute("data-replace-url"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll(".js-hide").forEach(function (element) {
    element.hidden = true;
  });

  document.querySelectorAll("select[data-navigate]").forEach(function (select) {
    select.addEventListener("change", function () {
      window.location.href = select.getAttribute("data-navigate") + encodeURIComponent(select.value);
    });
  });
})();
