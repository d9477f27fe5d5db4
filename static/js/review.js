// The review page (review/detail.html): folded sections, the section navigation, PDF previews
// on demand, section results saved as soon as they are chosen, and the decision bar waiting for
// those saves. No inline script (CSP); every text comes from the page (translated there).
(function () {
  "use strict";

  var DESKTOP = window.matchMedia("(min-width: 992px)");
  var saving = new Set(); // result forms whose save has been asked for and not answered yet
  var pendingDecision = null; // a decision link clicked while a save was still running

  function sectionOf(code) {
    return document.getElementById("section-" + code);
  }

  function openSection(section) {
    var details = section && section.querySelector(".section-details");
    if (details) details.open = true;
  }

  function openFromHash() {
    var match = /^#section-([a-z_]+)$/.exec(window.location.hash);
    if (match) openSection(sectionOf(match[1]));
  }

  // The phone's jump menu opens and folds at once (no animation): folded before the browser
  // scrolls to the chosen section, it does not move that section away from the top.
  function setPhoneMenu(open) {
    var list = document.getElementById("section-nav-list");
    if (!list) return;
    list.classList.toggle("show", open);
    document.querySelectorAll("[data-nav-toggle]").forEach(function (button) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function closePhoneMenu() {
    if (!DESKTOP.matches) setPhoneMenu(false);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-nav-toggle]");
    if (!button) return;
    setPhoneMenu(button.getAttribute("aria-expanded") !== "true");
  });

  function init() {
    if (!document.getElementById("review-sections")) return;
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    openFromHash();
  }

  // Links to a section (the navigation, the diff, the decision bar's failed list) open it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#section-']");
    if (!link) return;
    openSection(document.querySelector(link.getAttribute("href")));
    if (link.closest("#section-nav")) closePhoneMenu();
  });
  window.addEventListener("hashchange", openFromHash);

  // 全部展开 / 全部收起.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-sections]");
    if (!button) return;
    var open = button.getAttribute("data-sections") === "open";
    document.querySelectorAll(".section-details").forEach(function (d) { d.open = open; });
  });

  // 预览: frame a PDF only when asked for (and fold it away again).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pdf-preview]");
    if (!button) return;
    var file = button.closest("[data-testid=review-file]");
    var box = document.getElementById(button.getAttribute("aria-controls"));
    var template = file && file.querySelector("template[data-pdf-frame]");
    if (!box || !template) return;
    if (!box.firstElementChild) box.appendChild(template.content.cloneNode(true));
    box.hidden = !box.hidden;
    button.setAttribute("aria-expanded", box.hidden ? "false" : "true");
    button.textContent = button.getAttribute(box.hidden ? "data-label-open" : "data-label-close");
  });

  function save(form) {
    saving.add(form.getAttribute("action"));
    showSaving(true);
    window.htmx.trigger(form, "save");
  }

  function failing(form) {
    var choice = form.querySelector("input[type=radio]:checked");
    return Boolean(choice && choice.value === "fail");
  }

  // A section's result is saved when it is chosen: 通过 at once; 不通过 once the reason is
  // entered (when the field is left). Choosing 不通过 with no reason yet asks for it.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-section-result]");
    if (!form || !window.htmx) return;
    var reason = form.querySelector("textarea");
    if (event.target === reason && !failing(form)) return;
    if (failing(form) && reason && !reason.value.trim()) {
      if (event.target !== reason) reason.focus();
      return;
    }
    save(form);
  });

  // Leaving the reason empty after choosing 不通过 is refused next to the field (the server
  // says why); unless the reviewer went on to 通过 or back into the form meanwhile.
  document.addEventListener("focusout", function (event) {
    var reason = event.target;
    var form = reason.closest && reason.closest("form[data-section-result]");
    if (!form || reason.tagName !== "TEXTAREA" || !window.htmx) return;
    window.setTimeout(function () {
      if (!form.isConnected || !failing(form) || reason.value.trim()) return;
      if (form.contains(document.activeElement)) return;
      save(form);
    }, 200);
  });

  // A save has been answered. (htmx tells from the section when the form itself was swapped
  // out, so the request is known by its path, the form's action.)
  function settled(event) {
    var path = event.detail && event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (!path || !saving.has(path)) return;
    saving.delete(path);
    if (saving.size) return;
    showSaving(false);
    if (pendingDecision) {
      var href = pendingDecision;
      pendingDecision = null;
      // The decision panel was swapped with this save: follow its fresh link (its ?seen=).
      var fresh = document.querySelector("[data-decide][data-testid='" + href.testid + "']");
      window.location.href = fresh ? fresh.href : href.url;
    }
  }
  document.addEventListener("htmx:afterRequest", settled);
  document.addEventListener("htmx:sendError", settled);

  function showSaving(on) {
    var note = document.querySelector("#decision [data-saving]");
    if (note) note.hidden = !(on && pendingDecision);
  }

  // A decision clicked while a result is being saved waits for it (its page lists the results).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-decide]");
    if (!link || !saving.size) return;
    event.preventDefault();
    pendingDecision = { url: link.href, testid: link.getAttribute("data-testid") };
    showSaving(true);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
