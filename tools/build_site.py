"""Builds the site as two books, one per language: Sphinx has a single `language` per build
(interface strings, search), so the Korean and the English book are two Sphinx builds of the
same sources, each reading _config.yml and the part of _toc.yml in its language.

Each book is built into _build/<lang>/html/, then the site is put together in _build/html/:
- Korean, the book's first language, is the site's root: intro.html, chapters/ko/*.html and
  solutions/ko/*.html keep the addresses they always had.
- English lives under en/: en/intro_en.html, en/chapters/en/*.html, ...; the English pages'
  old addresses (chapters/en/*.html, solutions/en/*.html) become redirects.

A page belongs to a language by its path (chapters/ko/..., solutions/en/...), so a chapter
added to _toc.yml lands in the right book without touching this file. Each book's landing
page is language_switch.LANDING[lang]; _toc.yml's root is the Korean one.

    python tools/build_site.py [--all]     # both books; --all re-reads every page

tools/build_pdf.py prints each book to a PDF (_build/pdf/), which the site carries beside the
book's landing page once it exists.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from language_switch import BOOKS, LANDING, PAGE, in_book  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
PDFS = {"ko": "lstm-gru-ko.pdf", "en": "lstm-gru-en.pdf"}  # the landing pages link to these
REDIRECT = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="{href}">
<meta http-equiv="refresh" content="0; url={href}">
<script>location.replace({href_js} + location.hash)</script>
</head><body><p><a href="{href}">{title}</a></p></body></html>
"""


def toc_for(lang):
    """_toc.yml with the landing page of `lang` as root and only the pages of `lang`."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

    def keep(entries):
        kept = []
        for entry in entries:
            if "file" in entry and not in_book(entry["file"], lang):
                continue
            entry = dict(entry)
            for key in ("chapters", "sections"):
                if key in entry:
                    entry[key] = keep(entry[key])
            if "file" in entry or entry.get("chapters"):
                kept.append(entry)
        return kept

    toc["root"] = LANDING[lang]
    for key in ("parts", "chapters"):
        if key in toc:
            toc[key] = keep(toc[key])
    path = BUILD / lang / "_toc.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_book(lang, fresh, builder="html"):
    """One Sphinx build (jupyter-book's own entry point) into _build/<lang>/<builder>/."""
    from jupyter_book.sphinx import build_sphinx

    return build_sphinx(
        ROOT,
        BUILD / lang / builder,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        builder=builder,
        confoverrides={
            "external_toc_path": toc_for(lang).as_posix(),
            "language": lang,
            "nitpicky": True,
            "latex_individualpages": False,
        },
        warningiserror=True,
        keep_going=True,
        freshenv=fresh,
    )


def put_together():
    """_build/html/: each book in its folder, and a redirect at each moved page's old address."""
    shutil.rmtree(HTML, ignore_errors=True)
    for lang, folder in BOOKS.items():
        shutil.copytree(BUILD / lang / "html", HTML / folder, dirs_exist_ok=True)
        if (BUILD / "pdf" / PDFS[lang]).exists():
            shutil.copy2(BUILD / "pdf" / PDFS[lang], HTML / folder / PDFS[lang])
    for lang, folder in BOOKS.items():
        for page in sorted((HTML / folder).glob("**/*.html")) if folder else ():
            docname = page.relative_to(HTML / folder).with_suffix("").as_posix()
            old = HTML / f"{docname}.html"
            if not PAGE.match(docname) or old.exists():
                continue
            href = "../" * docname.count("/") + f"{folder}{docname}.html"
            title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
            old.parent.mkdir(parents=True, exist_ok=True)
            old.write_text(
                REDIRECT.format(
                    lang=lang, title=title[1].strip(), href=href, href_js=json.dumps(href)
                ),
                encoding="utf-8",
            )


def build_books(options=(), builder="html"):
    """Both books at once, each in a process of its own (Sphinx keeps its translations in
    module state); their logs are printed one after the other."""

    def build(lang):
        command = [sys.executable, __file__, "--lang", lang, "--builder", builder, *options]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)

    with ThreadPoolExecutor() as pool:
        results = dict(zip(BOOKS, pool.map(build, BOOKS), strict=True))
    for lang, result in results.items():
        # jupyter-book ends with "The HTML pages are in _build/<lang>/html.": not the site
        log = re.sub(r"(?m)^.*The HTML pages are in .*\n?", "", result.stdout)
        print(f"--- the {lang} book ({builder}) -> _build/{lang}/{builder}/\n{log}{result.stderr}")
    failed = [lang for lang, result in results.items() if result.returncode]
    if failed:
        sys.exit(f"failed to build: {', '.join(failed)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="re-read every page")
    parser.add_argument("--lang", choices=sorted(BOOKS), help=argparse.SUPPRESS)
    parser.add_argument("--builder", default="html", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lang:  # one book; Sphinx keeps its translations in module state: one per process
        sys.exit(build_book(args.lang, args.all, args.builder))
    build_books(["--all"] if args.all else [])
    put_together()
    print(
        f"The site is in {HTML.relative_to(ROOT)}/ (the Korean book at its root, the English one "
        f"under en/): open {HTML / 'index.html'} in a browser, or serve it with "
        f"`python -m http.server -d {HTML.relative_to(ROOT)}` and open http://localhost:8000/."
    )


if __name__ == "__main__":
    main()
