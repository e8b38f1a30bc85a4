"""Prints each book to one PDF (make pdf): Sphinx's singlehtml builder puts a whole book on one
page, which Debian's chromium, driven by Playwright as in the tests, prints with its math
typeset by the site's own MathJax, its figures and outputs, and Hangul from fonts-nanum.
Chromium adds the PDF's outline (bookmarks) from the headings and a text layer.

Writes _build/pdf/lstm-gru-ko.pdf and lstm-gru-en.pdf and puts them in the site beside each
book's landing page, which links to its PDF. Run it after tools/build_site.py (make book).
"""

import os
import shutil
import subprocess
import sys

from build_site import BOOKS, BUILD, HTML, LANDING, PDFS, ROOT, build_books

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FOOTER = (
    '<div style="width:100%; text-align:center; font-size:8px; color:#555">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def print_book(lang):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        print_page(browser.new_page(), lang)
        browser.close()
    path = BUILD / "pdf" / PDFS[lang]
    shutil.copy2(path, HTML / BOOKS[lang] / PDFS[lang])
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 2**20:.1f} MiB", flush=True)


def print_page(page, lang):
    page.goto((BUILD / lang / "singlehtml" / f"{LANDING[lang]}.html").as_uri(), wait_until="load")
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise)
            await MathJax.startup.promise;
        await Promise.all([...document.images].map(img => {
            img.loading = "eager";
            return img.complete ? null : new Promise(done => {
                img.addEventListener("load", done); img.addEventListener("error", done); });
        }));
    }""")
    page.pdf(
        path=BUILD / "pdf" / PDFS[lang],
        format="A4",
        print_background=True,
        outline=True,
        tagged=True,
        margin={"top": "16mm", "bottom": "16mm", "left": "15mm", "right": "15mm"},
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
    )


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--print":
        return print_book(sys.argv[2])
    (BUILD / "pdf").mkdir(parents=True, exist_ok=True)
    build_books(builder="singlehtml")
    # both books at once, a chromium each
    printers = [subprocess.Popen([sys.executable, __file__, "--print", lang]) for lang in BOOKS]
    if any([printer.wait() for printer in printers]):
        sys.exit("printing failed")


if __name__ == "__main__":
    main()
