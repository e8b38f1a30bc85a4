"""Sphinx extension: every notebook page says when and on what its outputs were produced.

tools/execute.py records each full run in the notebook's metadata (`book.ran`: date, Python,
TensorFlow, Keras, backend, processor, cores; `book.seconds`); this extension puts that in one
line under the page's title (<p class="run-facts">), with the other sets CI runs the notebook on
(requirements-oldest.txt, requirements-colab.txt), in the page's language.
"""

import datetime
import html
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(tensorflow|keras)(?:-cpu)?==([\w.]+)", re.M)


def pins(requirements):
    return dict(PIN.findall((ROOT / requirements).read_text(encoding="utf-8")))


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
            f"TensorFlow {oldest['tensorflow']}와 Keras {oldest['keras']}, 그리고 Colab의 "
            f"런타임(Python 3.13, TensorFlow {colab['tensorflow']}, Keras {colab['keras']})에서도 "
            "실행합니다."
        )
    return (
        f"Outputs of a full run of this notebook on {day:%d %B %Y} ({minutes} min): {versions} "
        f"({backend} backend), {ran['cores']} cores of an {ran['cpu']}. On every change CI also "
        f"runs it in quick mode on TensorFlow {oldest['tensorflow']} with Keras {oldest['keras']} "
        f"and on Colab's runtime (Python 3.13, TensorFlow {colab['tensorflow']}, "
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


def setup(app):
    app.connect("html-page-context", add_run_facts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
