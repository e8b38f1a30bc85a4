"""Every result the prose reports comes from the run beside it.

A number with two or more decimals in a notebook's text (an accuracy, a loss, an MSE, seconds
per epoch) must be one that a code cell of the same notebook printed, rounded to the digits the
text gives; a solutions page may also quote what its chapter printed. A re-run that changes a
result therefore fails here until the text is brought up to date, in both languages. Code, math
and version numbers are not results and are skipped.
"""

import re

import pytest
from notebooks import ROOT, notebooks, output_text, read

CODE_BLOCK = re.compile(r"```.*?```", re.S)
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
CODE_SPAN = re.compile(r"`[^`\n]+`")
LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]+>|https?://\S+")
VERSION = re.compile(
    r"(?:Keras|TensorFlow|Python|JAX|jax|NumPy|Colab|Sphinx|Jupyter Book)\s*\(?\s*\d+(?:\.\d+)+"
    r"(?:\s*(?:to|and|or|–|-|~|부터)\s*\d+(?:\.\d+)+)*"
)  # Keras 3.10 to 3.15
RESULT = re.compile(r"(?<![A-Za-z0-9_.])-?\d+\.\d{2,}(?![A-Za-z0-9_.])")  # 0.784, 2.53초, 7.37
# a minus is a sign unless a digit comes right before it: "0.510-0.516" is a range of two positives
PRINTED = re.compile(r"(?:(?<![\d.])-)?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def prose(cell_source):
    """The sentences of a markdown cell, without code, math, link targets and version numbers."""
    for pattern in (CODE_BLOCK, MATH, CODE_SPAN, LINK_TARGET, VERSION):
        cell_source = pattern.sub(" ", cell_source)
    return cell_source.replace("\u2212", "-")  # the typeset minus sign, −0.95, is a minus too


def reported_numbers(nb):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for number in RESULT.findall(prose(cell.source)):
                yield index, number


def printed_numbers(nb):
    values = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            for output in cell.outputs:
                values.update(
                    float(n) for n in PRINTED.findall(output_text(output).replace(",", ""))
                )
    return values


def is_printed(number, printed):
    decimals = len(number.split(".")[1])
    return any(
        abs(round(value, decimals) - float(number)) < 10 ** -(decimals + 3) for value in printed
    )


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_reported_result_is_printed_by_the_notebook(path):
    nb = read(path)
    printed = printed_numbers(nb)
    chapter = ROOT / "chapters" / path.parent.name / path.name
    if path.parent.parent.name == "solutions" and chapter.exists():  # its chapter's results
        printed |= printed_numbers(read(chapter))
    missing = [
        f"cell {index}: {number}"
        for index, number in reported_numbers(nb)
        if not is_printed(number, printed)
    ]
    assert not missing, (
        "numbers in the text that no output of this notebook (or, for solutions, its chapter) prints "
        "(stale after a re-run, or never measured): " + "; ".join(missing)
    )


def test_the_check_catches_a_changed_number():
    """The same rules applied to a made-up page: a number that drifted from its output is caught."""
    printed = {0.78441, 5.16}
    assert (
        is_printed("0.784", printed)
        and is_printed("0.7844", printed)
        and is_printed("5.16", printed)
    )
    assert not is_printed("0.785", printed) and not is_printed("5.17", printed)
    text = "LSTM 0.784 (`dropout=0.25`), $0.125$, Keras (3.10 to 3.15), [x](a/1.25.html), 7.37 s"
    assert RESULT.findall(prose(text)) == ["0.784", "7.37"]
    assert RESULT.findall(prose("에포크당 2.53초, 검증 손실 0.4472보다")) == ["2.53", "0.4472"]
    assert RESULT.findall(prose("a median of \u22120.95")) == ["-0.95"]
    assert not is_printed("-0.95", {0.95}) and is_printed("-0.95", {-0.95})
    assert [float(n) for n in PRINTED.findall("0.510-0.516, -0.95")] == [0.510, 0.516, -0.95]


PLACEHOLDER = re.compile(
    r"«[^»\n]*»|@@\w+"
)  # how drafts mark a number or sentence still to be written


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_placeholder_is_left_in_the_text(path):
    left = [
        f"cell {i}: {m}"
        for i, c in enumerate(read(path).cells)
        if c.cell_type == "markdown"
        for m in PLACEHOLDER.findall(c.source)
    ]
    assert not left, "placeholders still to be filled from the outputs: " + "; ".join(left)
