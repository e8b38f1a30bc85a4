"""Sphinx extension: one book per language, linked page to page. Sphinx has a single `language`
per build, so tools/build_site.py builds the Korean and the English book separately; this
extension makes each build its language's book and joins the two.

Where the books live is BOOKS (Korean at the site's root, English under en/); their landing
pages are LANDING. A page under a ko/ or en/ folder (chapters/ko/X, solutions/en/X) belongs to
that language's book and its twin is the same path in the other language. On every HTML page:
- a link to the twin, under the twin's own title, at the top of the article
  (<p class="language-switch">) and <link rel="alternate" hreflang> for both;
- `other_book`, the link to the other book's landing page that _templates/other-book.html
  puts in the sidebar;
- the search field's placeholder, the book's title and author (written in English in
  _config.yml) translated through the message catalog in locale/.
The interface strings come from locale/<lang>/LC_MESSAGES/: Sphinx compiles and loads
sphinx.po (Sphinx's and pydata-sphinx-theme's strings, and the book's own); this extension
compiles booktheme.po and puts it in place of sphinx-book-theme's Korean catalog, a machine
translation ("Launch" as "시작하다"). sphinx-copybutton has no catalog: _static/copybutton_ko.js
gives it Korean messages. sphinx-togglebutton writes its hints in English before the language is
known and its button label always in English: the Korean book gets its hints from here and its
label from _static/togglebutton_ko.js.

Each plot in a cell output gets the alt text of its caption: the paragraph right after the cell
that starts with "그림:" or "Figure:" (code cells, and so plot outputs, are shared by both
languages; the captions are not). A plot without a caption is a build warning. The second copy
of an identical inline script is dropped (Sphinx 7.4 emits sphinx-thebe's THEBE_JS_URL twice,
which the browser reports as a redeclaration error).
"""

import html
import json
import posixpath
import re
from pathlib import Path

import sphinx.locale
from docutils import nodes
from docutils.utils import smartquotes
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.i18n import CatalogRepository

BOOKS = {"ko": "", "en": "en/"}  # each book's folder in the site (_build/html/)
LANDING = {"ko": "intro", "en": "intro_en"}  # each book's landing page (intro: _toc.yml's root)
OTHER = {"ko": "en", "en": "ko"}
LANGUAGES = {"ko": "한국어", "en": "English"}  # the twin link: "English: <title>"
EDITIONS = {"ko": "한국어판", "en": "English edition"}  # the sidebar link to the other book
THEME_CATALOGS = ("booktheme",)  # gettext domains of the themes that the book uses
PAGE = re.compile(r"^(?P<part>.+)/(?P<lang>ko|en)/(?P<name>[^/]+)$")
CAPTION = re.compile(r"^\s*(그림|Figure)\s*\d*\s*[:.]\s*")

logger = logging.getLogger(__name__)


def in_book(docname, lang):
    """Pages under a ko/ or en/ folder and the landing pages belong to one book, others to both."""
    match = PAGE.match(docname)
    if match:
        return match["lang"] == lang
    return docname == LANDING[lang] or docname not in LANDING.values()


def twin_of(docname, lang):
    match = PAGE.match(docname)
    if docname == LANDING[lang]:
        return LANDING[OTHER[lang]]
    if match and match["lang"] == lang:
        return f"{match['part']}/{OTHER[lang]}/{match['name']}"
    return None


def source_title(srcdir, docname, lang):
    """The first '# ' heading of a page's source (the twin is not in this build), with the
    typographic quotes Sphinx gives titles (Keras' -> Keras’)."""
    for suffix in (".ipynb", ".md"):
        path = Path(srcdir, docname + suffix)
        if path.exists():
            text = path.read_text(encoding="utf-8")
            if suffix == ".ipynb":
                text = "\n".join(
                    "".join(cell["source"])
                    for cell in json.loads(text)["cells"]
                    if cell["cell_type"] == "markdown"
                )
            match = re.search(r"^# (.+)$", text, re.M)
            return match and smartquotes.smartyPants(match[1].replace("`", "").strip(), "qDe", lang)
    return None


def use_our_catalogs(app, config):
    """Compiles locale/<lang>/*.po and puts them before the themes' own catalogs."""
    repo = CatalogRepository(
        app.srcdir, config.locale_dirs, config.language, config.source_encoding
    )
    for catalog in repo.catalogs:
        if catalog.is_outdated():
            catalog.write_mo(config.language)
    for domain in THEME_CATALOGS:  # ours only: a string they lack stays English (and a test fails)
        sphinx.locale.translators.pop(("general", domain), None)
        sphinx.locale.init(list(repo.locale_dirs), config.language, domain)


def add_korean_copy_button(app):
    if app.config.language == "ko":  # sphinx-copybutton has no Korean messages
        app.add_js_file("copybutton_ko.js")
        app.add_js_file("togglebutton_ko.js")  # sphinx-togglebutton's aria-label


def translate_toggle_hints(app, config):
    """sphinx-togglebutton computes its hints in English when it is set up, before the book's
    language is known, and MyST-NB has no Korean prompts: give the Korean book Korean words."""
    if config.language == "ko":
        config.togglebutton_hint = "표시하려면 클릭"
        config.togglebutton_hint_hide = "숨기려면 클릭"
        # MyST-NB's prompts on cells tagged hide-input or hide-output ("Show code cell source")
        config.nb_code_prompt_show = "접힌 셀 펼치기"
        config.nb_code_prompt_hide = "셀 접기"


def caption_alt_text(app, doctree, docname):
    """Alt text for images in cell outputs, from the caption paragraph after the cell."""
    for output in doctree.findall(nodes.container):
        if output.get("nb_element") != "cell_code_output":
            continue
        images = [img for img in output.findall(nodes.image) if not img.get("alt")]
        if not images:
            continue
        cell = output.parent
        following = cell.next_node(descend=False, siblings=True)
        text = following.astext() if isinstance(following, nodes.paragraph) else ""
        if CAPTION.match(text):
            following["classes"].append("plot-caption")
            for img in images:
                img["alt"] = " ".join(CAPTION.sub("", text).split())
        else:
            logger.warning(
                "plot without a caption: start the paragraph after the cell "
                "with '그림:' or 'Figure:' (its text becomes the alt text)",
                location=cell,
                type="language_switch",
                subtype="caption",
            )


def add_language(app, pagename, templatename, context, doctree):
    seen, scripts = set(), []
    for js in context.get("script_files", []):
        key = (str(js.filename or ""), js.priority, tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            scripts.append(js)
    context["script_files"] = scripts
    # English in _config.yml, translated here (changing the config would re-read every page)
    context["theme_search_bar_text"] = _(context.get("theme_search_bar_text", ""))
    context["docstitle"] = _(app.config.html_title)
    if context.get("author"):
        context["author"] = _(context["author"])

    lang = app.config.language
    if app.builder.name != "html" or lang not in BOOKS:
        return  # the PDF (singlehtml) links to neither book
    other = OTHER[lang]
    site_root = "../" * (pagename.count("/") + BOOKS[lang].count("/"))
    context["other_book"] = {
        "href": f"{site_root}{BOOKS[other]}{LANDING[other]}.html",
        "lang": other,
        "label": EDITIONS[other],
    }
    twin = twin_of(pagename, lang)
    title = twin and source_title(app.srcdir, twin, other)
    if not title:
        return
    href = html.escape(f"{site_root}{BOOKS[other]}{twin}.html")
    self_href = html.escape(posixpath.basename(app.builder.get_target_uri(pagename)))
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{lang}" href="{self_href}" />'
        f'\n<link rel="alternate" hreflang="{other}" href="{href}" />'
    )
    context["body"] = (
        f'<p class="language-switch"><a href="{href}" hreflang="{other}" lang="{other}">'
        f"{LANGUAGES[other]}: {html.escape(title)}</a></p>\n" + context.get("body", "")
    )


def name_collapsed_cells_by_their_text(app, pagename, templatename, context, doctree):
    """MyST-NB labels the summary of a collapsed cell (hide-input, hide-output) "Toggle hidden
    content": English on Korean pages, and a name that differs from the visible prompt, which
    screen readers announce instead of it. Without the label the visible prompt names it."""
    context["body"] = context.get("body", "").replace(
        '<summary aria-label="Toggle hidden content">', "<summary>"
    )


def setup(app):
    app.connect("config-inited", use_our_catalogs)
    app.connect("config-inited", translate_toggle_hints, priority=400)  # before togglebutton's
    app.connect("builder-inited", add_korean_copy_button)
    app.connect("doctree-resolved", caption_alt_text)
    app.connect("html-page-context", add_language)
    app.connect("html-page-context", name_collapsed_cells_by_their_text)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
