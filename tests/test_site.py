"""The published site: built as `make book` builds it, served on 127.0.0.1 and read page by
page in Debian's chromium (driven by Playwright, whose own browsers are never downloaded).

Checks each page of the toc (and the index and search pages): no console error, no failed
request, no request to another host; <html lang> and the language switch to the twin and back;
math typeset by the site's own MathJax; every image loaded, with alt text in the page's
language; Binder, Colab, repository and download buttons. Then crawls the built HTML for broken
internal links. Screenshots go to _build/screenshots/, numbers to _build/site_report.json.
"""
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import yaml

from notebooks import toc_entries

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
TWIN_PAGE = re.compile(r"^(chapters|solutions)/(ko|en)/([^/]+)$")
SWITCH_LABEL = {"ko": "한국어", "en": "English"}
SCREENSHOTS = {"chapters/ko/02_lstm_gru_imdb", "chapters/en/02_lstm_gru_imdb"}


DOCS = [str(Path(entry).with_suffix("")) for entry in toc_entries()]
PAGES = DOCS + ["genindex", "search"]


def language_of(docname):
    match = TWIN_PAGE.match(docname)
    return match[2] if match else CONFIG["sphinx"]["config"].get("language", "en")


def twin_of(docname):
    match = TWIN_PAGE.match(docname)
    if not match:
        return None
    other = "en" if match[2] == "ko" else "ko"
    return f"{match[1]}/{other}/{match[3]}"


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def report(request):
    data = {"pages": {}}
    yield data
    BUILD.mkdir(exist_ok=True)
    (BUILD / "site_report.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    pages = data["pages"]
    lines = [f"site: build {data.get('build_s', '?')} s, {len(pages)} pages read in chromium, "
             f"{data.get('links_checked', '?')} internal links checked "
             f"({data.get('html_files', '?')} HTML files)"]
    if pages:
        name, largest = max(pages.items(), key=lambda item: item[1]["transferred_bytes"])
        lines.append(f"site: largest page {name}: {largest['transferred_bytes'] / 1024:.0f} KiB "
                     f"in {largest['requests']} requests (uncompressed)")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + "\n".join(lines))


@pytest.fixture(scope="session")
def site(report):
    """Builds the whole site from the committed outputs, with warnings as errors."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    start = time.monotonic()
    result = subprocess.run([str(jupyter_book), "build", ".", "-W", "-n", "--keep-going", "--all"],
                            cwd=ROOT, capture_output=True, text=True)
    report["build_s"] = round(time.monotonic() - start, 1)
    log = ANSI.sub("", result.stdout + result.stderr)
    problems = [line for line in log.splitlines() if re.search(r"WARNING|ERROR|Error", line)]
    assert result.returncode == 0, "jupyter-book build failed:\n" + "\n".join(
        problems or log.splitlines()[-40:])
    return HTML


@pytest.fixture(scope="session")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-nanum "
                    "(or set CHROMIUM to a Chromium binary)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One browser tab that records every problem a reader's browser would see."""

    def __init__(self, browser, base):
        self.base = base
        self.host = urlsplit(base).netloc
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           service_workers="block")
        self.page = self.context.new_page()
        self.problems, self.responses = [], []
        self.page.on("console", lambda msg: msg.type == "error" and self.problems.append(
            f"console error: {msg.text} ({msg.location.get('url')})"))
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda req: self.problems.append(
            f"failed request: {req.url} ({req.failure})"))
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


def h1_text(page):
    return page.evaluate("""() => {
        const h1 = document.querySelector("article h1").cloneNode(true);
        h1.querySelectorAll(".headerlink").forEach(a => a.remove());
        return h1.textContent.trim(); }""")


# --- the pages, one test each ---------------------------------------------------------------

@pytest.mark.parametrize("docname", PAGES)
def test_page_in_browser(docname, browser, server, report):
    visit = Visit(browser, server)
    try:
        check_page(visit, docname, report)
    finally:
        visit.close()


def check_page(visit, docname, report):
    page, lang = visit.page, language_of(docname)
    url = urljoin(visit.base, f"{docname}.html")
    visit.open(url)
    report["pages"][docname] = {"transferred_bytes": visit.transferred(),
                                "requests": len(visit.responses)}
    assert page.url == url

    if docname in SCREENSHOTS:  # as a reader first sees it, before the buttons are clicked
        (BUILD / "screenshots").mkdir(parents=True, exist_ok=True)
        height = min(2400, page.evaluate("document.documentElement.scrollHeight"))
        page.screenshot(path=BUILD / "screenshots" / f"{docname.replace('/', '_')}.png",
                        full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": height})

    assert page.evaluate("document.documentElement.lang") == lang

    # math: every TeX element typeset by MathJax, without TeX errors
    math = page.evaluate("""() => ({
        total: document.querySelectorAll(".math").length,
        untypeset: [...document.querySelectorAll(".math")]
            .filter(e => !e.querySelector("mjx-container")).map(e => e.textContent.slice(0, 80)),
        errors: document.querySelectorAll("mjx-merror").length })""")
    assert not math["untypeset"], f"math not rendered: {math['untypeset'][:5]}"
    assert math["errors"] == 0, "MathJax reports TeX errors"
    report["pages"][docname]["math"] = math["total"]

    # images: loaded, with alt text; content images in the page's language
    images = page.evaluate("""() => [...document.images].map(img => ({
        src: img.getAttribute("src"), alt: (img.getAttribute("alt") || "").trim(),
        width: img.naturalWidth, content: !!img.closest("article") }))""")
    for img in images:
        assert img["width"] > 0, f"image did not load: {img['src']}"
        alt = img["alt"]
        assert alt, f"image without alt text: {img['src']}"
        assert "/" not in alt and not re.search(r"\.(png|jpe?g|svg|gif)$", alt, re.I), (
            f"alt text is a file name, not a description: {alt}")
        if img["content"]:
            assert bool(HANGUL.search(alt)) == (lang == "ko"), (
                f"alt text not in the page's language ({lang}): {alt}")
    report["pages"][docname]["images"] = len(images)

    # launch, repository and download buttons of notebook pages
    if (ROOT / f"{docname}.ipynb").exists():
        check_buttons(visit, docname)

    if docname == DOCS[0]:  # the landing page offers both languages
        hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(a => a.href)")
        for other in ("ko", "en"):
            assert any(f"/{other}/" in href for href in hrefs), f"landing page lacks {other}"

    # the language switch leads to the twin, and the twin's leads back
    twin = twin_of(docname)
    if twin:
        title = h1_text(page)
        twin_url = urljoin(visit.base, f"{twin}.html")
        follow_switch(visit, to_url=twin_url, to_lang=language_of(twin))
        follow_switch(visit, to_url=url, to_lang=lang, expected_title=title)
    else:
        assert page.locator(".language-switch").count() == 0

    assert not visit.problems, "\n".join(visit.problems)


def follow_switch(visit, to_url, to_lang, expected_title=None):
    page = visit.page
    links = page.locator(".language-switch a")
    assert links.count() == 1, "no language switch at the top of the article"
    link = links.first
    assert page.locator(f'link[rel="alternate"][hreflang="{to_lang}"]').count() == 1
    text = link.inner_text().strip()
    assert text.startswith(f"{SWITCH_LABEL[to_lang]}: "), text
    assert link.is_visible()
    link.click()
    page.wait_for_url(to_url)
    visit.settle()
    assert page.evaluate("document.documentElement.lang") == to_lang
    # the link text is the twin's own title
    assert text == f"{SWITCH_LABEL[to_lang]}: {h1_text(page)}"
    if expected_title:
        assert h1_text(page) == expected_title


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
    assert colab == [f"{CONFIG['launch_buttons']['colab_url']}/github/{owner_repo}"
                     f"/blob/{branch}/{notebook}"]

    assert repo_url in hrefs, "no repository button"

    downloads = [h for h in hrefs if h.endswith(".ipynb") and not urlsplit(h).scheme]
    assert len(downloads) == 1, downloads
    response = page.request.get(urljoin(page.url, downloads[0]))
    assert response.ok, downloads[0]
    source = json.loads((ROOT / notebook).read_text(encoding="utf-8"))
    assert json.loads(response.body()) == source, "downloaded notebook differs from the source"


# --- every internal link of the built site --------------------------------------------------

class LinkParser(HTMLParser):
    ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src",
             "iframe": "src"}

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


def parse_html(path, cache={}):
    if path not in cache:
        parser = LinkParser()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = parser
    return cache[path]


def test_internal_links_resolve(site, report):
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
            elif parts.fragment and target.suffix == ".html" and (
                    unquote(parts.fragment) not in parse_html(target).ids):
                broken.append(f"{where} (no such anchor)")
    report["links_checked"], report["html_files"] = checked, len(files)
    assert files and checked
    assert not broken, "broken internal links:\n" + "\n".join(broken)
