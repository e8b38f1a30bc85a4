"""Writes the functions of tools/shared_code.py over their copies in the notebooks: `make share`.

A copy is a `def` or `class` that starts in the first column of a code cell (or of chapter 06's
worker script, a string in a cell) and has the name of a function in shared_code.py; it runs
to the next line that starts in the first column. Both languages get the same code.
`python share_code.py --check` lists the stale copies and exits 1 if there are any.
"""

import re
import sys

import nbformat
from notebooks import ROOT, notebooks, read

SOURCE = ROOT / "tools" / "shared_code.py"
START = re.compile(r"(?:def|class) (\w+)\b")


def blocks(text):
    """(name, first line, end line) of each def or class that starts in column 0 of text, its
    decorators included; the body runs over indented and blank lines (and a signature's closing
    bracket), trailing blank lines left out."""
    lines = text.split("\n")
    found = []
    for i, line in enumerate(lines):
        match = START.match(line)
        if not match:
            continue
        start, end = i, i + 1
        while start > 0 and lines[start - 1].startswith("@"):
            start -= 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t)]"):
            end += 1
        while not lines[end - 1].strip():
            end -= 1
        found.append((match[1], start, end))
    return found


def shared():
    """{name: source text} of every function and class in shared_code.py."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    return {name: "\n".join(lines[start:end]) for name, start, end in blocks("\n".join(lines))}


def with_current_copies(text, sources):
    """text with every copy of a shared function replaced by its source (last block first, so
    that the line numbers of the others stay right)."""
    lines = text.split("\n")
    for name, start, end in reversed(blocks(text)):
        if name in sources:
            lines[start:end] = sources[name].split("\n")
    return "\n".join(lines)


def stale_copies():
    """(notebook, name) of every copy that differs from its source."""
    sources = shared()
    stale = []
    for path in notebooks():
        for cell in read(path).cells:
            if cell.cell_type != "code":
                continue
            lines = cell.source.split("\n")
            for name, start, end in blocks(cell.source):
                if name in sources and "\n".join(lines[start:end]) != sources[name]:
                    stale.append((path.relative_to(ROOT), name))
    return stale


def write_copies():
    sources = shared()
    for path in notebooks():
        nb = read(path)
        changed = False
        for cell in nb.cells:
            if cell.cell_type == "code":
                new = with_current_copies(cell.source, sources)
                changed |= new != cell.source
                cell.source = new
        if changed:
            nbformat.write(nb, path)
            print("updated", path.relative_to(ROOT))


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        stale = stale_copies()
        for path, name in stale:
            print(f"{path}: {name} differs from tools/shared_code.py")
        sys.exit(1 if stale else 0)
    write_copies()
