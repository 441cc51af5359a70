// Progressive enhancement only: every page works without this file.
// - "Copy" buttons next to BibTeX (hidden until this script shows them);
// - the CV page's "Print" button;
// - fields that select their text on focus (a new API token), [data-select-on-focus].
(function () {
  "use strict";

  function textOf(button) {
    var id = button.getAttribute("data-copy-target");
    var source = id ? document.getElementById(id) : null;
    if (!source) {
      var box = button.closest(".bibtex__box");
      source = box && box.querySelector("pre");
    }
    return source ? source.textContent : "";
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function say(button, message) {
    var label = button.querySelector("span") || button;
    var original = label.getAttribute("data-label") || label.textContent;
    label.setAttribute("data-label", original);
    label.textContent = message;
    button.setAttribute("aria-live", "polite");
    window.setTimeout(function () { label.textContent = original; }, 2000);
  }

  document.querySelectorAll(".js-copy").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = textOf(button);
      var copy = navigator.clipboard && window.isSecureContext
        ? navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); })
        : fallbackCopy(text);
      copy.then(function () { say(button, "Copied"); }, function () { say(button, "Press Ctrl+C to copy"); });
    });
  });

  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
