"""The published site: two books, Korean at the site's root and English under en/, built as
`make pdf` builds them (tools/build_site.py, tools/build_pdf.py), served on 127.0.0.1 and read
page by page in Debian's chromium (driven by Playwright, whose own browsers are never
downloaded).

Promises, for every page of both books (and each book's index and search pages):
- no console error, no failed request, no request to another host (no font or script CDN);
  the search index is loaded by the search page alone;
- <html lang> is the book's language, and so is every interface string: a Korean page shows no
  English word outside proper names and keys, an English page no Hangul (links into the other
  book, marked with their own lang, aside);
- the sidebar lists this book's pages in the order of _toc.yml (landing page, chapters,
  solutions) and has one link to the other book; the language switch at the top of the article
  leads to the twin page, under the twin's title;
- math typeset by the site's own MathJax; every image loaded, with alt text in the page's
  language; Binder, Colab, repository and download buttons on notebook pages;
- Korean text breaks between words (word-break: keep-all) and is drawn with a Hangul font;
- axe-core finds no serious or critical accessibility violation.
Then: search finds Korean words with particles attached, lists a page once (a glossary term it
names adds one link to its definition) and stays in its book; the English
pages' old addresses redirect; every internal link resolves; each book's PDF has its chapters
in order, its figures, and (Korean) Hangul in its text layer and fonts.
The site is built once per session, by whichever pytest worker needs it first (the others
wait for it); the page tests then spread over the workers, one page each.
Screenshots go to _build/screenshots/, numbers to _build/site_report.json.
"""

import datetime
import fcntl
import functools
import html
import http.server
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit

import pytest
import yaml
from build_site import BUILD, HTML
from build_site import PDFS as PDF
from language_switch import BOOKS as FOLDER
from language_switch import LANDING, OTHER, PAGE, twin_of
from notebooks import ROOT, read, toc_entries

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(
    os.environ.get(
        "AXE", ROOT / ".venv" / "npm" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
    )
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
HANGUL_FONT = re.compile(r"Nanum|Apple SD Gothic|Malgun|Noto Sans (CJK|Mono CJK )?KR", re.I)
SCREENSHOTS = {"ko/chapters/ko/02_lstm_gru_imdb", "en/chapters/en/02_lstm_gru_imdb"}

SWITCH_LABEL = {"ko": "한국어", "en": "English"}

# English words a Korean page may show: proper names, keys, file types
ALLOWED_LATIN = {
    "binder",
    "colab",
    "github",
    "jupyterhub",
    "javascript",
    "ctrl",
    "pdf",
    "ipynb",
    "md",
    "lstm",
    "gru",
    "imdb",
    "keras",
    "simplernn",
    "numpy",
    "tensorflow",
}
# Korean queries of issue 12 (and one with a particle attached), English ones
SEARCHES = {"ko": ["상태", "게이트", "드롭아웃", "임베딩", "게이트를"], "en": ["state", "gate"]}


def book_pages(lang):
    """The book's pages in reading order: its landing page, then the toc's pages in its folder."""
    pages = [entry for entry in toc_entries()[1:] if (m := PAGE.match(entry)) and m[2] == lang]
    return [LANDING[lang]] + pages


PAGES = [
    (lang, docname) for lang in FOLDER for docname in book_pages(lang) + ["genindex", "search"]
]


def test_the_korean_landing_page_is_the_root_of_the_toc():
    assert toc_entries()[0] == LANDING["ko"]


def url_of(base, lang, docname):
    return urljoin(base, f"{FOLDER[lang]}{docname}.html")


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id):
    """A folder this session's workers share (pytest -n), or this session's own without -n."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


def once(shared, name, work):
    """Runs work() in the first worker that asks; the others wait for it and get its result."""
    done = shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            done.write_text(json.dumps(work()), encoding="utf-8")
    return json.loads(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def report(request, shared):
    data = {"pages": {}, "searches": {}, "pdf": {}}
    yield data
    BUILD.mkdir(exist_ok=True)
    path = BUILD / "site_report.json"
    with open(shared / "report.lock", "w") as lock:  # each worker adds what it measured
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if old.get("session") == str(shared):
            for key in ("pages", "searches", "pdf"):
                data[key] = {**old.get(key, {}), **data[key]}
            data = {**old, **data}
        data["session"] = str(shared)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    pages = data["pages"]
    lines = [
        f"site: build {data.get('build_s', '?')} s, PDFs {data.get('pdf_s', '?')} s, "
        f"{len(pages)} pages read in chromium, "
        f"{data.get('links_checked', '?')} internal links checked "
        f"({data.get('html_files', '?')} HTML files)"
    ]
    if pages:
        name, largest = max(pages.items(), key=lambda item: item[1]["transferred_bytes"])
        lines.append(
            f"site: largest page {name}: {largest['transferred_bytes'] / 1024:.0f} KiB "
            f"in {largest['requests']} requests (uncompressed)"
        )
    if data["searches"]:
        lines.append(
            "site: search hits "
            + ", ".join(f"{query} {hits}" for query, hits in data["searches"].items())
        )
    for lang, pdf in data["pdf"].items():
        lines.append(f"site: {lang} PDF {pdf['pages']} pages, {pdf['bytes'] / 2**20:.1f} MiB")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + "\n".join(lines))


def run_tool(script, *args):
    """Runs tools/<script>, which must print no warning; returns the seconds it took."""
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    log = ANSI.sub("", result.stdout + result.stderr)
    problems = [line for line in log.splitlines() if re.search(r"WARNING|ERROR|Error", line)]
    assert result.returncode == 0 and not problems, f"{script} failed:\n" + "\n".join(
        problems or log.splitlines()[-40:]
    )
    return round(time.monotonic() - start, 1)


@pytest.fixture(scope="session")
def site(report, shared):
    """Both books from the committed outputs, warnings as errors: built once per session."""
    report["build_s"] = once(shared, "site", lambda: run_tool("build_site.py", "--all"))
    return HTML


@pytest.fixture(scope="session")
def pdfs(site, report, shared):
    """Each book's PDF, beside its landing page in the site."""
    report["pdf_s"] = once(shared, "pdfs", lambda: run_tool("build_pdf.py"))
    return site


@pytest.fixture(scope="session")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(
            self, request, client_address
        ):  # the browser dropped a request it no longer needs
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: apt-get install chromium fonts-nanum "
            "(or set CHROMIUM to a Chromium binary)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(
            f"axe-core not found at {AXE}: make test installs it (npm install "
            "--prefix .venv/npm/axe axe-core@4.14.1)"
        )
    return AXE.read_text(encoding="utf-8")


class Visit:
    """One browser tab that records every problem a reader's browser would see."""

    def __init__(self, browser, base):
        self.base = base
        self.host = urlsplit(base).netloc
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, service_workers="block"
        )
        self.page = self.context.new_page()
        self.problems, self.responses = [], []
        self.page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and self.problems.append(f"console error: {msg.text} ({msg.location.get('url')})")
            ),
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on(
            "requestfailed",
            lambda req: self.problems.append(f"failed request: {req.url} ({req.failure})"),
        )
        self.page.on("request", self._request)
        self.page.on("response", self._response)

    def _request(self, req):
        parts = urlsplit(req.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.host:
            self.problems.append(f"request to another host: {req.url}")

    def _response(self, response):
        self.responses.append(response)
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def open(self, url):
        self.page.goto(url, wait_until="load")
        self.settle()

    def settle(self):
        """Waits for MathJax to typeset and for every image (lazy ones too) to load."""
        self.page.wait_for_load_state("load")
        self.page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise)
                await MathJax.startup.promise;
            await Promise.all([...document.images].map(img => {
                img.loading = "eager";
                return img.complete ? null : new Promise(done => {
                    img.addEventListener("load", done); img.addEventListener("error", done); });
            }));
        }""")
        self.page.wait_for_load_state("networkidle")

    def transferred(self):
        return sum(int(r.headers.get("content-length", 0)) for r in self.responses)

    def close(self):
        self.context.close()


# Every string the page's interface shows or reads out: text outside the article (and all of
# it on the index and search pages, which are all interface), and the attributes that become
# tooltips, labels or placeholders anywhere. Titles of pages and sections in the navigation
# are content, as is anything inside an element marked with another lang.
INTERFACE_STRINGS = """(wholePage) => {
    const lang = document.documentElement.lang, out = new Set();
    const skip = "script, style, mjx-container, .bd-sidenav a, .page-toc a, .prev-next-title,"
        + " #jb-print-docs-body" + (wholePage ? "" : ", article.bd-article");
    const foreign = el => { const marked = el.closest("[lang]"); return marked.lang !== lang; };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        let text = node.textContent;
        if (el.closest("noscript")) text = text.replace(/<[^>]+>/g, " ");  // HTML held as text
        text = text.replace(/\\s+/g, " ").trim();
        if (text && !el.closest(skip) && !foreign(el)) out.add(text);
    }
    const attrs = ["title", "aria-label", "placeholder", "data-bs-title",
                   "data-bs-original-title", "data-tooltip", "aria-description"];
    for (const el of document.querySelectorAll("body *")) {
        if (foreign(el) || el.closest("mjx-container")) continue;
        for (const name of attrs) {
            const value = (el.getAttribute(name) || "").trim();
            const navTitle = name === "title" && el.closest(".bd-sidenav, .page-toc, .prev-next-area");
            if (value && !navTitle)
                out.add(`[${name}] ${value}`);
        }
        if (el.tagName === "IMG" && !el.closest("article")) out.add(`[alt] ${el.alt}`);
    }
    return [...out];
}"""


# The printed line of the PDFs (tools/build_pdf.py): A4 less 15 mm margins, 180 mm at 96 px per inch
PRINT_WIDTH = 680
# Outputs, tables, code and display math wider than their own box or than the article
WIDER_THAN_ITS_BOX = """() => {
    const article = document.querySelector("article.bd-article");
    if (!article) return [];
    const right = article.getBoundingClientRect().right;
    return [...article.querySelectorAll("pre, table, div.output, mjx-container[display='true'], img")]
        .filter(el => el.getClientRects().length > 0)
        .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > right + 1)
        .map(el => `${el.tagName.toLowerCase()} ${el.scrollWidth} px in ${el.clientWidth} px: `
                   + el.textContent.trim().slice(0, 60));
}"""


# The page's width, and the elements that make it wider than the screen (those inside a box
# that scrolls or clips them do not)
WIDER_THAN_THE_SCREEN = """() => {
    const wide = [];
    for (const el of document.querySelectorAll("body *")) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.right <= innerWidth + 1) continue;
        let inside = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement)
            if (getComputedStyle(up).overflowX !== "visible") { inside = true; break; }
        if (!inside) wide.push(`${el.tagName.toLowerCase()}.${el.className}: ${Math.round(box.right)} px`
                               + ` ${(el.textContent || "").trim().slice(0, 40)}`);
    }
    return {width: document.documentElement.scrollWidth, wide: wide.slice(0, 6)};
}"""


def foreign_strings(strings, lang):
    """The strings not in `lang` ("[title] ..." is the value of an attribute)."""
    values = {s: re.sub(r"^\[[a-z-]+\] ", "", s) for s in strings}
    if lang == "en":
        return [s for s, value in values.items() if HANGUL.search(value)]
    return [
        s
        for s, value in values.items()
        if {w.lower() for w in re.findall(r"[A-Za-z]{2,}", value)} - ALLOWED_LATIN
    ]


# --- the pages, one test each ---------------------------------------------------------------


@pytest.mark.parametrize("lang, docname", PAGES, ids=[f"{lang}/{d}" for lang, d in PAGES])
def test_page_in_browser(lang, docname, browser, server, axe_source, report):
    visit = Visit(browser, server)
    try:
        check_page(visit, lang, docname, axe_source, report)
    finally:
        visit.close()


def check_page(visit, lang, docname, axe_source, report):
    page, key = visit.page, f"{lang}/{docname}"
    url = url_of(visit.base, lang, docname)
    visit.open(url)
    report["pages"][key] = {
        "transferred_bytes": visit.transferred(),
        "requests": len(visit.responses),
    }
    assert page.url == url
    index = [r.url for r in visit.responses if urlsplit(r.url).path.endswith("/searchindex.js")]
    assert len(index) == (docname == "search"), f"the search index is loaded by: {index}"

    if key in SCREENSHOTS:  # as a reader first sees it, before the buttons are clicked
        (BUILD / "screenshots").mkdir(parents=True, exist_ok=True)
        height = min(2400, page.evaluate("document.documentElement.scrollHeight"))
        page.screenshot(
            path=BUILD / "screenshots" / f"{key.replace('/', '_')}.png",
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": height},
        )

    assert page.evaluate("document.documentElement.lang") == lang

    # the interface speaks the page's language
    strings = page.evaluate(INTERFACE_STRINGS, docname in ("genindex", "search"))
    assert len(strings) > 20, strings
    assert not foreign_strings(strings, lang), (
        f"interface strings not in {lang}: {foreign_strings(strings, lang)}"
    )

    # the sidebar: this book's pages in order, one link to the other book
    nav = page.eval_on_selector_all("nav.bd-docs-nav a.reference", "els => els.map(a => a.href)")
    assert [href.split("#")[0] for href in nav] == [
        url_of(visit.base, lang, d) for d in book_pages(lang)
    ]
    other = page.locator(".other-book a")
    assert other.count() == 1 and other.is_visible()
    assert other.get_attribute("lang") == OTHER[lang]
    assert other.evaluate("a => a.href") == url_of(visit.base, OTHER[lang], LANDING[OTHER[lang]])

    # typography: Korean breaks between words; every Hangul glyph comes from a Hangul font
    word_break = page.eval_on_selector("main", "el => getComputedStyle(el).wordBreak")
    assert word_break == ("keep-all" if lang == "ko" else "normal")
    if docname == LANDING[lang]:
        for selector in ("article p", ".bd-sidenav a", ".other-book a", ".language-switch a"):
            fonts, hangul = drawn_with(page, selector)
            drawn = sum(count for font, count in fonts.items() if HANGUL_FONT.search(font))
            assert hangul == 0 or drawn >= hangul, f"{selector}: {hangul} Hangul in {fonts}"

    # math: every TeX element typeset by MathJax, without TeX errors
    math = page.evaluate("""() => ({
        total: document.querySelectorAll(".math").length,
        untypeset: [...document.querySelectorAll(".math")]
            .filter(e => !e.querySelector("mjx-container")).map(e => e.textContent.slice(0, 80)),
        errors: document.querySelectorAll("mjx-merror").length })""")
    assert not math["untypeset"], f"math not rendered: {math['untypeset'][:5]}"
    assert math["errors"] == 0, "MathJax reports TeX errors"
    report["pages"][key]["math"] = math["total"]

    # images: loaded, with alt text; content images in the page's language
    images = page.evaluate("""() => [...document.images].map(img => ({
        src: img.getAttribute("src"), alt: (img.getAttribute("alt") || "").trim(),
        width: img.naturalWidth, content: !!img.closest("article") }))""")
    for img in images:
        assert img["width"] > 0, f"image did not load: {img['src']}"
        alt = img["alt"]
        assert alt, f"image without alt text: {img['src']}"
        assert "/" not in alt and not re.search(r"\.(png|jpe?g|svg|gif)$", alt, re.I), (
            f"alt text is a file name, not a description: {alt}"
        )
        if img["content"]:
            assert bool(HANGUL.search(alt)) == (lang == "ko"), (
                f"alt text not in the page's language ({lang}): {alt}"
            )
    report["pages"][key]["images"] = len(images)

    # launch, repository and download buttons of notebook pages
    if (ROOT / f"{docname}.ipynb").exists():
        check_buttons(visit, docname)

    if docname == LANDING[lang]:  # the landing page leads into its own book, and to its PDF
        hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(a => a.href)")
        assert url_of(visit.base, lang, book_pages(lang)[1]) in hrefs
        assert urljoin(url, PDF[lang]) in hrefs

    # accessibility: no serious or critical violation
    page.add_script_tag(content=axe_source)
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes:
        ["violations"]})).violations.filter(v => ["serious", "critical"].includes(v.impact))
        .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. `
                  + `${v.nodes[0].target.join(" ")})`)""")
    assert not violations, "axe-core:\n" + "\n".join(violations)

    # print (the PDFs): at the width of an A4 page's text, nothing is wider than its box, so
    # nothing is cut at the margin; then back to the screen for the clicks below
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINT_WIDTH, "height": 900})
    cut = page.evaluate(WIDER_THAN_ITS_BOX)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not cut, "cut at the printed page's margin:\n" + "\n".join(cut)

    # phones (WCAG 2.2, 1.4.10 reflow): at 320 CSS pixels the page does not scroll sideways
    page.set_viewport_size({"width": 320, "height": 640})
    phone = page.evaluate(WIDER_THAN_THE_SCREEN)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert phone["width"] <= 320, f"{phone['width']} px wide at 320 px: {phone['wide']}"

    # the language switch leads to the twin (whose own test checks its switch back), under the
    # twin's own title
    twin = twin_of(docname, lang)
    links = page.locator(".language-switch a")
    assert links.count() == (1 if twin else 0), "no language switch at the top of the article"
    if twin:
        link = links.first
        assert link.is_visible() and link.get_attribute("lang") == OTHER[lang]
        assert link.evaluate("a => a.href") == url_of(visit.base, OTHER[lang], twin)
        label = f"{SWITCH_LABEL[OTHER[lang]]}: {title_of(OTHER[lang], twin)}"
        assert link.inner_text().strip() == label
        for hreflang, href in ((lang, url), (OTHER[lang], url_of(visit.base, OTHER[lang], twin))):
            alternate = page.locator(f'link[rel="alternate"][hreflang="{hreflang}"]')
            assert alternate.count() == 1 and alternate.evaluate("l => l.href") == href
        if docname == LANDING[lang]:  # a reader's click (on the light pages)
            link.click()
            page.wait_for_url(url_of(visit.base, OTHER[lang], twin))
            visit.settle()
            assert page.evaluate("document.documentElement.lang") == OTHER[lang]

    # a notebook page says when and on what its outputs were produced (tools/run_facts.py)
    source = ROOT / f"{docname}.ipynb"
    facts = page.locator(".run-facts")
    assert facts.count() == (1 if source.exists() else 0), "no line saying when the outputs ran"
    if source.exists():
        ran, text = read(source).metadata["book"]["ran"], facts.inner_text()
        for fact in (f"Keras {ran['keras']}", f"TensorFlow {ran['tensorflow']}", ran["cpu"]):
            assert fact in text, f"{fact!r} not in {text!r}"
        assert str(datetime.date.fromisoformat(ran["date"]).year) in text

    assert not visit.problems, "\n".join(visit.problems)


def drawn_with(page, selector):
    """The fonts chromium draws the element's own text with, glyphs per font (DevTools
    protocol), and the number of Hangul characters in that text."""
    text = page.eval_on_selector(
        selector,
        """el => [...el.childNodes]
        .filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("")""",
    )
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    cdp.send("CSS.enable")
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}, len(HANGUL.findall(text))


def title_of(lang, docname):
    """The title (<h1>) of a built page."""
    page = (HTML / f"{FOLDER[lang]}{docname}.html").read_text(encoding="utf-8")
    h1 = re.search(r"<h1>(.*?)<a class=\"headerlink\"", page)[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", h1)).split())


def check_buttons(visit, docname):
    page = visit.page
    repo_url = CONFIG["repository"]["url"].rstrip("/")
    branch = CONFIG["repository"].get("branch", "main")
    owner_repo = urlsplit(repo_url).path.strip("/")
    notebook = f"{CONFIG['repository'].get('path_to_book') or ''}{docname}.ipynb".lstrip("/")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")

    binder = [h for h in hrefs if h.startswith(CONFIG["launch_buttons"]["binderhub_url"])]
    assert len(binder) == 1, binder
    parts = urlsplit(binder[0])
    assert parts.path == f"/v2/gh/{owner_repo}/{branch}", binder[0]
    urlpath = parse_qs(parts.query)["urlpath"][0]
    assert re.fullmatch(r"(lab/)?tree/" + re.escape(notebook), urlpath), binder[0]

    colab = [h for h in hrefs if h.startswith(CONFIG["launch_buttons"]["colab_url"])]
    assert colab == [
        f"{CONFIG['launch_buttons']['colab_url']}/github/{owner_repo}/blob/{branch}/{notebook}"
    ]

    assert repo_url in hrefs, "no repository button"

    downloads = [h for h in hrefs if h.endswith(".ipynb") and not urlsplit(h).scheme]
    assert len(downloads) == 1, downloads
    response = page.request.get(urljoin(page.url, downloads[0]))
    assert response.ok, downloads[0]
    source = json.loads((ROOT / notebook).read_text(encoding="utf-8"))
    assert json.loads(response.body()) == source, "downloaded notebook differs from the source"


# --- search -----------------------------------------------------------------------------------


def article_text(lang, docname):
    """The text of a built page's article (what the search should find)."""
    page = (HTML / f"{FOLDER[lang]}{docname}.html").read_text(encoding="utf-8")
    article = re.search(r"<article class=\"bd-article\">(.*)</article>", page, re.S)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", article))


SEARCH_CASES = [(lang, query) for lang, queries in SEARCHES.items() for query in queries]


@pytest.mark.parametrize("lang, query", SEARCH_CASES, ids=[q for _, q in SEARCH_CASES])
def test_search_finds_every_page_of_its_book_that_uses_the_word(
    lang, query, browser, server, report
):
    """From the book's own search page: every page whose text has the word, nothing from the
    other book. Korean: exactly the pages with a word starting with the query (게이트 finds
    게이트는, 게이트를, ...; a particle typed after the query is dropped)."""
    if lang == "ko":
        word = (
            query[:-1] if len(query) >= 3 and query[-1] in "은는이가을를의에와과도로만" else query
        )
        uses = re.compile(r"(?<!\w)" + re.escape(word))
    else:
        uses = re.compile(rf"\b{re.escape(query)}s?\b", re.I)
    expected = {
        url_of(server, lang, d) for d in book_pages(lang) if uses.search(article_text(lang, d))
    }
    assert expected, f"no page of the {lang} book uses {query!r}: pick another query"
    visit = Visit(browser, server)
    try:
        page = visit.page
        page.goto(url_of(server, lang, "search") + "?q=" + quote(query))
        page.wait_for_function(
            "document.querySelector('#search-results .search-summary')"
            "?.textContent.trim().length > 0",
            timeout=30_000,
        )
        hits = page.eval_on_selector_all(
            "#search-results ul.search > li > a:first-of-type", "els => els.map(a => a.href)"
        )
        summary = page.inner_text("#search-results .search-summary")
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()
    # a glossary term named by the query adds one hit that links straight to its definition
    terms = [hit for hit in hits if "#term-" in hit]
    glossary = url_of(server, lang, f"about/{lang}/glossary")
    assert all(hit.split("#")[0] == glossary for hit in terms), terms
    found = [hit.split("#")[0] for hit in hits if hit not in terms]
    report["searches"][query] = len(found)
    assert len(found) == len(set(found)), "a page listed twice for its text"
    assert str(len(hits)) in summary and not foreign_strings([summary], lang)
    assert expected <= set(found), f"search for {query!r} misses {expected - set(found)}"
    book = {url_of(server, lang, d) for d in book_pages(lang)}
    assert set(found) <= book, f"search for {query!r} left its book: {set(found) - book}"
    if lang == "ko":  # exactly the pages that use the word (English stems: states, stated)
        assert set(found) == expected, f"unexpected: {set(found) - expected}"


# --- addresses --------------------------------------------------------------------------------


def test_old_addresses_of_english_pages_redirect(browser, server):
    """chapters/en/X.html, where the English pages lived before the books were split, leads to
    en/chapters/en/X.html (with the #anchor); the site's root leads to the Korean book."""
    moved = [d for d in book_pages("en") if d != LANDING["en"]]
    assert moved
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        for docname in moved:
            page.goto(urljoin(server, f"{docname}.html#exercises"), wait_until="commit")
            page.wait_for_url(url_of(server, "en", docname) + "#exercises", wait_until="commit")
        page.goto(server, wait_until="commit")
        page.wait_for_url(url_of(server, "ko", LANDING["ko"]), wait_until="commit")
    finally:
        context.close()


class LinkParser(HTMLParser):
    ATTRS = {
        "a": "href",
        "link": "href",
        "script": "src",
        "img": "src",
        "source": "src",
        "iframe": "src",
    }

    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag in self.ATTRS and attrs.get(self.ATTRS[tag]):
            self.links.append(attrs[self.ATTRS[tag]])
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url=(.+)", attrs.get("content") or "", re.I)
            if match:
                self.links.append(match[1].strip())


@functools.cache
def parse_html(path):
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def test_internal_links_resolve(pdfs, report):
    site = pdfs  # the site with its PDFs, which the landing pages link to
    files = sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)
    broken, checked = [], 0
    for path in files:
        for href in parse_html(path).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href == "#":
                continue  # links to other hosts are not page dependencies (see the browser test)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            where = f"{path.relative_to(site)}: {href}"
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{where} (no such file)")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and (unquote(parts.fragment) not in parse_html(target).ids)
            ):
                broken.append(f"{where} (no such anchor)")
    report["links_checked"], report["html_files"] = checked, len(files)
    assert files and checked
    assert not broken, "broken internal links:\n" + "\n".join(broken)


@pytest.mark.parametrize("lang", list(FOLDER))
def test_status_page_lists_every_notebook_with_its_run(lang, site):
    """Each book's status page has a row per notebook of the book, linked, with the date and the
    versions its metadata records, and the three sets CI runs them on."""
    page = site / FOLDER[lang] / "about" / lang / "status.html"
    html_text = page.read_text(encoding="utf-8")
    notebooks = [d for d in book_pages(lang) if (ROOT / f"{d}.ipynb").exists()]
    assert notebooks
    for docname in notebooks:
        ran = read(ROOT / f"{docname}.ipynb").metadata["book"]["ran"]
        href = posixpath.relpath(f"{docname}.html", f"about/{lang}")
        row = re.search(
            rf'<tr[^>]*>(?:(?!</tr>).)*href="{re.escape(href)}".*?</tr>', html_text, re.S
        )
        assert row, f"no row linking {href}"
        for fact in (ran["date"], ran["keras"], ran["tensorflow"]):
            assert fact in row[0], f"{docname}: {fact} not in its row"
    for requirements in ("requirements.txt", "requirements-oldest.txt", "requirements-colab.txt"):
        assert requirements in html_text


# --- the PDFs ---------------------------------------------------------------------------------


def poppler(tool, *args):
    if not shutil.which(tool):
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("lang", list(FOLDER))
def test_pdf_of_each_book(lang, pdfs, report):
    """One PDF per book beside its landing page: every page of the book in order, with its
    figures and typeset math; the Korean one with Hangul in its text layer and fonts."""
    site = pdfs
    path = site / FOLDER[lang] / PDF[lang]
    assert path.is_file(), f"{path} is missing"
    pages = int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(path)), re.M)[1])
    report["pdf"][lang] = {"pages": pages, "bytes": path.stat().st_size}
    page_texts = [
        " ".join(p.split())
        for p in poppler("pdftotext", "-enc", "UTF-8", str(path), "-").split("\f")
    ]
    text = " ".join(page_texts)
    built = [
        (site / f"{FOLDER[lang]}{d}.html").read_text(encoding="utf-8") for d in book_pages(lang)
    ]

    # each page of the book starts a PDF page with its title, in the order of the book
    titles = [title_of(lang, d) for d in book_pages(lang)]

    def squeeze(text):  # pdftotext puts spaces where the font changes (code)
        return "".join(text.split())

    starts = [
        next((i for i, p in enumerate(page_texts) if squeeze(p).startswith(squeeze(title))), None)
        for title in titles
    ]
    assert None not in starts, (
        f"titles not at the top of a page: {dict(zip(titles, starts, strict=True))}"
    )
    assert starts == sorted(starts) and len(set(starts)) == len(starts), dict(
        zip(titles, starts, strict=True)
    )
    assert pages >= 5 * len(titles), f"{pages} pages for {len(titles)} chapters"

    figures = sum(
        len(re.findall(r"<img [^>]*src=\"[^\"]*_images/[^\"]*\.(?:png|jpe?g)\"", page))
        for page in built
    )
    images = len(poppler("pdfimages", "-list", str(path)).splitlines()) - 2
    assert images >= figures > 0, f"{images} images in the PDF, {figures} figures in the book"
    assert not re.search(r"\\(frac|sigma|tanh|odot)|\$\$", text), "TeX source left in the PDF"

    if lang == "ko":
        assert len(HANGUL.findall(text)) > 10_000, "no Hangul in the PDF's text layer"
        fonts = poppler("pdffonts", str(path))
        assert re.search(r"nanum", fonts, re.I), f"no Hangul font embedded:\n{fonts}"
