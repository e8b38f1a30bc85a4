// Korean for sphinx-copybutton, which ships no Korean messages; its `messages` and `locale` are
// globals read when the buttons are made. Loaded on the Korean book only (tools/language_switch.py).
if (typeof messages !== "undefined" && document.documentElement.lang === "ko") {
  messages.ko = {
    copy: "복사",
    copy_to_clipboard: "클립보드에 복사",
    copy_success: "복사했습니다",
    copy_failure: "복사하지 못했습니다",
  };
  locale = "ko";
}
