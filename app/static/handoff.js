// Handoff's few lines of progressive enhancement. Every page works without them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Changing the diff selectors shows the differences at once.
  for (const select of document.querySelectorAll("select#diff-a, select#diff-b")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});
