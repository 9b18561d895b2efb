/* "Copy" button for the citation on a document page. Added by script, so a reader without JavaScript
   never sees a button that does nothing; works from file:// (clipboard API, else a selection copy). */
(function () {
  "use strict";
  var text = document.getElementById("citation");
  if (!text) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = text.getAttribute("data-copy-label");
  var status = document.createElement("span");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  function done() { status.textContent = text.getAttribute("data-copied-label"); }
  function fallback() {
    var range = document.createRange();
    range.selectNodeContents(text);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (document.execCommand("copy")) done();
  }
  button.addEventListener("click", function () {
    var plain = text.textContent.replace(/\s+/g, " ").trim();
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(plain).then(done, fallback);
    } else {
      fallback();
    }
  });
  text.parentNode.insertBefore(button, text.nextSibling);
  text.parentNode.insertBefore(status, button.nextSibling);
})();
