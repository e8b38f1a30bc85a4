"""The book's shape: every page in the table of contents exists, and every notebook has a twin."""

import re

import pytest
from notebooks import FOLDERS, LANGS, ROOT, code_sources, notebooks, read, toc_entries, twin_pairs

EXCLUDED = set()  # notebooks deliberately left out of the table of contents (none so far)


def resolve(entry):
    matches = [
        ROOT / f"{entry}{ext}"
        for ext in ("", ".md", ".ipynb")
        if (ROOT / f"{entry}{ext}").is_file()
    ]
    return matches[0] if matches else None


def test_every_toc_entry_exists():
    missing = [entry for entry in toc_entries() if resolve(entry) is None]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_every_notebook_is_in_the_toc_or_deliberately_excluded():
    listed = {resolve(entry) for entry in toc_entries()}
    orphans = [
        p.relative_to(ROOT).as_posix()
        for p in notebooks()
        if p not in listed and p.relative_to(ROOT).as_posix() not in EXCLUDED
    ]
    assert not orphans, f"notebooks unreachable from _toc.yml: {orphans}"


def test_both_languages_have_the_same_notebooks():
    for folder in FOLDERS:
        names = {lang: {p.name for p in (ROOT / folder / lang).glob("*.ipynb")} for lang in LANGS}
        assert names["ko"] == names["en"], (
            f"{folder}: only in ko: {sorted(names['ko'] - names['en'])}, "
            f"only in en: {sorted(names['en'] - names['ko'])}"
        )


@pytest.mark.parametrize("ko, en", twin_pairs(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_twins_share_code_cells_and_their_tags(ko, en):
    nb_ko, nb_en = read(ko), read(en)
    assert code_sources(nb_ko) == code_sources(nb_en), "code cells differ between the twins"
    tags = [
        [c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code"]
        for nb in (nb_ko, nb_en)
    ]
    assert tags[0] == tags[1], "code-cell tags differ between the twins"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_kernel_is_plain_python3(path):
    assert read(path).metadata.get("kernelspec", {}).get("name") == "python3"


NBVAL_COMMENT = re.compile(r"^\s*#\s*(NBVAL_\w+|PYTEST_VALIDATE_IGNORE_OUTPUT)\s*$", re.M)


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_test_markers_are_tags_not_code_readers_copy(path):
    """nbval reads `nbval-check-output` from a cell's tags, which readers never see."""
    marked = [source[:60] for source in code_sources(read(path)) if NBVAL_COMMENT.search(source)]
    assert not marked, f"nbval comment markers in code cells (use the cell tag instead): {marked}"
