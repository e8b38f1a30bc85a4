"""Sphinx extension: every notebook page says when and on what its outputs were produced.

tools/execute.py records each full run in the notebook's metadata (`book.ran`: date, Python,
TensorFlow, Keras, backend, processor, cores; `book.seconds`); this extension puts that in one
line under the page's title (<p class="run-facts">), with the other sets CI runs the notebook on
(requirements-oldest.txt, requirements-colab.txt), in the page's language. The directive
`{run-status}` is the table of every notebook of the page's book with the same facts (each
book's status page, about/<lang>/status.md).
"""

import datetime
import html
import json
import posixpath
import re
from pathlib import Path

from docutils import nodes
from language_switch import PAGE, source_title
from notebooks import toc_entries
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(tensorflow|keras)(?:-cpu)?==([\w.]+)", re.M)


def pins(requirements):
    """{"tensorflow": ..., "keras": ..., "python": ...} of a requirements file; Python from
    its comment ("Python 3.13"), where it names one."""
    text = (ROOT / requirements).read_text(encoding="utf-8")
    found = dict(PIN.findall(text))
    python = re.search(r"^#.*\bPython (3\.\d+)", text, re.M)
    return found | ({"python": python[1]} if python else {})


def facts(ran, seconds, lang):
    """The line, in Korean or English, for one run (`ran` as execute.py records it)."""
    day = datetime.date.fromisoformat(ran["date"])
    minutes = max(1, round(seconds / 60))
    oldest, colab = pins("requirements-oldest.txt"), pins("requirements-colab.txt")
    backend = {"tensorflow": "TensorFlow", "jax": "JAX"}.get(ran["backend"], ran["backend"])
    versions = f"Python {ran['python']}, TensorFlow {ran['tensorflow']}, Keras {ran['keras']}"
    if lang == "ko":
        return (
            f"이 페이지의 출력은 {day.year}년 {day.month}월 {day.day}일에 노트북 전체를 실행"
            f"({minutes}분)해 얻었습니다: {versions}({backend} 백엔드), {ran['cpu']} "
            f"{ran['cores']}코어. CI는 바뀐 내용이 있을 때마다 이 노트북을 빠른 모드로 "
            f"TensorFlow {oldest['tensorflow']}·Keras {oldest['keras']} 조합과 Colab의 "
            f"런타임(Python {colab['python']}, TensorFlow {colab['tensorflow']}, Keras {colab['keras']})에서도 "
            "실행합니다."
        )
    return (
        f"Outputs of a full run of this notebook on {day.day} {day:%B %Y} ({minutes} min): {versions} "
        f"({backend} backend), {ran['cores']} cores of an {ran['cpu']}. On every change CI also "
        f"runs it in quick mode on TensorFlow {oldest['tensorflow']} with Keras {oldest['keras']} "
        f"and on Colab's runtime (Python {colab['python']}, TensorFlow {colab['tensorflow']}, "
        f"Keras {colab['keras']})."
    )


def add_run_facts(app, pagename, templatename, context, doctree):
    source = Path(app.srcdir) / f"{pagename}.ipynb"
    if not source.exists() or "</h1>" not in context.get("body", ""):
        return
    book = json.loads(source.read_text(encoding="utf-8"))["metadata"].get("book", {})
    if "ran" not in book:
        return
    line = html.escape(facts(book["ran"], book["seconds"], app.config.language))
    context["body"] = context["body"].replace("</h1>", f'</h1>\n<p class="run-facts">{line}</p>', 1)


HEADERS = {
    "ko": [
        "노트북",
        "실행한 날",
        "걸린 시간",
        "Python",
        "TensorFlow",
        "Keras",
        "백엔드",
        "프로세서",
    ],
    "en": ["notebook", "run on", "took", "Python", "TensorFlow", "Keras", "backend", "processor"],
}


SET_HEADERS = {
    "ko": ["CI의 환경", "설치 목록", "TensorFlow", "Keras", "실행 방식"],
    "en": ["CI set", "requirements", "TensorFlow", "Keras", "how"],
}
SETS = {
    "ko": [
        ("이 책이 고정한 버전", "requirements.txt", "nbval, 빠른 모드(2장은 JAX에서도)"),
        ("지원하는 가장 오래된 버전", "requirements-oldest.txt", "빠른 모드"),
        ("Colab의 기본 런타임", "requirements-colab.txt", "빠른 모드, 한 커널에서 두 번"),
    ],
    "en": [
        ("the book's pins", "requirements.txt", "nbval, quick mode (chapter 2 on JAX too)"),
        ("the oldest supported", "requirements-oldest.txt", "quick mode"),
        ("Colab's default runtime", "requirements-colab.txt", "quick mode, twice in one kernel"),
    ],
}


class RunStatus(SphinxDirective):
    """A table of the book's notebooks (those of _toc.yml in the page's language) and their runs."""

    def run(self):
        lang = self.config.language
        here = posixpath.dirname(self.env.docname)
        rows = [HEADERS[lang]]
        for docname in toc_entries():
            match = PAGE.match(docname)
            source = Path(self.env.srcdir) / f"{docname}.ipynb"
            if not match or match["lang"] != lang or not source.exists():
                continue
            self.env.note_dependency(str(source))
            book = json.loads(source.read_text(encoding="utf-8"))["metadata"].get("book", {})
            link = nodes.reference(
                "",
                source_title(self.env.srcdir, docname, lang),
                refuri=posixpath.relpath(f"{docname}.html", here),
            )
            if "ran" not in book:  # outputs from before execute.py recorded its runs
                rows.append([link] + ["?"] * (len(rows[0]) - 1))
                continue
            ran, minutes = book["ran"], max(1, round(book["seconds"] / 60))
            rows.append(
                [
                    link,
                    ran["date"],
                    f"{minutes}분" if lang == "ko" else f"{minutes} min",
                    ran["python"],
                    ran["tensorflow"],
                    ran["keras"],
                    ran["backend"],
                    f"{ran['cpu']}, {ran['cores']}" + ("코어" if lang == "ko" else " cores"),
                ]
            )
        sets = [SET_HEADERS[lang]]
        for name, requirements, how in SETS[lang]:
            found = pins(requirements)
            sets.append([name, requirements, found["tensorflow"], found["keras"], how])
        return [table(rows), table(sets)]


def table(rows):
    """A docutils table: the first row is the header; a cell is text or a node."""
    group = nodes.tgroup(cols=len(rows[0]))
    group += [nodes.colspec(colwidth=1) for _ in rows[0]]

    def row(cells):
        line = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(
                "", "", cell if isinstance(cell, nodes.Node) else nodes.Text(cell)
            )
            line += entry
        return line

    group += nodes.thead("", row(rows[0]))
    group += nodes.tbody("", *(row(r) for r in rows[1:]))
    return nodes.table("", group, classes=["run-status"])


def setup(app):
    app.add_directive("run-status", RunStatus)
    app.connect("html-page-context", add_run_facts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
