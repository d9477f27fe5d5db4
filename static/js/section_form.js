// A declaration's section page shows only the fields that apply (no inline script: the Content
// Security Policy forbids it). Fields are hidden, never cleared: what was typed stays, and the
// server drops what does not apply when it saves. Without scripts every field shows.
(function () {
  "use strict";

  function wrapperOf(field) {
    return field.closest("[id^='div_']") || field.parentElement;
  }

  function setHidden(field, hidden) {
    var wrapper = wrapperOf(field);
    wrapper.classList.toggle("d-none", hidden);
    wrapper.setAttribute("data-hidden", hidden ? "1" : "0");
  }

  function setRequiredMark(field, required) {
    var label = wrapperOf(field).querySelector("label");
    if (!label) return;
    var mark = label.querySelector(".js-required-mark");
    if (required && !mark) {
      mark = document.createElement("span");
      mark.className = "asteriskField js-required-mark";
      mark.textContent = "*";
      label.appendChild(mark);
    } else if (!required && mark) {
      mark.remove();
    }
  }

  // 学历信息: "评审依据学历同全日制学历" hides the review block while it is ticked.
  function applySameAs(root) {
    root.querySelectorAll("[data-hidden-by]").forEach(function (field) {
      var scope = field.form || document;
      var box = scope.querySelector("[name='" + CSS.escape(field.dataset.hiddenBy) + "']");
      if (box) setHidden(field, box.checked);
    });
  }

  // 代表性成果: each row shows the fields of its chosen category only.
  function applyCategory(select) {
    var row = select.closest("[data-testid=row]") || select.form;
    if (!row) return;
    var chosen = select.value;
    row.querySelectorAll("[data-categories]").forEach(function (field) {
      var categories = field.dataset.categories.split(" ");
      var requiredFor = (field.dataset.requiredFor || "").split(" ");
      setHidden(field, categories.indexOf(chosen) === -1);
      setRequiredMark(field, chosen !== "" && requiredFor.indexOf(chosen) !== -1);
    });
  }

  function apply(root) {
    applySameAs(root);
    root.querySelectorAll("[data-category-select]").forEach(applyCategory);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-hides]")) applySameAs(target.form || document);
    if (target.matches("[data-category-select]")) applyCategory(target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    apply(document);
  });
  // Rows added or removed come back in a new form (htmx swaps it).
  document.addEventListener("htmx:load", function (event) {
    apply(event.target);
  });
})();
