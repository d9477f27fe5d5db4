// Uploads into attachment slots (no inline script: the Content Security Policy forbids it).
//
// A slot's file input (several files where the slot allows) or files dropped on the slot are
// sent one per XMLHttpRequest, with a progress bar. The server answers with the slot's
// fragment (status 400 when a file was refused, with the reason in it), which replaces the
// slot's card; htmx then polls each row whose file is still being checked.
// Without this script the slot's form is a plain multipart POST with an "上传" button.
(function () {
  "use strict";

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    if (headers) {
      try {
        var token = JSON.parse(headers)["X-CSRFToken"];
        if (token) return token;
      } catch (ignored) { /* fall back to the cookie */ }
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // The script is here: hide the plain-form button, show the drop hint.
  function enhance(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(".upload-form")) root.classList.add("js-upload");
    root.querySelectorAll(".upload-form").forEach(function (form) {
      form.classList.add("js-upload");
    });
  }

  function showErrors(card, messages) {
    var box = card.querySelector(".upload-errors");
    if (!box) return;
    box.textContent = "";
    messages.forEach(function (message) {
      var div = document.createElement("div");
      div.className = "alert alert-danger py-2 mb-2";
      div.setAttribute("data-testid", "upload-error");
      div.textContent = message;
      box.appendChild(div);
    });
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function replaceCard(card, fresh) {
    card.replaceWith(fresh);
    enhance(fresh);
    if (window.htmx) window.htmx.process(fresh);
    return fresh;
  }

  // After the uploads, focus goes to the first new file's entry (or to the errors), so that
  // keyboard and screen reader users land on the result instead of the page's <body>.
  function focusResult(card, before, failed) {
    var target = null;
    if (failed) target = card.querySelector(".upload-errors");
    if (!target) {
      target = Array.prototype.filter.call(card.querySelectorAll(".attachment-file"), function (li) {
        return before.indexOf(li.id) === -1;
      })[0] || card.querySelector(".upload-errors, h3");
    }
    if (!target) return;
    target.setAttribute("tabindex", "-1");
    target.focus();
  }

  function uploadAll(form, fileList) {
    var files = Array.prototype.slice.call(fileList || []);
    var card = form.closest(".attachment-slot");
    if (!files.length || !card || card.classList.contains("uploading")) return;
    var cardId = card.id;
    var before = Array.prototype.map.call(card.querySelectorAll(".attachment-file"), function (li) { return li.id; });
    var url = form.action;
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    var tooLarge = form.getAttribute("data-too-large");
    var failed = form.getAttribute("data-failed");
    if (form.getAttribute("data-multiple") !== "1" && files.length > 1) {
      showErrors(card, [form.getAttribute("data-only-one")]);
      return;
    }
    var errors = [];
    var queue = files.filter(function (file) {
      if (max && file.size > max) {
        errors.push(tooLarge + file.name);
        return false;
      }
      return true;
    });
    showErrors(card, errors);
    var index = 0;

    function next() {
      card = document.getElementById(cardId);
      if (!card) return;
      if (index >= queue.length) {
        card.classList.remove("uploading");
        showErrors(card, errors);
        focusResult(card, before, errors.length > 0);
        return;
      }
      var file = queue[index];
      index += 1;
      card.classList.add("uploading");
      var progress = card.querySelector(".upload-progress");
      var bar = progress && progress.querySelector("progress");
      var label = progress && progress.querySelector(".upload-progress-label");
      if (progress) {
        progress.classList.remove("d-none");
        label.textContent = file.name + (queue.length > 1 ? "（" + index + "/" + queue.length + "）" : "");
        bar.value = 0;
      }
      var data = new FormData();
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("HX-Request", "true");
      xhr.upload.addEventListener("progress", function (event) {
        if (bar && event.lengthComputable) bar.value = Math.round((event.loaded * 100) / event.total);
      });
      xhr.addEventListener("load", function () {
        var fresh = (xhr.status === 200 || xhr.status === 400) && xhr.responseText
          ? parse(xhr.responseText) : null;
        if (fresh && fresh.classList.contains("attachment-slot")) {
          fresh.querySelectorAll("[data-testid=upload-error]").forEach(function (el) {
            errors.push(el.textContent.trim());
          });
          fresh.classList.add("uploading");
          card = replaceCard(card, fresh);
        } else {
          errors.push(failed + file.name + "（" + xhr.status + "）");
        }
        next();
      });
      xhr.addEventListener("error", function () {
        errors.push(failed + file.name);
        next();
      });
      xhr.send(data);
    }

    next();
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".upload-form.js-upload input[type=file]")) return;
    var files = Array.prototype.slice.call(input.files || []);
    uploadAll(input.form, files);
    input.value = "";
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(".upload-form.js-upload")) return;
    event.preventDefault();
    var input = form.querySelector("input[type=file]");
    uploadAll(form, input && input.files);
    if (input) input.value = "";
  });

  function slotForm(target) {
    var card = target && target.closest ? target.closest(".attachment-slot") : null;
    return card ? card.querySelector(".upload-form.js-upload") : null;
  }

  function hasFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return types && Array.prototype.indexOf.call(types, "Files") !== -1;
  }

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (!hasFiles(event)) return;
      // Never let a file dropped beside a slot replace the page.
      event.preventDefault();
      var form = slotForm(event.target);
      event.dataTransfer.dropEffect = form ? "copy" : "none";
      document.querySelectorAll(".attachment-slot.drag-over").forEach(function (card) {
        if (!form || card !== form.closest(".attachment-slot")) card.classList.remove("drag-over");
      });
      if (form) form.closest(".attachment-slot").classList.add("drag-over");
    });
  });

  document.addEventListener("dragleave", function (event) {
    var card = event.target.closest && event.target.closest(".attachment-slot");
    if (card && !card.contains(event.relatedTarget)) card.classList.remove("drag-over");
  });

  document.addEventListener("drop", function (event) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    document.querySelectorAll(".attachment-slot.drag-over").forEach(function (card) {
      card.classList.remove("drag-over");
    });
    var form = slotForm(event.target);
    if (form) uploadAll(form, event.dataTransfer.files);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var code = event.detail.xhr.status;
    if (!target || !target.classList) return;
    if (code === 400 && target.classList.contains("attachment-slot")) {
      // A refused delete answers 400 with the slot's fragment and its message: show it.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (code === 404 && target.classList.contains("attachment-file")) {
      // The file was deleted meanwhile (another tab): drop its row, which stops its polling.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      event.detail.serverResponse = "";
    }
  });

  document.addEventListener("htmx:load", function (event) {
    enhance(event.detail.elt);
  });

  enhance(document);
})();
