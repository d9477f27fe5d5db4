// Site behaviour without inline script (the Content Security Policy forbids it).
(function () {
  "use strict";

  // Click the captcha picture to get a new one.
  document.addEventListener("click", function (event) {
    var img = event.target.closest("img.captcha");
    if (!img) return;
    var field = img.parentElement;
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
})();
