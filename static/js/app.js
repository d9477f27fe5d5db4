// Site behaviour without inline script (the Content Security Policy forbids it).
(function () {
  "use strict";

  // Click the captcha picture (or its 换一张 button, reachable by keyboard) to get a new one.
  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("img.captcha, .captcha-refresh");
    if (!trigger) return;
    var field = trigger.parentElement;
    var img = field.querySelector("img.captcha");
    if (!img) return;
    fetch("/captcha/refresh/", { headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        img.src = data.image_url;
        var hidden = field.querySelector("input[name$='captcha_0']");
        if (hidden) hidden.value = data.key;
        var input = field.querySelector("input[name$='captcha_1']");
        if (input) { input.value = ""; input.focus(); }
      });
  });

  // <form data-confirm="..."> asks before an irreversible action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (!question) {
      var submitter = event.submitter;
      question = submitter && submitter.getAttribute("data-confirm");
    }
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // ---------------------------------------------------------------- accessibility

  // Move focus to an element that is not focusable by itself (a heading, a message).
  function focusOn(el) {
    if (!el) return false;
    if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
    return document.activeElement === el;
  }

  function visible(el) {
    return Boolean(el && el.getClientRects().length) && !el.closest("[hidden], .d-none");
  }

  // Tell screen readers about a result (the live region in base.html).
  function announce(text) {
    var live = document.getElementById("live-status");
    if (!live || !text) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

  // Where focus goes in a region the server sent back: the first refused field, an error or
  // status message, the element that had focus (same id), the region's heading, the region.
  function focusInRegion(region, previousId) {
    var invalid = Array.prototype.filter.call(
      region.querySelectorAll(".is-invalid, [aria-invalid=true]"), visible
    )[0];
    if (invalid && invalid.matches(FIELDS)) return focusOn(invalid);
    var message = Array.prototype.filter.call(
      region.querySelectorAll("[role=alert], [role=status], [data-swap-focus]"),
      function (el) { return visible(el) && el.textContent.trim(); }
    )[0];
    if (message) {
      announce(message.textContent.trim());
      return focusOn(message);
    }
    var same = previousId && document.getElementById(previousId);
    if (same && region.contains(same) && visible(same)) return focusOn(same);
    var heading = region.querySelector("h1, h2, h3, h4, h5, h6, legend, .row-legend");
    if (heading && visible(heading)) return focusOn(heading);
    return focusOn(region);
  }

  // htmx swaps: the element that had focus is replaced, and focus would fall back to <body>.
  var swap = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    swap = {
      id: target && target.id,
      hadFocus: Boolean(
        target && active && active !== document.body &&
        (target.contains(active) || (trigger && trigger === active))
      ),
      focusedId: active && active.id,
      trigger: trigger && trigger.getAttribute && trigger.getAttribute("name"),
    };
  });
  document.addEventListener("htmx:afterSettle", function () {
    var pending = swap;
    swap = null;
    markScrollableTables(document);
    if (!pending || !pending.hadFocus) return;
    var region = pending.id && document.getElementById(pending.id);
    if (!region) return;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) {
      // htmx gave focus back to the control with the same id (a result's radio button): it
      // stays there, and the result is read out.
      var said = region.querySelector("[role=status], [role=alert]");
      if (said && said.textContent.trim()) announce(said.textContent.trim());
      return;
    }
    if (pending.trigger === "add_row") {
      // 添加一行: the new row's first field.
      var rows = Array.prototype.filter.call(region.querySelectorAll("[data-testid=row]"), visible);
      var last = rows[rows.length - 1];
      var field = last && Array.prototype.filter.call(last.querySelectorAll(FIELDS), visible)[0];
      if (field) { field.focus(); return; }
    }
    if (pending.trigger === "remove_row") {
      var add = region.querySelector("[name=add_row]");
      if (add) { add.focus(); return; }
    }
    focusInRegion(region, pending.focusedId);
  });

  // A page that opens with the result of what was just done (a saved section, a refused form)
  // puts focus on that message, so keyboard and screen reader users learn it first.
  function focusResultOnLoad() {
    var main = document.getElementById("main");
    if (!main || window.location.hash) return;
    var active = document.activeElement;
    if (active && active !== document.body) return;
    var message = main.querySelector(".messages, [data-testid=form-errors]");
    if (message && visible(message)) focusOn(message);
  }

  // Tables wider than the screen scroll sideways in their .table-responsive wrapper; a wrapper
  // that scrolls becomes a focusable, named region, so the keyboard can scroll it.
  function markScrollableTables(root) {
    root.querySelectorAll(".table-responsive").forEach(function (wrapper) {
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      if (scrolls && !wrapper.hasAttribute("tabindex")) {
        var table = wrapper.querySelector("table");
        var caption = table && table.querySelector("caption");
        var label = wrapper.getAttribute("aria-label") ||
          (caption && caption.textContent.trim()) ||
          (table && table.getAttribute("aria-label")) ||
          nearestHeading(wrapper) || document.documentElement.getAttribute("data-table-label");
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", label || "");
        wrapper.classList.add("table-region");
      } else if (!scrolls && wrapper.classList.contains("table-region")) {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
        wrapper.classList.remove("table-region");
      }
    });
  }

  function nearestHeading(el) {
    for (var node = el; node && node !== document.body; node = node.parentElement) {
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        var heading = sibling.matches("h1, h2, h3, h4, h5, h6")
          ? sibling : sibling.querySelector("h1, h2, h3, h4, h5, h6");
        if (heading && heading.textContent.trim()) return heading.textContent.trim();
      }
    }
    return "";
  }

  // A skip link moves focus to its target (not only the scroll position).
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".skip-link");
    if (!link) return;
    var target = document.querySelector(link.getAttribute("href"));
    if (!target) return;
    event.preventDefault();
    if (target.tagName === "DETAILS") target.open = true;
    focusOn(target);
    target.scrollIntoView({ block: "start" });
  });

  document.addEventListener("DOMContentLoaded", function () {
    markScrollableTables(document);
    focusResultOnLoad();
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () { markScrollableTables(document); }, 200);
  });
})();
