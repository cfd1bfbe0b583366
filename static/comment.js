// The comment form, progressively enhanced (the server checks the same and gives the
// form back whole without this script):
// - a live counter under each text with data-max-chars ("123 / 5.000 karakter"): no
//   maxlength, so a paste is never cut silently;
// - a file input with data-max-bytes is checked when chosen: a file too large is named
//   next to the field and the form is not sent until another file is chosen.
(function () {
  "use strict";
  var source = document.querySelector("[data-count]");
  var lang = document.documentElement.lang || "id";
  var numbers = window.Intl ? new Intl.NumberFormat(lang) : null;
  function number(value) {
    return numbers ? numbers.format(value) : String(value);
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key];
    });
  }

  if (source) {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-max-chars]"), function (area) {
      var limit = parseInt(area.getAttribute("data-max-chars"), 10);
      var counter = document.createElement("p");
      counter.className = "char-count";
      counter.id = area.id + "-count";
      counter.setAttribute("aria-live", "polite");
      area.insertAdjacentElement("afterend", counter);
      var described = area.getAttribute("aria-describedby");
      area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
      function update() {
        // Characters as the server counts them: code points (not UTF-16 units), a line
        // break once (services.char_count).
        var count = Array.from(area.value.replace(/\r\n/g, "\n")).length;
        var over = count - limit;
        counter.textContent = fill(source.getAttribute(over > 0 ? "data-count-over" : "data-count"), {
          count: number(count),
          limit: number(limit),
          over: number(over),
        });
        counter.classList.toggle("over", over > 0);
      }
      area.addEventListener("input", update);
      update();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-bytes]"), function (input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var form = input.form;
    var message = null;
    function tooLarge() {
      return Array.prototype.some.call(input.files || [], function (file) {
        return file.size > limit;
      });
    }
    function check() {
      var wrong = tooLarge();
      var field = input.closest(".field");
      var existing = document.getElementById(input.id + "-error");
      if (existing && existing !== message) {
        existing.remove(); // the server's message for a file chosen before
      }
      if (wrong && !message) {
        message = document.createElement("p");
        message.className = "field-error";
        message.id = input.id + "-error";
        message.setAttribute("role", "alert");
        message.textContent = input.getAttribute("data-too-large");
        input.insertAdjacentElement("afterend", message);
      } else if (!wrong && message) {
        message.remove();
        message = null;
      }
      if (field) {
        field.classList.toggle("has-error", wrong);
      }
      if (wrong) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", message.id);
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
      return wrong;
    }
    input.addEventListener("change", check);
    if (form) {
      form.addEventListener("submit", function (event) {
        if (tooLarge()) {
          event.preventDefault();
          check();
          input.focus();
        }
      });
    }
  });
})();
