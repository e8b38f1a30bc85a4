"""Code that several notebooks share has one source, tools/shared_code.py: every copy in a
notebook is that source, word for word, and no function is defined twice outside it."""

from collections import defaultdict

from notebooks import ROOT, read
from share_code import SOURCE, blocks, shared, stale_copies

ENGLISH = sorted((ROOT / "chapters" / "en").glob("*.ipynb")) + sorted(
    (ROOT / "solutions" / "en").glob("*.ipynb")
)


def test_every_copy_of_a_shared_function_is_its_current_source():
    stale = [f"{path}: {name}" for path, name in stale_copies()]
    assert not stale, "edit tools/shared_code.py, then run `make share`:\n" + "\n".join(stale)


def test_a_function_that_two_notebooks_define_comes_from_the_shared_source():
    defined_in = defaultdict(set)
    for path in ENGLISH:
        for cell in read(path).cells:
            if cell.cell_type == "code":
                for name, _, _ in blocks(cell.source):
                    defined_in[name].add(path.relative_to(ROOT))
    sources = shared()
    copied = {
        name: sorted(map(str, paths))
        for name, paths in defined_in.items()
        if len(paths) > 1 and name not in sources
    }
    assert not copied, f"move these into {SOURCE.relative_to(ROOT)}: {copied}"


def test_every_shared_function_is_used_by_a_notebook():
    used = set()
    for path in ENGLISH:
        for cell in read(path).cells:
            if cell.cell_type == "code":
                used |= {name for name, _, _ in blocks(cell.source)}
    assert not set(shared()) - used, "shared functions that no notebook defines"
