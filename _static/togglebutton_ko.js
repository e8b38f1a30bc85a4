// Korean for sphinx-togglebutton's button, whose script writes its label in English
// (aria-label="Toggle hidden content"); the visible hints come from togglebutton_hint, which
// tools/language_switch.py sets for the Korean book. Acts on Korean pages only.
document.addEventListener("DOMContentLoaded", () => {
  if (document.documentElement.lang !== "ko") return;
  setTimeout(() => {  // after togglebutton.js has added its buttons
    document.querySelectorAll("button.toggle-button").forEach((button) => {
      button.setAttribute("aria-label", "숨긴 내용 펼치기·접기");
    });
  }, 0);
});
