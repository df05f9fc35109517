// Amendment form: choosing a paragraph puts its current text in the replacement box, as long
// as the person has not started writing there. Paragraphs come from a json_script element.
// The script is deferred: a paragraph chosen before it ran is applied when it starts.
(function () {
  "use strict";
  var data = document.getElementById("amendment-paragraphs");
  var select = document.getElementById("id_paragraph");
  var textarea = document.getElementById("id_replacement_text");
  if (!data || !select || !textarea) {
    return;
  }
  var paragraphs = JSON.parse(data.textContent);
  var whole = paragraphs.join("\n\n");
  var untouched =
    textarea.value === "" || textarea.value === whole || paragraphs.indexOf(textarea.value) !== -1;
  textarea.addEventListener("input", function () {
    untouched = false;
  });
  function showChosenParagraph() {
    if (!untouched) {
      return;
    }
    var index = select.value === "" ? -1 : parseInt(select.value, 10);
    textarea.value = index >= 0 && index < paragraphs.length ? paragraphs[index] : whole;
  }
  select.addEventListener("change", showChosenParagraph);
  if (select.value !== "") {
    showChosenParagraph();
  }
})();
