"""Committed outputs are what readers see: fresh, from one clean run, with no errors or leaks."""

import re

import pytest
from notebooks import ROOT, code_hash, notebooks, output_text, read, twin_pairs

NOTEBOOKS = notebooks()
ids = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]
MACHINE_PATH = re.compile(r"(/home/|/root/|/tmp/|/Users/|/work/|site-packages|[A-Z]:\\\\)")
WARNING = re.compile(r"\b\w*Warning\b|\bWARNING\b")


def code_cells(path):
    return [c for c in read(path).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_outputs_are_not_older_than_the_code(path):
    recorded = read(path).metadata.get("book", {}).get("code_sha256")
    assert recorded, "never executed with `make execute` (no code hash recorded)"
    assert recorded == code_hash(read(path)), (
        "code changed since the outputs were recorded: run `make execute`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_executed_top_to_bottom_in_one_run(path):
    counts = [c.execution_count for c in code_cells(path) if c.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), f"execution counts {counts}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_errors_except_in_cells_that_expect_them(path):
    for cell in code_cells(path):
        if "raises-exception" not in cell.metadata.get("tags", []):
            errors = [o for o in cell.outputs if o.output_type == "error"]
            assert not errors, (
                f"error output in:\n{cell.source}\n{errors[0].ename}: {errors[0].evalue}"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_warnings_or_machine_paths_in_outputs(path):
    """Only the errata's bug demonstrations may print a (captured) warning."""
    for cell in code_cells(path):
        for output in cell.outputs:
            text = output_text(output)
            assert not MACHINE_PATH.search(text), (
                f"machine path in the output of:\n{cell.source}\n{text[:500]}"
            )
            if output.output_type == "stream" and "demo-bug" not in cell.metadata.get("tags", []):
                assert not WARNING.search(text), (
                    f"warning in the output of:\n{cell.source}\n{text[:500]}"
                )


@pytest.mark.parametrize("ko, en", twin_pairs(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_twins_show_the_outputs_of_the_same_run(ko, en):
    """One execution serves both languages: the twins' code cells carry identical outputs."""
    outputs = [[(c.execution_count, c.outputs) for c in code_cells(p)] for p in (ko, en)]
    assert outputs[0] == outputs[1], "outputs differ between the twins: run `make execute FORCE=1`"


SECONDS = re.compile(r"\d\s*(s|sec|seconds)\b|s/epoch|ms/batch", re.I)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_times_in_outputs_come_from_a_run_alone_on_the_machine(path):
    """`make execute` runs two notebooks at a time only where neither reads the clock: a
    notebook whose outputs show seconds must read it, so that it runs alone."""
    from execute import reads_the_clock

    timed = [
        c.source[:80]
        for c in code_cells(path)
        if any(SECONDS.search(output_text(o)) for o in c.outputs)
    ]
    assert not timed or reads_the_clock(read(path)), (
        f"seconds printed by a notebook run in parallel: {timed}"
    )
