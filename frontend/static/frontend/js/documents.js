// Documents: opening a paragraph's comment form moves the focus into it, and a link to
// "#p-N" opens that paragraph's form. Everything works without this file.
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("[data-doc-comment]") || !details.open) return;
    var field = details.querySelector("textarea");
    if (field) field.focus();
  }, true);
  var hash = window.location.hash;
  if (/^#p-\d+$/.test(hash)) {
    var target = document.getElementById(hash.slice(1));
    var details = target && target.querySelector("[data-doc-comment]");
    if (details) details.open = true;
  }
})();
