"""Ties each Korean markdown cell to the version of its English twin it translates.

Twins have the same cells in the same order (tests/test_twins.py). Each Korean markdown cell
records, in `metadata.book.translates`, a short hash of its English twin's source as it was when
the translation was last checked. When an English cell changes, its Korean twin is stale until
someone updates it and marks it checked:

    python tools/twins.py                      # list the stale Korean cells, with the English now
    python tools/twins.py --mark 02_lstm_gru_imdb   # record the current English as translated
    python tools/twins.py --mark --all         # the same for every notebook (a new baseline)
"""

import argparse
import hashlib
import sys

import nbformat
from notebooks import ROOT, read, twin_pairs


def english_hash(source):
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def translated(cell):
    return cell.metadata.get("book", {}).get("translates")


def stale_cells(ko_nb, en_nb):
    """(index, Korean cell, English cell) of each Korean markdown cell whose English changed."""
    return [
        (index, ko, en)
        for index, (ko, en) in enumerate(zip(ko_nb.cells, en_nb.cells, strict=True))
        if en.cell_type == "markdown" and translated(ko) != english_hash(en.source)
    ]


def mark(ko_nb, en_nb):
    for ko, en in zip(ko_nb.cells, en_nb.cells, strict=True):
        if en.cell_type == "markdown":
            ko.metadata.setdefault("book", {})["translates"] = english_hash(en.source)


def label(path):
    return path.relative_to(ROOT).as_posix()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names (02_lstm_gru_imdb); default all")
    parser.add_argument("--mark", action="store_true", help="record the English as translated")
    parser.add_argument("--all", action="store_true", help="with --mark: every notebook")
    args = parser.parse_args()
    pairs = [(ko, en) for ko, en in twin_pairs() if not args.names or ko.stem in args.names]
    if args.mark and not (args.names or args.all):
        sys.exit("--mark needs the notebooks' names, or --all")
    stale_total = 0
    for ko, en in pairs:
        ko_nb, en_nb = read(ko), read(en)
        if args.mark:
            mark(ko_nb, en_nb)
            nbformat.write(ko_nb, ko)
            print(f"{label(ko)}: every markdown cell marked as translating the current English")
            continue
        for index, ko_cell, en_cell in stale_cells(ko_nb, en_nb):
            stale_total += 1
            print(
                f"{label(ko)}: cell {index} ({ko_cell.get('id')}) translates an older English text"
            )
            print(f"  English now: {en_cell.source[:200]!r}")
    if not args.mark:
        print(f"{stale_total} Korean cells to re-translate" if stale_total else "no stale cell")
        sys.exit(1 if stale_total else 0)


if __name__ == "__main__":
    main()
