"""Sphinx extension: one site, two languages. Sphinx has a single `language` per site, so this
marks each page under */ko/ and */en/ with its own language and links it to its twin.

For chapters/ko/X and solutions/ko/X (and the en twins), on every HTML page it
- sets <html lang="ko"> or lang="en" and adds <link rel="alternate" hreflang> for both twins;
- puts a link to the twin, under the twin's own title, at the top of the article
  (<p class="language-switch">);
- gives each plot in a cell output the alt text of its caption: the paragraph right after
  the cell that starts with "그림:" or "Figure:" (code cells, and so plot outputs, are shared
  by both languages; the captions are not). A plot without a caption is a build warning.
It also drops the second copy of an identical inline script (Sphinx 7.4 emits sphinx-thebe's
THEBE_JS_URL twice, which the browser reports as a redeclaration error).
"""
import html
import posixpath
import re

from docutils import nodes
from sphinx.util import logging

LANGUAGES = {"ko": "한국어", "en": "English"}
PAGE = re.compile(r"^(?P<part>chapters|solutions)/(?P<lang>ko|en)/(?P<name>[^/]+)$")
CAPTION = re.compile(r"^\s*(그림|Figure)\s*\d*\s*[:.]\s*")

logger = logging.getLogger(__name__)


def page_language(pagename):
    match = PAGE.match(pagename)
    return match["lang"] if match else None


def twin_of(pagename):
    match = PAGE.match(pagename)
    if not match:
        return None
    other = "en" if match["lang"] == "ko" else "ko"
    return f"{match['part']}/{other}/{match['name']}", other


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
            logger.warning("plot without a caption: start the paragraph after the cell "
                           "with '그림:' or 'Figure:' (its text becomes the alt text)",
                           location=cell, type="language_switch", subtype="caption")


def add_language(app, pagename, templatename, context, doctree):
    seen, scripts = set(), []
    for js in context.get("script_files", []):
        key = (str(js.filename or ""), js.priority, tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            scripts.append(js)
    context["script_files"] = scripts

    lang = page_language(pagename)
    if lang is None:
        return
    context["language"] = lang
    twin, other = twin_of(pagename)
    if twin not in app.env.all_docs:
        return
    href = html.escape(context["pathto"](twin))
    self_href = html.escape(posixpath.basename(app.builder.get_target_uri(pagename)))
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{lang}" href="{self_href}" />'
        f'\n<link rel="alternate" hreflang="{other}" href="{href}" />')
    title = html.escape(app.env.titles[twin].astext())
    context["body"] = (
        f'<p class="language-switch"><a href="{href}" hreflang="{other}" lang="{other}">'
        f'{LANGUAGES[other]}: {title}</a></p>\n' + context.get("body", ""))


def setup(app):
    app.connect("doctree-resolved", caption_alt_text)
    app.connect("html-page-context", add_language)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
