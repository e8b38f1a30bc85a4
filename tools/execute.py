"""Runs the book's notebooks and records their outputs: `make execute`.

Korean and English twins share their code cells, so each pair is executed once (the English
notebook, in a scratch folder so checkpoints stay out of the tree) and both notebooks receive
the same outputs, plus the hash of the code that produced them (`metadata.book.code_sha256`) and
the seconds the run took (`metadata.book.seconds`, which `make bench` reports).
A pair whose recorded hash still matches its code is skipped unless --force is given. The
notebooks are read again before the outputs are written, so prose edited during a long run
is kept; a run whose code was edited meanwhile is not written.

Notebooks whose code reads the clock (they report seconds) run one at a time, alone on the
machine; the others do not report times, so they run two at a time, after the timed ones. In
quick mode (nothing is written, nothing reported) every notebook runs two at a time.
With --twice (quick mode) each notebook runs top to bottom twice in one kernel, as a reader's
second "Run all" does, and the outputs nbval checks must come out the same both times.
"""

import argparse
import copy
import datetime
import importlib.metadata
import os
import platform
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

import nbformat
from nbclient import NotebookClient
from notebooks import ROOT, code_hash, code_sources, output_text, read, sanitizers, twin_pairs


def is_fresh(nb):
    return nb.metadata.get("book", {}).get("code_sha256") == code_hash(nb)


def execute(nb, quick):
    """Runs the notebook in a kernel of its own, in a scratch folder (checkpoints stay out of
    the tree); BOOK_QUICK=1 in the kernel's environment only in quick mode."""
    env = {key: value for key, value in os.environ.items() if key != "BOOK_QUICK"}
    if quick:
        env["BOOK_QUICK"] = "1"
    with tempfile.TemporaryDirectory(prefix="book-run-") as workdir:
        client = NotebookClient(
            nb,
            timeout=None,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": workdir}},
        )
        client.execute(env=env)
    for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for output in cell.outputs:
            line = CPP_LOG.search(output.get("text", ""))
            if line:
                raise RuntimeError(f"a C++ log line reached code cell {index}: {line[0]}")
    return nb


def run_twice(nb):
    """Runs the notebook's cells twice in one kernel; the second pass must print, in every cell
    tagged nbval-check-output, what the first printed (timings and addresses aside)."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    nb.cells = cells + copy.deepcopy(cells)
    execute(nb, quick=True)
    # TensorFlow counts tf.function retracings over the kernel's life, so a second run may add
    # its warning about them to a cell, and Python shows a warning once per place in the code,
    # so a second run may lack one: noise, not a different result
    rules = sanitizers() + [(RETRACING, ""), (PYTHON_WARNING, "")]

    def shown(cell):
        text = "".join(output_text(o) for o in cell.outputs)
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    first_pass, second_pass = nb.cells[: len(cells)], nb.cells[len(cells) :]
    for index, (first, second) in enumerate(zip(first_pass, second_pass, strict=True)):
        if "nbval-check-output" in first.metadata.get("tags", []):
            before, after = shown(first).splitlines(), shown(second).splitlines()
            if before != after:
                line = next(
                    (f"{a!r} -> {b!r}" for a, b in zip(before, after, strict=False) if a != b),
                    f"{len(before)} lines -> {len(after)} lines",
                )
                raise RuntimeError(
                    f"a second run in the same kernel printed something else in code cell "
                    f"{index}: {line}"
                )


def run_facts():
    """When and on what the outputs were produced, for the line at the top of each page: the
    kernel runs this script's Python, so its packages are the kernel's."""
    versions = {}
    for package in ("tensorflow", "tensorflow-cpu", "keras", "jax"):
        try:
            versions[package.removesuffix("-cpu")] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        **versions,
        "backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "cpu": cpu,
        "cores": os.cpu_count(),
    }


def copy_outputs(source, target):
    """Give target (the twin) the code-cell outputs of the executed source notebook."""
    src_cells = [c for c in source.cells if c.cell_type == "code"]
    dst_cells = [c for c in target.cells if c.cell_type == "code"]
    for src, dst in zip(src_cells, dst_cells, strict=True):
        dst.outputs = src.outputs
        dst.execution_count = src.execution_count
    target.metadata["book"] = dict(source.metadata["book"])
    target.metadata["kernelspec"] = dict(source.metadata["kernelspec"])


# TensorFlow's and XLA's C++ log lines, which ipykernel forwards from the process' stderr into
# the cells on some versions even with TF_CPP_MIN_LOG_LEVEL=3: a reader should never see them
CPP_LOG = re.compile(
    r"^.*(absl::InitializeLog|Compiled cluster using XLA|^[IWEF]\d{4} [\d:.]+ +\d+ \S+\.cc:\d+\]).*$",
    re.M,
)
PYTHON_WARNING = re.compile(r"^\S+\.py:\d+: \w*Warning: .*\n(?:  .*\n)?", re.M)
RETRACING = re.compile(r"^WARNING:tensorflow:.*triggered tf\.function retracing.*\n?", re.M)
CLOCK = re.compile(r"\btime\.(perf_counter|monotonic|time)\b|\btimeit\b")


def reads_the_clock(nb):
    return any(CLOCK.search(source) for source in code_sources(nb))


def run_pair(ko, en, quick, twice=False):
    """Executes the English twin and writes its outputs into both; returns what it did."""
    label = en.relative_to(ROOT).as_posix().replace("/en/", "/{ko,en}/")
    nb_en = read(en)
    start = time.monotonic()
    nb_en.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    if twice:
        try:
            run_twice(nb_en)
        except RuntimeError as error:
            raise RuntimeError(f"{label}: {error}") from None
        return f"{label}: ran twice in one kernel in {time.monotonic() - start:.0f} s, same outputs"
    execute(nb_en, quick)
    seconds = time.monotonic() - start
    if quick:
        return f"{label}: ran in quick mode in {seconds:.0f} s (outputs not written)"
    nb_en.metadata["book"] = {
        "code_sha256": code_hash(nb_en),
        "seconds": round(seconds),
        "ran": run_facts(),
    }
    now_ko, now_en = read(ko), read(en)  # the files as they are now: prose may have changed
    if not code_sources(now_ko) == code_sources(now_en) == code_sources(nb_en):
        raise RuntimeError(
            f"{label}: code edited during the run; outputs not written, run it again"
        )
    for target in (now_en, now_ko):
        copy_outputs(nb_en, target)
        nbformat.write(target, ko if target is now_ko else en)
    return f"{label}: executed once for both languages in {seconds:.0f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names",
        nargs="*",
        help="notebooks to run: a name (02_lstm_gru_imdb) or folder/name (solutions/02_lstm_gru_imdb); default all",
    )
    parser.add_argument("--force", action="store_true", help="run even if outputs are fresh")
    parser.add_argument(
        "--quick", action="store_true", help="quick mode (BOOK_QUICK=1); outputs are not written"
    )
    parser.add_argument(
        "--twice", action="store_true", help="quick mode, each notebook twice in one kernel"
    )
    args = parser.parse_args()
    args.quick |= args.twice

    pairs = [
        (ko, en)
        for ko, en in twin_pairs()
        if not args.names or {ko.stem, f"{ko.parent.parent.name}/{ko.stem}"} & set(args.names)
    ]
    if args.names and not pairs:
        sys.exit(
            f"no notebook named {args.names}; the names are the files' stems, e.g. 02_lstm_gru_imdb"
        )
    timed, untimed = [], []
    for ko, en in pairs:
        label = en.relative_to(ROOT).as_posix().replace("/en/", "/{ko,en}/")
        missing = [p for p in (ko, en) if not p.exists()]
        if missing:
            sys.exit(f"{label}: missing twin {missing[0].relative_to(ROOT)}")
        nb_ko, nb_en = read(ko), read(en)
        if code_sources(nb_ko) != code_sources(nb_en):
            sys.exit(f"{label}: Korean and English code cells differ; make them identical first")
        if not (args.force or args.quick) and is_fresh(nb_ko) and is_fresh(nb_en):
            print(f"{label}: outputs are fresh, skipped")
            continue
        (timed if reads_the_clock(nb_en) and not args.quick else untimed).append((ko, en))
    start = time.monotonic()
    for ko, en in timed:
        print(run_pair(ko, en, args.quick), flush=True)
    with ProcessPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(run_pair, ko, en, args.quick, args.twice) for ko, en in untimed]
        for run in runs:
            print(run.result(), flush=True)  # a notebook's error ends the run here
    if len(timed) + len(untimed) > 1:
        print(f"{len(timed) + len(untimed)} pairs in {time.monotonic() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main()
