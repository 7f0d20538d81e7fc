/* Forms on every page (loaded with defer from portal/base.html; no inline script, the CSP forbids it).
 *
 * - The error summary at the top of a form that came back with errors takes the focus, so it is read out and in view;
 *   its links move the focus to the field.
 * - The Chinese file picker: the label is the button, the chosen files' names are shown next to it.
 * - Upload progress: a form sending files larger than 512 KB is sent in the background with a progress bar, and the
 *   answer (the next page, or the form with its errors) replaces the page. Smaller uploads submit normally.
 * - Browser validation stays on (no novalidate): the fields carry the server's rules as required/maxlength/minlength/
 *   type/pattern; on the first invalid field the browser shows its own message in the browser's language.
 */
(function () {
  "use strict";
  var PROGRESS_THRESHOLD = 512 * 1024;

  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      summary.querySelectorAll("a[href^='#']").forEach(function (link) {
        link.addEventListener("click", function (event) {
          var target = document.getElementById(link.getAttribute("href").slice(1));
          if (target) {
            event.preventDefault();
            target.scrollIntoView({ block: "center" });
            target.focus();
          }
        });
      });
    }
  }

  function describeFiles(input) {
    var picker = input.closest(".file-picker");
    if (!picker) return;
    var names = picker.querySelector(".file-names");
    if (!names) return;
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) {
      names.textContent = names.getAttribute("data-empty") || "";
      return;
    }
    names.textContent = files.map(function (f) {
      return f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)";
    }).join("、");
  }

  function totalUpload(form) {
    var total = 0;
    form.querySelectorAll("input[type='file']").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { total += f.size; });
    });
    return total;
  }

  function sendWithProgress(form, event) {
    if (!window.FormData || !window.XMLHttpRequest || totalUpload(form) < PROGRESS_THRESHOLD) return;
    event.preventDefault();
    var bars = form.querySelectorAll(".upload-progress");
    var buttons = form.querySelectorAll("button, input[type='submit']");
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    buttons.forEach(function (b) { b.disabled = true; });
    bars.forEach(function (bar) { bar.hidden = false; bar.value = 0; });
    var xhr = new XMLHttpRequest();
    xhr.open((form.getAttribute("method") || "post").toUpperCase(), form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bars.forEach(function (bar) { bar.value = Math.round(100 * e.loaded / e.total); });
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.history.replaceState(null, "", xhr.responseURL);
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      buttons.forEach(function (b) { b.disabled = false; });
      bars.forEach(function (bar) { bar.hidden = true; });
      form.submit();
    });
    xhr.send(data);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary();
    document.querySelectorAll(".file-picker input[type='file']").forEach(function (input) {
      input.addEventListener("change", function () { describeFiles(input); });
      describeFiles(input);
    });
    document.querySelectorAll("form[enctype='multipart/form-data']").forEach(function (form) {
      form.addEventListener("submit", function (event) { sendWithProgress(form, event); });
    });
  });
})();
