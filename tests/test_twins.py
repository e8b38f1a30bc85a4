"""The Korean and English twins of a notebook say the same thing, and cannot drift apart.

Structure: the same cells in the same order (code cells identical, tests/test_structure.py), and
in each markdown cell the same heading levels, links, figures, directives (admonitions,
dropdowns) and numbers. Translation: each Korean markdown cell records which version of its
English twin it translates (tools/twins.py); an English cell edited since is named here until its
Korean twin is updated and marked (`python tools/twins.py --mark NAME`).
"""

import re

import nbformat
import pytest
from notebooks import ROOT, read, twin_pairs
from twins import english_hash, mark, stale_cells

PAIRS = twin_pairs()
ids = [ko.relative_to(ROOT).as_posix().replace("/ko/", "/{ko,en}/") for ko, _ in PAIRS]

HEADING = re.compile(r"^(#{1,6}) ", re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")
FIGURE = re.compile(r"^[`:]{3,}\{figure\}\s*(\S+)", re.M)
DIRECTIVE = re.compile(r"^[`:]{3,}\{([\w-]+)\}", re.M)
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
OTHER_LANGUAGE = re.compile(r"/(ko|en)/|#(ko|en)-")


def shape(source):
    """What both languages of a markdown cell must share."""
    links = [OTHER_LANGUAGE.sub("/*/", target) for target in LINK.findall(source)]
    return {
        "heading levels": [len(h) for h in HEADING.findall(source)],
        "links": links,
        "figures": FIGURE.findall(source),
        "directives": DIRECTIVE.findall(source),
    }


def numbers(source):
    source = LINK.sub(" ", source)  # link targets hold file names, not numbers
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(source)}


def markdown_pairs(ko, en):
    pairs = zip(read(ko).cells, read(en).cells, strict=True)
    return [(i, k, e) for i, (k, e) in enumerate(pairs) if e.cell_type == "markdown"]


@pytest.mark.parametrize("ko, en", PAIRS, ids=ids)
def test_twins_have_the_same_cells_in_the_same_order(ko, en):
    kinds = [[c.cell_type for c in read(path).cells] for path in (ko, en)]
    assert kinds[0] == kinds[1], "the twins' cells differ in number or kind"


@pytest.mark.parametrize("ko, en", PAIRS, ids=ids)
def test_markdown_twins_share_headings_links_figures_directives_and_numbers(ko, en):
    problems = []
    for index, ko_cell, en_cell in markdown_pairs(ko, en):
        a, b = shape(ko_cell.source), shape(en_cell.source)
        problems += [
            f"cell {index}: {key} {a[key]} (ko) vs {b[key]} (en)" for key in a if a[key] != b[key]
        ]
        missing = numbers(en_cell.source) - numbers(ko_cell.source)
        if missing:
            problems.append(
                f"cell {index}: numbers of the English missing in Korean: {sorted(missing)}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("ko, en", PAIRS, ids=ids)
def test_korean_cells_translate_the_current_english(ko, en):
    stale = [f"cell {i} ({k.get('id')})" for i, k, _ in stale_cells(read(ko), read(en))]
    assert not stale, (
        f"English edited since its Korean twin was checked: {', '.join(stale)}. Update the Korean, "
        f"then run: python tools/twins.py --mark {ko.stem}"
    )


def test_the_check_names_a_korean_cell_whose_english_changed():
    from nbformat.v4 import new_markdown_cell, new_notebook

    en = new_notebook(cells=[new_markdown_cell("# Title"), new_markdown_cell("Accuracy 0.78.")])
    ko = new_notebook(cells=[new_markdown_cell("# 제목"), new_markdown_cell("정확도 0.78입니다.")])
    assert len(stale_cells(ko, en)) == 2  # never marked
    mark(ko, en)
    assert stale_cells(ko, en) == []
    en.cells[1].source = "Accuracy 0.79."
    assert [i for i, _, _ in stale_cells(ko, en)] == [1]
    assert ko.cells[1].metadata["book"]["translates"] != english_hash(en.cells[1].source)
    assert numbers(en.cells[1].source) - numbers(ko.cells[1].source) == {"0.79"}
    nbformat.validate(ko)
