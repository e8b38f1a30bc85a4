"""Measures what running this book costs on this machine and prints one table: `make bench`.

Rows: the seconds each notebook pair's full run took (recorded by `make execute`) and their sum
(the results themselves are on the pages: chapter 02's comparison table, chapter 06's backend
table); then, measured now: the CPU's speed on a large
matrix product (the yardstick that makes days comparable), book build (clean,
incremental), the pytest suite without the notebooks, quick-mode nbval time of each notebook as
`make test` runs it (English twins on TensorFlow, chapter 02 on JAX too), IMDB data preparation
and seconds per epoch of the chapter-02 models in full mode (compiled as the chapter compiles them,
with XLA, and the LSTM with Keras' default compile for comparison); last each command of
`make test` as make runs it (the pytest part, chapter 02 on JAX, the oldest versions).
"""

import contextlib
import datetime
import io
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np
from notebooks import ROOT, notebooks, read, twin_pairs

BIN = ROOT / ".venv" / "bin"
CHAPTER = ROOT / "chapters" / "en" / "02_lstm_gru_imdb.ipynb"
rows = []


def row(what, value, note=""):
    rows.append((what, value, note))
    print(f"{what:<48} {value:>12}  {note}", flush=True)


def timed(command, **kw):
    start = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw
    )
    return time.perf_counter() - start


def bench_machine():
    """This CPU's speed on one large float32 matrix product, as chapter 06 measures it: machines
    of the same kind have differed by three times from one day to the next, so tables of
    different days are compared through this row."""
    a = np.random.rand(1024, 1024).astype(np.float32)
    best = np.inf
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(10):
            a @ a
        best = min(best, (time.perf_counter() - start) / 10)
    row(
        "NumPy float32 1024 x 1024 matrix product (GFLOP/s)",
        f"{2 * 1024**3 / best / 1e9:.1f}",
        "the machine's speed, as in chapter 06",
    )


def bench_dispatch():
    """The other yardstick: the cost of one tiny eager operation through Keras. Chapter 06 shows
    that small recurrent models on a CPU are bound by such fixed costs, not by arithmetic, so
    this row may track their epochs better than the matrix product does."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as in the chapters
    import keras

    x = keras.ops.ones((64, 8))
    for _ in range(200):  # warm-up
        keras.ops.add(x, 1.0)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(5000):
            keras.ops.add(x, 1.0)
        best = min(best, (time.perf_counter() - start) / 5000)
    row(
        "one tiny eager Keras operation, (64, 8) + 1 (microseconds)",
        f"{best * 1e6:.1f}",
        "dispatch cost, what small RNNs on a CPU are bound by",
    )


def bench_build():
    build = [str(BIN / "python"), "tools/build_site.py"]  # both books, as `make book`
    row("book build, both books, every page re-read (s)", f"{timed(build + ['--all']):.1f}")
    row("book build, incremental, nothing changed (s)", f"{timed(build):.1f}")


def bench_nbval():
    for path in [p for p in notebooks() if "/en/" in p.as_posix()]:
        rel = path.relative_to(ROOT).as_posix()
        for backend in (
            ("tensorflow", "jax")
            if "02_lstm_gru_imdb" in rel and "chapters" in rel
            else ("tensorflow",)
        ):
            env = dict(os.environ, BOOK_QUICK="1", KERAS_BACKEND=backend)
            seconds = timed(
                [
                    str(BIN / "python"),
                    "-m",
                    "pytest",
                    "-q",  # nbval's options: pytest.ini
                    rel,
                ],
                env=env,
            )
            row(f"nbval, quick mode, {backend}: {rel} (s)", f"{seconds:.1f}")


def chapter_namespace():
    """Run the chapter's cells tagged bench-setup (set-up, data, the models built but not
    trained) and time the data part."""
    namespace, data_seconds = {}, 0.0
    for cell in read(CHAPTER).cells:
        if cell.cell_type != "code" or "bench-setup" not in cell.metadata.get("tags", []):
            continue
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # the chapter's own prints
            exec(compile(cell.source, str(CHAPTER), "exec"), namespace)
        if "keras.Sequential(" not in cell.source:
            data_seconds += time.perf_counter() - start
    return namespace, data_seconds


def seconds_per_epoch(ns, model, epochs=2, **compile_options):
    keras = ns["keras"]
    model = keras.models.clone_model(model)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),
        loss="binary_crossentropy",
        metrics=["accuracy"],
        **compile_options,
    )
    fit = dict(batch_size=64, validation_data=(ns["val_seq"], ns["val_target"]), verbose=0)
    model.fit(ns["train_seq"][:640], ns["train_target"][:640], epochs=1, **fit)  # warm-up: tracing
    start = time.perf_counter()
    model.fit(ns["train_seq"], ns["train_target"], epochs=epochs, **fit)
    return (time.perf_counter() - start) / epochs


def bench_training():
    os.environ.pop("BOOK_QUICK", None)
    ns, data_seconds = chapter_namespace()
    row(
        "IMDB data preparation, chapter 02 (s)",
        f"{data_seconds:.1f}",
        "read 50,000 files, vectorize, pad",
    )
    models = {
        "SimpleRNN": ns["model_rnn"],
        "LSTM": ns["model"],
        "LSTM + dropout": ns["model2"],
        "2 x LSTM": ns["model3"],
        "GRU": ns["model4"],
    }
    chapter = dict(steps_per_execution=32, jit_compile=True)  # as chapter 02 compiles its models
    for name, model in models.items():
        row(
            f"s/epoch, full data: {name}",
            f"{seconds_per_epoch(ns, model, **chapter):.2f}",
            "as compiled in the chapter (XLA)",
        )
    # the chapter's options against Keras' defaults (no XLA on a CPU); alternated, best of two each
    default, faster = [], []
    for _ in range(2):
        default.append(seconds_per_epoch(ns, ns["model"]))
        faster.append(seconds_per_epoch(ns, ns["model"], **chapter))
    row(
        "s/epoch, LSTM, Keras' default compile",
        f"{min(default):.2f}",
        f"chapter's XLA + steps_per_execution=32: {min(faster):.2f}, speed-up x{min(default) / min(faster):.2f}",
    )


def bench_recorded_refresh():
    """Seconds of the full run that produced each pair's committed outputs (make execute)."""
    total, missing = 0, []
    for _, en in twin_pairs():
        seconds = read(en).metadata.get("book", {}).get("seconds")
        name = en.relative_to(ROOT).as_posix().replace("/en/", "/")
        if seconds is None:
            missing.append(name)
            continue
        total += seconds
        row(f"full run (recorded): {name} (s)", f"{seconds}")
    row(
        "full run (recorded): whole book (s)",
        f"{total}",
        f"not recorded: {', '.join(missing)}" if missing else "",
    )


def bench_tests():
    env = dict(os.environ, BOOK_QUICK="1")
    seconds = timed(
        [str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], env=env
    )
    row(
        "pytest tests/ without the notebooks (s)",
        f"{seconds:.1f}",
        "structure, claims, site, environment, ...",
    )


def bench_make_test():
    """Each command of `make test`, timed as make runs it (the recipe as `make --dry-run` prints it)."""
    recipe = subprocess.run(
        ["make", "--dry-run", "test"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    for command in [
        line for line in recipe.splitlines() if "pytest" in line or "execute.py" in line
    ]:
        start = time.perf_counter()
        result = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True)
        summary = (result.stdout.strip().splitlines() or ["no output"])[-1].strip("= ")
        what = (
            "chapter 02 on JAX"
            if "KERAS_BACKEND=jax" in command
            else "every notebook, oldest versions, quick"
            if ".venv-oldest" in command
            else "pytest, nbval in quick mode"
            if " tests " in command
            else command
        )
        row(
            f"make test: {what} (s)",
            f"{time.perf_counter() - start:.0f}",
            summary if result.returncode == 0 else f"FAILED: {summary}",
        )


def main():
    commit = "unknown"
    if shutil.which("git"):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    print(
        f"# make bench, {datetime.date.today()}, commit {commit}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}\n"
    )
    start = time.perf_counter()
    bench_recorded_refresh()
    bench_machine()
    bench_dispatch()
    bench_build()
    bench_tests()
    bench_training()
    bench_nbval()
    bench_make_test()
    row("bench total (s)", f"{time.perf_counter() - start:.0f}")
    print("\n| measure | value | note |\n|---|---:|---|")
    for what, value, note in rows:
        print(f"| {what} | {value} | {note} |")


if __name__ == "__main__":
    sys.exit(main())
