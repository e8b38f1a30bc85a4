"""What tools/ and tests/ both need to know about the book's notebooks: twins and code hashes."""

import configparser
import hashlib
import re
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("chapters", "solutions")
LANGS = ("ko", "en")


def read(path):
    return nbformat.read(path, as_version=4)


def code_sources(nb):
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def output_text(output):
    """The text a reader sees of one output: a stream, an error with its traceback, or text/*."""
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join([output.ename, output.evalue] + output.traceback)
    return "\n".join(
        v if isinstance(v, str) else ""
        for k, v in output.get("data", {}).items()
        if k.startswith("text/")
    )


def sanitizers():
    """The regexes nbval applies before comparing outputs (tests/sanitize.cfg): timings and
    memory addresses may differ from run to run."""
    config = configparser.ConfigParser()
    config.read(ROOT / "tests" / "sanitize.cfg")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def code_hash(nb):
    """sha256 of the code cells; recorded at execution time, compared by the tests."""
    digest = hashlib.sha256()
    for source in code_sources(nb):
        digest.update(source.encode("utf-8") + b"\0")
    return digest.hexdigest()


def notebooks():
    """Every notebook of the book, chapters and solutions, both languages."""
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*/*.ipynb"))


def twin_pairs():
    """(korean, english) paths of each notebook name, whichever of the two exists."""
    pairs = []
    for folder in FOLDERS:
        names = {p.name for lang in LANGS for p in (ROOT / folder / lang).glob("*.ipynb")}
        pairs += [(ROOT / folder / "ko" / n, ROOT / folder / "en" / n) for n in sorted(names)]
    return pairs


def toc_entries():
    """The pages of _toc.yml in reading order, as written there (no suffix): root first."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]]

    def walk(node):  # parts, chapters and sections, at any depth
        if isinstance(node, dict):
            if "file" in node:
                entries.append(str(node["file"]))
            for key, value in node.items():
                if key != "root":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return entries
