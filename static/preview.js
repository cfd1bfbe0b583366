// Refreshes the preview beside a working draft's part form while the drafter types.
// Progressive enhancement: the "Pratinjau" button does the same without this script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  var target = document.querySelector(".editor-preview");
  if (!form || !target || !window.fetch || !window.DOMParser || !window.URLSearchParams) {
    return;
  }
  var timer = null;
  var latest = 0;
  function refresh() {
    var data = new FormData(form);
    data.set("aksi", "pratinjau");
    var mine = ++latest;
    fetch(form.action, { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== latest) {
          return; // a failed or an overtaken request leaves the preview as it is
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".editor-preview");
        if (fresh) {
          target.innerHTML = fresh.innerHTML;
        }
      })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 700);
  });
})();
