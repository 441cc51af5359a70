// Progressive enhancement for the editing pages (/me/). Everything works without it.
// 1. Live Markdown preview: every <textarea data-markdown> gets a preview rendered by the
//    server (same renderer and sanitiser as the public pages).
// 2. Reordering: the ↑/↓ buttons post in the background and swap the list in place.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="markdown-preview-url"]');
  var previewUrl = meta && meta.content;

  function csrfToken(form) {
    var input = (form || document).querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function setupPreview(textarea) {
    var box = document.createElement("div");
    box.className = "markdown-preview";
    box.setAttribute("aria-live", "polite");
    box.setAttribute("data-preview-for", textarea.name);
    var label = document.createElement("p");
    label.className = "markdown-preview__label";
    label.textContent = "Preview";
    var body = document.createElement("div");
    body.className = "markdown-preview__body";
    box.appendChild(label);
    box.appendChild(body);
    textarea.insertAdjacentElement("afterend", box);
    var timer = null;
    var last = null;
    function refresh() {
      var text = textarea.value;
      if (text === last) return;
      last = text;
      var data = new FormData();
      data.append("text", text);
      fetch(previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea.form) },
      })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { body.innerHTML = html; }) // sanitised by the server (nh3)
        .catch(function () { body.textContent = "(Preview unavailable.)"; });
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  }

  function setupMoves(root) {
    root.querySelectorAll("form.move").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button) return;
        event.preventDefault();
        var data = new FormData(form);
        data.append("direction", button.value);
        var list = form.closest("ol.items");
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
          .then(function (html) {
            // The response is the page the list lives on; take the same list from it.
            var doc = new DOMParser().parseFromString(html, "text/html");
            var lists = Array.prototype.slice.call(document.querySelectorAll("ol.items"));
            var fresh = doc.querySelectorAll("ol.items")[lists.indexOf(list)];
            if (!fresh) { window.location.reload(); return; }
            list.innerHTML = fresh.innerHTML;
            setupMoves(list);
            var again = list.querySelector('form.move button[value="' + button.value + '"]');
            if (again) again.focus();
          })
          .catch(function () { form.submit(); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (previewUrl) document.querySelectorAll("textarea[data-markdown]").forEach(setupPreview);
    setupMoves(document);
  });
})();
